"""Who may reach what: every URL the resolver knows, for each of five kinds of visitor.

The project's URLs each need a row in RULES, so a new URL without a rule fails
`test_every_url_has_a_rule`. Parameters point at the owner's objects (a session, an attempt,
a story, a question they answered), so "other", "staff" and "curator" are strangers to them.

The admin's ~70 URLs are covered two ways: a few explicit rows below, and a gate every admin
URL must pass (anonymous and ordinary users are sent to the admin login; staff outside the
Curators group reach no model page; curators reach no model outside their permissions).
"""

from importlib import import_module

import pytest
from django.urls import reverse

from tests.security.conftest import ROLES
from tests.security.urls import (
    admin_patterns,
    named_patterns,
    project_patterns,
    unnamed_project_routes,
    url_for,
)

pytestmark = pytest.mark.django_db

# Outcomes
OK = 200
DENIED = 403
MISSING = 404
NOT_ALLOWED = 405
LOGIN = "login"  # 302 to the login page, with ?next=
ADMIN = "admin login"  # 302 to the admin's login page
ONWARD = "redirect"  # 302 anywhere else: a successful POST, or a page that sends you on

GET, POST = "GET", "POST"

# What a POST carries, where an empty body would not show what the row means. A POST endpoint
# tested with a valid body shows that the owner really can (REDIRECT) and strangers can't.
ANSWER = {"version": 0, "force": "on", "situation": "I was on call.", "action": "I fixed it."}
BODIES = {
    "practice:session_create": {"drill-mode": "drill", "drill-count": 1},
    "practice:attempt_save": ANSWER,
    "practice:attempt_reveal": ANSWER,
    "practice:attempt_check": ANSWER,
    "practice:attempt_save_story": ANSWER,
    "practice:attempt_rate": {**ANSWER, "rating": "good"},
    "practice:attempt_use_story": lambda w: {"story": w.story.pk, "version": 0},
}

