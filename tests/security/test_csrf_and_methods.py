"""CSRF on every POST, and every URL answers only the methods its RULES row says."""

import pytest

from tests.security.test_access_matrix import ADMIN, BODIES, POST, RULES
from tests.security.urls import named_patterns, project_patterns, url_for

pytestmark = pytest.mark.django_db

# Pages that show a form on GET and take it on POST (their RULES row tests the GET).
FORM_PAGES = {
    "questions:suggest",
    "stories:create",
    "stories:detail",
    "signup",
    "account_settings",
    "login",
    "password_change",
    "password_reset",
    "password_reset_confirm",
}


def test_every_url_refuses_a_post_without_a_csrf_token(world):
    """Project and admin URLs alike, for a stranger, the owner and a curator."""
    accepted = []
    clients = {role: world.client(role, csrf=True) for role in ("anonymous", "owner", "curator")}
    for named in named_patterns():
        url = url_for(named, world)
        body = BODIES.get(named.name, {})
        body = body(world) if callable(body) else body
        for role, client in clients.items():
            response = client.post(url, body)
            if response.status_code != 403 or b"CSRF" not in response.content:
                accepted.append(f"{role} {url}: {response.status_code}")
    assert not accepted, "POSTs without a CSRF token that were not refused: " + "; ".join(accepted)


def test_htmx_posts_with_the_token_header_pass_the_csrf_check(world):
    """The other half: the header base.html gives htmx is what the check accepts."""
    client = world.client("owner", csrf=True)
    client.get(world.attempt.get_absolute_url())  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    url = url_for(next(n for n in named_patterns() if n.name == "practice:attempt_save"), world)
    response = client.post(url, BODIES["practice:attempt_save"], headers={"X-CSRFToken": token})
    assert response.status_code == 302


def test_get_on_every_mutating_url_is_405(world):
    allowed = []
    for named in named_patterns():
        if RULES.get(named.name, (None,))[0] != POST:
            continue
        url = url_for(named, world)
        # Admin URLs: a curator passes the admin gate, so the method check is what answers.
        roles = ("curator",) if named.is_admin else ("anonymous", "owner")
        for role in roles:
            status = world.client(role).get(url).status_code
            if status != 405:
                allowed.append(f"{role} GET {url}: {status}")
    assert not allowed, "mutating URLs that answer GET: " + "; ".join(allowed)


def test_post_on_read_only_pages_is_405_and_form_pages_take_it(world):
    wrong = []
    client = world.client("owner")
    for named in project_patterns():
        if RULES[named.name][0] == POST:
            continue
        if RULES[named.name][2] == ADMIN:  # behind the admin login, which answers first
            assert world.client("curator").post(url_for(named, world)).status_code == 405
            continue
        url = url_for(named, world)
        status = client.post(url).status_code
        if named.name in FORM_PAGES and status == 405:
            wrong.append(f"{url} is a form page but refuses POST")
        if named.name not in FORM_PAGES and status != 405:
            wrong.append(f"{url} is read-only but answers POST with {status}")
    assert not wrong, "; ".join(wrong)
