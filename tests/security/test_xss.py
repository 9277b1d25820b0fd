"""Stored and reflected XSS: every payload through every field a user (or curator) can write,
rendered on every page that shows it, and found inert there.

Each test builds its world twice, in a transaction that is rolled back: once with plain words
in every field, once with a payload in every field (payload N in slot N). Every page of the
payload world is then compared with the same page of the plain world (see payloads.scan): no
script, handler, htmx attribute, dangerous URL or active element may appear that the plain
page hasn't, and the marker word of each slot must be visible, so a page that stopped showing
the text can't pass by accident.
"""

import json
import re
import uuid
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.models import Attempt, Story
from questions import formats
from questions.models import Category, Competency, Question
from tests.factories import (
    AttemptFactory,
    CompetencyFactory,
    PracticeSessionFactory,
    QuestionFactory,
    RedFlagFactory,
    UserFactory,
)
from tests.security.payloads import PAYLOADS, marker, page_problems, payload_text, plain_text

pytestmark = pytest.mark.django_db

SLOTS = range(len(PAYLOADS))
ALL = [marker(i) for i in SLOTS]
HTMX = {"HX-Request": "true"}
STAR = ("situation", "task", "action", "result")
SAMPLE = 3  # slots whose pages the plain world renders (see Pages)


class Pages(dict):
    """label -> (response, markers that must be visible on it).

    Both worlds write every slot, so pages listing many slots compare like with like. Pages of
    one slot ("attempt 7") are rendered for every slot in the payload world, but only for the
    first SAMPLE slots in the plain world: plain words have no markup, so the plain page of
    the last sampled slot is the reference for every later one (ids and versions aside).
    """

    def __init__(self, text: Callable[[int], str], every_slot: bool) -> None:
        super().__init__()
        self.text = text
        self.every_slot = every_slot

    def shows(self, slot: int) -> bool:
        return self.every_slot or slot < SAMPLE


def compare(build: Callable[[Pages], None]) -> list[str]:
    """Build the plain world and the payload world (each rolled back); list what differs."""
    worlds = {}
    for kind, text in (("plain", plain_text), ("payload", payload_text)):
        worlds[kind] = Pages(text, every_slot=kind == "payload")
        with transaction.atomic():
            build(worlds[kind])
            transaction.set_rollback(True)
    plain = worlds["plain"]
    problems = []
    for label, (response, markers) in worlds["payload"].items():
        reference = label if label in plain else re.sub(r"\d+$", str(SAMPLE - 1), label)
        baseline, _ = plain[reference]
        assert response.status_code == baseline.status_code == 200, (label, response.status_code)
        problems += [f"{label}: {p}" for p in page_problems(response, baseline, markers=markers)]
    assert len(worlds["payload"]) > len(plain) or not worlds["payload"].keys() - plain.keys()
    return problems


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def taxonomy():
    return CompetencyFactory(slug="ownership"), RedFlagFactory(slug="vague-answer")


def make_questions(prefix: str, category: str) -> list[Question]:
    """One plain published question per slot, made in bulk (outside the compared worlds)."""
    competency, flag = taxonomy()
    questions = Question.objects.bulk_create(
        QuestionFactory.build(key=f"{prefix}-{i}", category=category) for i in SLOTS
    )
    Question.red_flags.through.objects.bulk_create(
        Question.red_flags.through(question=q, redflag=flag) for q in questions
    )
    Question.competencies.through.objects.bulk_create(
        Question.competencies.through(question=q, competency=competency) for q in questions
    )
    return questions


# --- practice answers, the coach's highlights, summaries and history ------------------------


def practice_world(pages: Pages) -> None:
    text = pages.text
    owner = UserFactory()
    client = signed_in(owner)
    kinds = ((Category.BEHAVIORAL, STAR), (Category.TECHNICAL, ("answer", "notes")))
    for category, fields in kinds:
        session = PracticeSessionFactory(user=owner, question_count=len(PAYLOADS))
        Attempt.objects.bulk_create(
            Attempt(session=session, question=q, position=i + 1)
            for i, q in enumerate(Question.objects.filter(category=category).order_by("pk"))
        )
        for i in SLOTS:
            url = reverse("practice:attempt_detail", args=[session.pk, i + 1])
            # "Check my answer" saves the text and runs the coach over it, in one POST.
            body = {"version": 0, "force": "on", **{f: text(i) for f in fields}}
            if i >= SAMPLE:  # the full page shows what the coach found; partials for a few
                assert client.post(url + "check/", body).status_code == 302
                if pages.shows(i):
                    pages[f"attempt {category} {i}"] = (client.get(url), [marker(i)])
                continue
            pages[f"coach partial {category} {i}"] = (
                client.post(url + "check/", body, headers=HTMX),
                [],  # shows the text only when the coach flags something
            )
            pages[f"attempt {category} {i}"] = (client.get(url), [marker(i)])
            partial = client.get(url, headers={**HTMX, "HX-Target": "attempt-body"})
            pages[f"attempt partial {category} {i}"] = (partial, [marker(i)])
            pages[f"reveal partial {category} {i}"] = (
                client.post(url + "reveal/", body, headers=HTMX),
                [],
            )
            client.post(url + "rate/", {**body, "rating": "again"})
            pages[f"question history {category} {i}"] = (
                client.get(reverse("practice:question_history", args=[f"{category}-{i}"])),
                [marker(i)],
            )
        pages[f"summary {category}"] = (client.get(session.get_summary_url()), [])
    pages["history"] = (client.get(reverse("practice:history")), [])
    pages["progress"] = (client.get(reverse("progress")), [])
    pages["home"] = (client.get(reverse("home")), [])


