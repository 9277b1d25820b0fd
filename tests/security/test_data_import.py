"""Hostile data imports: every malformed file is refused with a message naming where, never a
server error, and nothing changes. Cases from a review, then a seeded fuzz over an export."""

import copy
import json
import random
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from accounts import data
from practice import services
from practice.models import Attempt, PracticeSession, Rating, ReviewLog
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(world) -> dict:
    """The owner's export, rated (so it has a review log), with fresh ids so that it imports
    into another account as new data."""
    services.attempt_rate(attempt=world.attempt, rating=Rating.GOOD, elapsed=60)
    exported = json.loads(data.export_json(world.users["owner"]))
    exported["stories"] = []
    for session in exported["sessions"]:
        session["uuid"] = str(uuid.uuid4())
        for attempt in session["attempts"]:
            old, attempt["uuid"], attempt["story"] = attempt["uuid"], str(uuid.uuid4()), None
            for log in exported["review_log"]:
                log["uuid"] = str(uuid.uuid4())
                if log["attempt"] == old:
                    log["attempt"] = attempt["uuid"]
    return exported


def first_attempt(d: dict) -> dict:
    return d["sessions"][0]["attempts"][0]


def set_in(path: str, value):
    def change(d: dict) -> None:
        *parents, last = path.split(".")
        node = d
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return change


def duplicate_attempt_id(d: dict) -> None:
    d["sessions"][0]["attempts"].append(
        {**first_attempt(d), "position": 9, "uuid": first_attempt(d)["uuid"]}
    )


CASES = {
    "elapsed overflows": (
        set_in("sessions.0.attempts.0.elapsed_seconds", 10**30),
        "sessions[0].attempts[0].elapsed_seconds: must be a whole number from 0 to 2,147,483,647",
    ),
    "position past a small integer": (
        set_in("sessions.0.attempts.0.position", 70_000),
        "sessions[0].attempts[0].position: must be a whole number from 1 to 32,767",
    ),
    "duration is text": (
        set_in("review_log.0.duration_ms", "abc"),
        "review_log[0].duration_ms: must be a whole number",
    ),
    "rating is true": (set_in("review_log.0.rating", True), "review_log[0].rating: must be"),
    "impossible date": (
        set_in("sessions.0.created_at", "2026-02-30T00:00:00+00:00"),
        "sessions[0].created_at: not a date and time",
    ),
    "question is a list": (
        set_in("sessions.0.attempts.0.question", ["tell-me-about-a-failure"]),
        "sessions[0].attempts[0].question: unknown question",
    ),
    "red flag is an object": (
        set_in("sessions.0.attempts.0.red_flags", [{"slug": "vague-answer"}]),
        "sessions[0].attempts[0].red_flags: unknown red flag",
    ),
    "session settings are a list": (
        set_in("sessions.0.settings", ["x"]),
        "sessions[0].settings: must be an object",
    ),
    "covered point out of range": (
        set_in("sessions.0.attempts.0.covered_points", [10**12]),
        "sessions[0].attempts[0].covered_points: must be a list of key-point numbers",
    ),
    "a question twice in a session": (
        lambda d: d["sessions"][0]["attempts"].append({**first_attempt(d), "position": 9}),
        "sessions[0].attempts[2].question: appears twice in this session",
    ),
    "an id twice": (duplicate_attempt_id, "sessions[0].attempts[2].uuid: this id appears twice"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_imports_are_refused_by_name(world, export, case):
    change, message = CASES[case]
    broken = copy.deepcopy(export)
    change(broken)
    newcomer = UserFactory()
    with pytest.raises(data.DataError) as refused:
        data.import_data(newcomer, json.dumps(broken).encode())
    assert any(message in e for e in refused.value.errors), refused.value.errors
    assert not PracticeSession.objects.filter(user=newcomer).exists()


def test_deep_nesting_is_refused_not_a_crash(world):
    response = world.client("other").post(
        reverse("account_data_import"), {"file": _upload(b"[" * 200_000)}
    )
    assert response.status_code == 200
    assert "nests lists or objects too deeply" in response.content.decode()


def test_ids_of_another_users_answers_are_refused(world, export):
    """Fresh session ids, but an answer id and a review id that exist in the owner's account:
    refused by name (it was a database error, and told the uploader the id exists)."""
    owner_attempt = str(world.attempt.uuid)
    owner_log = str(ReviewLog.objects.get(attempt=world.attempt).uuid)
    for field, value in (("attempt", owner_attempt), ("log", owner_log)):
        stolen = copy.deepcopy(export)
        if field == "attempt":
            first_attempt(stolen)["uuid"] = value
            stolen["review_log"] = []
        else:
            stolen["review_log"][0]["uuid"] = value
        with pytest.raises(data.DataError, match="belong to another account"):
            data.import_data(world.users["other"], json.dumps(stolen).encode())
    assert not PracticeSession.objects.filter(user=world.users["other"]).exists()


def test_one_import_is_capped_in_rows(world, export, monkeypatch):
    monkeypatch.setitem(data.MAX_IMPORT_ROWS, "sessions", 1)
    two = copy.deepcopy(export)
    second = copy.deepcopy(two["sessions"][0])
    second["uuid"] = str(uuid.uuid4())
    for a in second["attempts"]:
        a["uuid"] = str(uuid.uuid4())
    two["sessions"].append(second)
    with pytest.raises(data.DataError, match="sessions: the file has 2; the limit is 1"):
        data.import_data(world.users["other"], json.dumps(two).encode())


def test_a_large_import_is_written_in_bulk(world, export, django_assert_max_num_queries):
    """2,000 answers in a fixed number of queries, not a few per answer: one import holds
    SQLite's write lock while it runs, and every other user's save waits for it."""
    big = copy.deepcopy(export)
    template, answer = big["sessions"][0], first_attempt(big)
    keys = [q.key for q in QuestionFactory.create_batch(10)]
    big["sessions"], big["review_log"] = [], []
    for _ in range(200):
        session = {**template, "uuid": str(uuid.uuid4())}
        session["attempts"] = [
            {**answer, "question": key, "position": p, "uuid": str(uuid.uuid4())}
            for p, key in enumerate(keys, start=1)
        ]
        big["sessions"].append(session)
    newcomer = UserFactory()
    with django_assert_max_num_queries(40):
        counts = data.import_data(newcomer, json.dumps(big).encode())
    assert counts["attempts"] == 2_000
    assert Attempt.objects.filter(session__user=newcomer).count() == 2_000


WEIRD = [None, True, -1, 0, 10**30, 1.5, "", "x", "2026-02-30T00:00:00", [], {}, [[[]]], {"a": 1}]


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def test_fuzzed_exports_never_cause_a_server_error(world, export):
    """Replace one value anywhere in a real export with something odd, 400 times (seeded):
    each import either works or raises DataError, and a refused one changes nothing."""
    rnd = random.Random(8)
    paths = [p for p in _paths(export) if p]
    newcomer = UserFactory()
    refused = 0
    for _ in range(400):
        broken = copy.deepcopy(export)
        *parents, last = rnd.choice(paths)
        node = broken
        for key in parents:
            node = node[key]
        node[last] = rnd.choice(WEIRD)
        with transaction.atomic():
            try:
                data.import_data(newcomer, json.dumps(broken).encode())
            except data.DataError:
                refused += 1
                assert not PracticeSession.objects.filter(user=newcomer).exists()
            transaction.set_rollback(True)
    assert refused > 200  # most odd values are refused, by name


def _upload(body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("data.json", body, content_type="application/json")