# fmt: off
#   name                                   method anonymous owner    other    staff    curator
RULES = {
    "home":                                 (GET,   OK,      OK,      OK,      OK,      OK),
    "questions:question_list":              (GET,   OK,      OK,      OK,      OK,      OK),
    "questions:question_detail":            (GET,   OK,      OK,      OK,      OK,      OK),
    "questions:red_flag_list":              (GET,   OK,      OK,      OK,      OK,      OK),
    "questions:suggest":                    (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "practice:start":                       (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "practice:session_create":              (POST,  LOGIN,   ONWARD,  ONWARD,  ONWARD,  ONWARD),
    "practice:session_detail":              (GET,   LOGIN,   ONWARD,  MISSING, MISSING, MISSING),
    "practice:session_summary":             (GET,   LOGIN,   OK,      MISSING, MISSING, MISSING),
    "practice:attempt_detail":              (GET,   LOGIN,   OK,      MISSING, MISSING, MISSING),
    "practice:attempt_save":                (POST,  LOGIN,   ONWARD,  MISSING, MISSING, MISSING),
    "practice:attempt_reveal":              (POST,  LOGIN,   ONWARD,  MISSING, MISSING, MISSING),
    "practice:attempt_check":               (POST,  LOGIN,   ONWARD,  MISSING, MISSING, MISSING),
    "practice:attempt_rate":                (POST,  LOGIN,   ONWARD,  MISSING, MISSING, MISSING),
    "practice:attempt_save_story":          (POST,  LOGIN,   ONWARD,  MISSING, MISSING, MISSING),
    "practice:story_picker":                (GET,   LOGIN,   OK,      MISSING, MISSING, MISSING),
    "practice:attempt_use_story":           (POST,  LOGIN,   ONWARD,  MISSING, MISSING, MISSING),
    "practice:history":                     (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "practice:question_history":            (GET,   LOGIN,   OK,      MISSING, MISSING, MISSING),
    "progress":                             (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "stories:list":                         (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "stories:create":                       (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "stories:detail":                       (GET,   LOGIN,   OK,      MISSING, MISSING, MISSING),
    "stories:delete":                       (POST,  LOGIN,   ONWARD,  MISSING, MISSING, MISSING),
    "signup":                               (GET,   OK,      ONWARD,  ONWARD,  ONWARD,  ONWARD),
    "account_settings":                     (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "account_data":                         (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "account_data_export":                  (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "account_data_import":                  (POST,  LOGIN,   OK,      OK,      OK,      OK),
    "account_delete":                       (POST,  LOGIN,   OK,      OK,      OK,      OK),
    "login":                                (GET,   OK,      OK,      OK,      OK,      OK),
    "logout":                               (POST,  ONWARD,  ONWARD,  ONWARD,  ONWARD,  ONWARD),
    "password_change":                      (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "password_change_done":                 (GET,   LOGIN,   OK,      OK,      OK,      OK),
    "password_reset":                       (GET,   OK,      OK,      OK,      OK,      OK),
    "password_reset_done":                  (GET,   OK,      OK,      OK,      OK,      OK),
    "password_reset_confirm":               (GET,   OK,      OK,      OK,      OK,      OK),
    "password_reset_complete":              (GET,   OK,      OK,      OK,      OK,      OK),
    # The admin, by example (every other admin URL passes the gate tests below).
    "admin:index":                          (GET,   ADMIN,   ADMIN,   ADMIN,   OK,      OK),
    # "View on site" for a question: Django's checks only is_staff; ours, model permissions.
    "admin_view_on_site":                   (GET,   ADMIN,   ADMIN,   ADMIN,   MISSING, ONWARD),
    "admin:login":                          (GET,   OK,      OK,      OK,      ONWARD,  ONWARD),
    "admin:questions_question_changelist":  (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  OK),
    "admin:questions_question_add":         (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  OK),
    "admin:questions_question_change":      (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  OK),
    "admin:questions_question_history":     (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  OK),
    "admin:questions_question_delete":      (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  DENIED),
    "admin:questions_question_import":      (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  OK),
    "admin:questions_question_export":      (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  OK),
    "admin:questions_question_move":        (POST,  ADMIN,   ADMIN,   ADMIN,   DENIED,  ONWARD),
    "admin:questions_competency_change":    (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  OK),
    "admin:questions_competency_add":       (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  DENIED),
    "admin:auth_user_changelist":           (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  DENIED),
    "admin:auth_user_change":               (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  DENIED),
    "admin:auth_user_password_change":      (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  DENIED),
    "admin:auth_group_change":              (GET,   ADMIN,   ADMIN,   ADMIN,   DENIED,  DENIED),
}
# fmt: on


def outcome_of(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(reverse("login") + "?next="):
        return LOGIN
    if location.startswith(reverse("admin:login") + "?next="):
        return ADMIN
    return ONWARD


def request(world, role: str, method: str, name: str, url: str):
    client = world.client(role)
    if method == GET:
        return client.get(url)
    body = BODIES.get(name, {})
    return client.post(url, body(world) if callable(body) else body)


def test_every_url_has_a_rule():
    unnamed = [r for r in unnamed_project_routes() if not r.startswith("admin/")]
    assert not unnamed, f"URLs without a name, so without an access rule: {unnamed}"
    missing = [n.name for n in project_patterns() if n.name not in RULES]
    assert not missing, f"URLs without an access rule in RULES: {missing}"
    known = {n.name for n in named_patterns()}
    stale = [name for name in RULES if name not in known]
    assert not stale, f"RULES for URLs that no longer exist: {stale}"


def matrix_order(named) -> tuple:
    """Reads before writes, and last the writes that take the world's objects away."""
    method = RULES[named.name][0]
    destructive = named.name in ("stories:delete", "admin:questions_question_move")
    return (method == POST, destructive, named.name)


def test_access_matrix(world):
    """One world for the whole table (it is built once: fast). Every cell is checked and
    every wrong one reported, as "name: role expected X, got Y"."""
    wrong = []
    rows = sorted((n for n in named_patterns() if n.name in RULES), key=matrix_order)
    for named in rows:
        method, *expected = RULES[named.name]
        url = url_for(named, world)
        # The owner goes last: their POSTs may change what the others would have found.
        for role in ("anonymous", "other", "staff", "curator", "owner"):
            want = expected[ROLES.index(role)]
            got = outcome_of(request(world, role, method, named.name, url))
            if got != want:
                wrong.append(f"{named.name} ({method} {url}): {role} expected {want}, got {got}")
    assert len(rows) == len(RULES)
    assert not wrong, "\n".join(wrong)


def test_unpublished_questions_are_missing_for_everyone(world):
    url = reverse("questions:question_detail", args=[world.draft.key])
    for role in ("anonymous", "owner", "staff", "curator"):
        assert world.client(role).get(url).status_code == 404, role


def test_admin_gate_keeps_out_anonymous_and_ordinary_users(world):
    let_in = []
    clients = {role: world.client(role) for role in ("anonymous", "owner")}
    for named in admin_patterns():
        url = url_for(named, world)
        for role, client in clients.items():
            for method in ("get", "post"):
                got = outcome_of(getattr(client, method)(url))
                if named.name in ("admin:login", "admin:logout"):  # open doors, nothing behind
                    if got not in (OK, ONWARD):
                        let_in.append(f"{role} {method} {url}: {got}")
                elif got != ADMIN:
                    let_in.append(f"{role} {method} {url}: {got}")
    assert not let_in, "admin URLs not behind the admin login: " + "; ".join(let_in)


def _model_pages(prefix: str) -> list:
    return [n for n in admin_patterns() if n.name.startswith(prefix)]


def _curator_models() -> dict[str, list[str]]:
    migration = import_module("questions.migrations.0003_curators_group")
    return {f"{app}_{model}": actions for app, model, actions in migration.CURATOR_PERMISSIONS}


def _admin_model_pages():
    from django.apps import apps

    for model in apps.get_models():
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        for named in _model_pages(f"admin:{label}_"):
            yield label, named


def test_staff_outside_the_curators_group_reach_no_admin_model_page(world):
    opened = []
    client = world.client("staff")
    for _label, named in _admin_model_pages():
        url = url_for(named, world)
        if client.get(url).status_code == 200:
            opened.append(f"{named.name} {url}")
    assert not opened, f"plain staff opened: {opened}"


def test_curators_reach_only_what_their_group_grants(world):
    """Models outside CURATOR_PERMISSIONS stay shut; nothing of theirs can be deleted."""
    granted = _curator_models()
    opened = []
    client = world.client("curator")
    for label, named in _admin_model_pages():
        view = named.name.removeprefix(f"admin:{label}_")
        if label in granted and view != "delete":
            continue
        url = url_for(named, world)
        if client.get(url).status_code == 200:
            opened.append(f"{named.name} {url}")
    assert not opened, f"curators opened: {opened}"


def test_view_on_site_tells_staff_nothing_they_may_not_see(world):
    """The admin's own link name reaches our guarded view; plain staff learn nothing from it
    (a draft's address, whose story an id is), and curators only about questions."""
    from django.contrib.contenttypes.models import ContentType

    from practice.models import Story
    from questions.models import Question

    def url(model, pk):
        return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, pk])

    draft, story = url(Question, world.draft.pk), url(Story, world.story.pk)
    assert world.client("staff").get(draft).status_code == 404
    assert world.client("staff").get(story).status_code == 404
    assert world.client("curator").get(story).status_code == 404
    assert world.client("curator").get(draft)["Location"].endswith(world.draft.get_absolute_url())