def test_practice_answers_are_inert_everywhere_they_are_shown():
    make_questions(Category.BEHAVIORAL, Category.BEHAVIORAL)
    make_questions(Category.TECHNICAL, Category.TECHNICAL)
    assert not compare(practice_world)


# --- stories: list, detail, coach, picker, using one in an answer ---------------------------


def stories_world(pages: Pages) -> None:
    text = pages.text
    owner = UserFactory()
    competency = Competency.objects.get()
    client = signed_in(owner)
    question = Question.objects.get(key="behavioral-0")
    attempt = AttemptFactory(
        session=PracticeSessionFactory(user=owner), question=question, position=1
    )
    for i in SLOTS:
        body = {
            "title": text(i),
            **{part: text(i) for part in STAR},
            "tags": text(i),
            "competencies": [competency.pk],
            "questions": [question.pk],
        }
        created = client.post(reverse("stories:create"), body)
        assert created.status_code == 302, created.content.decode()[:2000]
        story = Story.objects.get(pk=created["Location"].rstrip("/").rsplit("/", 1)[-1])
        if not pages.shows(i):
            continue
        pages[f"story {i}"] = (client.get(story.get_absolute_url()), [marker(i)])
        pages[f"story coach {i}"] = (
            client.get(
                story.get_absolute_url() + "?check=1", headers={**HTMX, "HX-Target": "coach"}
            ),
            [],  # shows the text only when the coach flags something
        )
        if i >= SAMPLE:  # using a story copies its text: the practice test covers that page
            continue
        version = Attempt.objects.get(pk=attempt.pk).version
        used = client.post(
            attempt.get_absolute_url() + "use-story/", {"story": story.pk, "version": version}
        )
        assert used.status_code == 302
        # The flash message quotes the title; the page shows the story's text.
        pages[f"answer from story {i}"] = (client.get(attempt.get_absolute_url()), [marker(i)])
    pages["story list"] = (client.get(reverse("stories:list")), ALL)
    picker = attempt.get_absolute_url() + "stories/"
    pages["story picker"] = (client.get(picker), ALL)
    pages["story picker partial"] = (
        client.get(picker, headers={**HTMX, "HX-Target": "story-picker"}),
        ALL,
    )
    pages["new story form"] = (client.get(reverse("stories:create")), [])


def test_stories_are_inert_everywhere_they_are_shown():
    make_questions(Category.BEHAVIORAL, Category.BEHAVIORAL)
    assert not compare(stories_world)


# --- suggestions: the user's list and the curators' review queue ----------------------------


def suggestions_world(pages: Pages) -> None:
    text = pages.text
    owner = UserFactory()
    curator = UserFactory(is_staff=True, is_superuser=True)
    client = signed_in(owner)
    for i in SLOTS:
        body = {"prompt": text(i), "category": "behavioral", "why": text(i)}
        assert client.post(reverse("questions:suggest"), body).status_code == 302
    admin = signed_in(curator)
    changelist = reverse("admin:questions_question_changelist")
    pages["my suggestions"] = (client.get(reverse("questions:suggest")), ALL)
    pages["review queue"] = (admin.get(changelist + "?origin=suggested"), ALL)
    for i, question in enumerate(Question.objects.order_by("pk")[:SAMPLE]):
        url = reverse("admin:questions_question_change", args=[question.pk])
        pages[f"admin change form {i}"] = (admin.get(url), [marker(i)])


def test_suggestions_are_inert_for_users_and_curators(monkeypatch):
    monkeypatch.setattr("questions.services.SUGGESTIONS_PER_DAY", len(PAYLOADS))
    assert not compare(suggestions_world)


# --- the curators' import: questions shown on public pages ----------------------------------

# Each format carries a third of the payloads into the bank (bank_load is slow); every
# format's parser is separately shown to keep all payloads intact.
IMPORTS = {"json": Category.BEHAVIORAL, "csv": Category.TECHNICAL, "yaml": "situational"}


def import_format(slot: int) -> str:
    return list(IMPORTS)[slot % len(IMPORTS)]


def question_item(key: str, category: str, text: str) -> dict:
    return {
        "key": key,
        "prompt": text,
        "category": category,
        "assesses": text,
        "tip": text,
        "key_points": [text, "Second point", "Third point"],
        "follow_ups": [text],
        "difficulty": "mid",
        "stage": "evaluation",
        "competencies": ["ownership"],
        "tags": ["security-test"],
        "red_flags": ["vague-answer"],
        "status": "published",
    }


def imported_questions_world(pages: Pages) -> None:
    text = pages.text
    curator = UserFactory(is_staff=True, is_superuser=True)
    admin = signed_in(curator)
    url = reverse("admin:questions_question_import")
    for fmt, category in IMPORTS.items():
        everything = [question_item(f"{fmt}-{i}", category, text(i)) for i in SLOTS]
        assert formats.loads(formats.dumps(everything, fmt).encode(), fmt) == everything
        items = [item for i, item in enumerate(everything) if import_format(i) == fmt]
        upload = SimpleUploadedFile(f"batch.{fmt}", formats.dumps(items, fmt).encode())
        pages[f"import preview {fmt}"] = (admin.post(url, {"file": upload}), [])
        assert admin.post(url, {"confirm": "1"}).status_code == 302
    changelist = reverse("admin:questions_question_changelist")
    pages["admin changelist"] = (admin.get(changelist), ALL)
    anonymous = Client()
    owner = UserFactory()
    session = PracticeSessionFactory(user=owner, question_count=SAMPLE)
    client = signed_in(owner)
    for i in SLOTS:
        question = Question.objects.get(key=f"{import_format(i)}-{i}")
        assert question.tip == text(i)
        if pages.shows(i):
            pages[f"question {i}"] = (anonymous.get(question.get_absolute_url()), [marker(i)])
        if i >= SAMPLE:
            continue
        attempt = AttemptFactory(session=session, question=question, position=i + 1)
        pages[f"attempt {i}"] = (client.get(attempt.get_absolute_url()), [marker(i)])
        search = reverse("questions:question_list") + f"?q={marker(i)}"
        pages[f"search {i}"] = (anonymous.get(search), [marker(i)])
        pages[f"search partial {i}"] = (
            anonymous.get(search, headers={**HTMX, "HX-Target": "question-results"}),
            [marker(i)],
        )
        pages[f"admin change form {i}"] = (
            admin.get(reverse("admin:questions_question_change", args=[question.pk])),
            [marker(i)],
        )
        pages[f"admin history {i}"] = (
            admin.get(reverse("admin:questions_question_history", args=[question.pk])),
            [],
        )
    for page in (1, 2):
        listing = reverse("questions:question_list") + f"?page={page}"
        pages[f"question list {page}"] = (anonymous.get(listing), [])
    pages["question list"] = (anonymous.get(reverse("questions:question_list")), [])
    pages["red flags"] = (anonymous.get(reverse("questions:red_flag_list")), ALL)
    pages["home"] = (anonymous.get(reverse("home")), [])
    pages["summary"] = (client.get(session.get_summary_url()), ALL[:SAMPLE])
    pages["new story form"] = (  # lists the behavioral and situational questions
        client.get(reverse("stories:create")),
        [marker(i) for i in SLOTS if import_format(i) != "csv"],
    )


def test_imported_questions_are_inert_on_public_and_admin_pages():
    taxonomy()
    assert not compare(imported_questions_world)


# --- a user's own data import --------------------------------------------------------------


def export_file(text: Callable[[int], str], keys: list[str]) -> bytes:
    now = timezone.now().isoformat()
    stories = [
        {
            "uuid": str(uuid.uuid4()),
            "title": text(i),
            **{part: text(i) for part in STAR},
            "competencies": ["ownership"],
            "tags": [text(i)],
            "questions": [keys[i]],
            "created_at": now,
        }
        for i in SLOTS
    ]
    attempts = [
        {
            "uuid": str(uuid.uuid4()),
            "question": keys[i],
            "position": i + 1,
            **{f: text(i) for f in (*STAR, "answer", "notes")},
            "rating": "again",
            "rated_at": now,
            "covered_points": [0],
            "red_flags": ["vague-answer"],
            "story": stories[i]["uuid"],
            # Findings are stored as the coach left them; an import can say anything.
            "coach_findings": [
                {"code": text(i), "part": "situation", "evidence": text(i), "message": text(i)},
                {"code": text(i), "part": None, "evidence": "", "message": text(i)},
            ],
            "coached_at": now,
        }
        for i in SLOTS
    ]
    session = {
        "uuid": str(uuid.uuid4()),
        "mode": "drill",
        "settings": {"filters": {"tag": text(0)}, "counts": {"total": len(attempts)}},
        "created_at": now,
        "finished_at": now,
        "attempts": attempts,
    }
    log = [
        {
            "uuid": str(uuid.uuid4()),
            "question": a["question"],
            "attempt": a["uuid"],
            "rating": 1,
            "reviewed_at": now,
        }
        for a in attempts
    ]
    data = {
        "format": "interview_prep.user_data",
        "version": 1,
        "settings": {"desired_retention": 0.9, "daily_goal": 5, "interview_date": None},
        "sessions": [session],
        "review_log": log,
        "stories": stories,
    }
    return json.dumps(data).encode()


def user_import_world(pages: Pages) -> None:
    text = pages.text
    keys = [f"situational-{i}" for i in SLOTS]
    owner = UserFactory()
    client = signed_in(owner)
    upload = SimpleUploadedFile("data.json", export_file(text, keys))
    response = client.post(reverse("account_data_import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    pages["data page"] = (client.get(reverse("account_data")), [])
    for i, attempt in enumerate(Attempt.objects.filter(session__user=owner).order_by("position")):
        if pages.shows(i):
            pages[f"attempt {i}"] = (client.get(attempt.get_absolute_url()), [marker(i)])
        if i < SAMPLE:
            pages[f"question history {i}"] = (
                client.get(reverse("practice:question_history", args=[keys[i]])),
                [marker(i)],
            )
    for i, story in enumerate(Story.objects.filter(user=owner).order_by("pk")):
        if pages.shows(i):
            pages[f"story {i}"] = (client.get(story.get_absolute_url()), [marker(i)])
    session = Attempt.objects.filter(session__user=owner).first().session
    pages["summary"] = (client.get(session.get_summary_url()), [])
    pages["history"] = (client.get(reverse("practice:history")), [])
    pages["progress"] = (client.get(reverse("progress")), [])
    pages["story list"] = (client.get(reverse("stories:list")), ALL)


def test_a_users_data_import_is_inert_everywhere_it_is_shown():
    make_questions("situational", "situational")
    assert not compare(user_import_world)


# --- reflected: what a request carries, echoed in the page ----------------------------------


def bad_import(text: str) -> SimpleUploadedFile:
    bad = json.loads(export_file(lambda i: text, ["a-question"] * len(PAYLOADS)))
    attempt = {**bad["sessions"][0]["attempts"][0], "question": text, "story": None}
    bad["sessions"][0]["attempts"], bad["stories"], bad["review_log"] = [attempt], [], []
    return SimpleUploadedFile("data.json", json.dumps(bad).encode())


# Where a request's own input comes back in the page: (label, signed in?, request, echoed?).
ECHOES = [
    ("search", False, lambda c, t: c.get(reverse("questions:question_list"), {"q": t}), True),
    (
        "signup refused",
        False,
        lambda c, t: c.post(
            reverse("signup"), {"username": t, "password1": "a", "password2": "b", "next": t}
        ),
        True,
    ),
    ("login next", False, lambda c, t: c.get(reverse("login"), {"next": t}), False),
    (
        "settings refused",
        True,
        lambda c, t: c.post(
            reverse("account_settings"),
            {"desired_retention": t, "daily_goal": t, "interview_date": t},
        ),
        True,
    ),
    (
        "story refused",
        True,
        lambda c, t: c.post(reverse("stories:create"), {"title": t, "tags": t}),
        True,
    ),
    (
        "suggestion refused",
        True,
        lambda c, t: c.post(reverse("questions:suggest"), {"prompt": t, "category": t}),
        True,
    ),
    (
        "import refused",
        True,
        lambda c, t: c.post(reverse("account_data_import"), {"file": bad_import(t)}),
        True,
    ),
]


def reflected_world(pages: Pages) -> None:
    """Each payload goes to one echo point in turn (each point gets six or seven payloads):
    nothing is stored, so every echo point renders the same form code for every payload."""
    text = pages.text
    clients = {False: Client(), True: signed_in(UserFactory())}
    for i in SLOTS:
        label, signed, send, echoed = ECHOES[i % len(ECHOES)]
        pages[f"{label} {i}"] = (send(clients[signed], text(i)), [marker(i)] if echoed else [])
    for i in range(SAMPLE):
        partial = clients[False].get(
            reverse("questions:question_list"),
            {"q": text(i)},
            headers={**HTMX, "HX-Target": "question-results"},
        )
        assert text(i) not in partial.get("HX-Push-Url", "")
        pages[f"search partial {i}"] = (partial, [])  # the results only: no echo


def test_reflected_input_is_inert():
    taxonomy()
    QuestionFactory(key="a-question", category=Category.BEHAVIORAL)
    assert not compare(reflected_world)
