"""Settings (retention, goal, interview date) and the user's data: export, import, delete."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import data
from accounts.models import Profile
from practice import services
from practice.models import Attempt, PracticeSession, Rating, ReviewCard, ReviewLog, Story
from questions.models import Category, Question
from tests.factories import (
    AttemptFactory,
    CompetencyFactory,
    PracticeSessionFactory,
    QuestionFactory,
    RedFlagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


def history(user):
    flag = RedFlagFactory(slug="blaming-others")
    story = QuestionFactory(key="story", category=Category.BEHAVIORAL, stage="", red_flags=[flag])
    tech = QuestionFactory(key="tech")
    for day, (question, rating) in enumerate(
        [(story, Rating.GOOD), (tech, Rating.AGAIN), (story, Rating.EASY)]
    ):
        when = T0 + timedelta(days=day)
        with time_machine.travel(when, tick=False):
            session = PracticeSessionFactory(user=user, mode="mock", question_count=1)
            attempt = AttemptFactory(
                session=session, question=question, position=1, started_at=when
            )
            texts = (
                {"action": "I rebuilt the pipeline, café-grade.", "result": "Loss fell 20%."}
                if question == story
                else {"answer": "Use PSI.", "notes": "n"}
            )
            services.attempt_save(attempt=attempt, texts=texts, version=0, elapsed=90)
            attempt.refresh_from_db()
            if question == story:
                attempt.covered_points = [0, 2]
                attempt.save()
                attempt.red_flags.set([flag])
            services.attempt_rate(attempt=attempt, rating=rating, elapsed=95)
    story = Story.objects.create(
        user=user, title="Fraud rescue", action="I rebuilt it.", tags=["fraud"]
    )
    story.questions.add(story_q := Question.objects.get(key="story"))
    story.competencies.add(CompetencyFactory(slug="ownership"))
    Attempt.objects.filter(session__user=user, question=story_q).update(story=story)
    profile = Profile.objects.of(user)
    profile.daily_goal = 7
    profile.interview_date = date(2026, 4, 1)
    profile.save()


# --- settings ---------------------------------------------------------------------------


def test_settings_page_saves_and_validates(auth_client, user):
    url = reverse("account_settings")
    assert auth_client.get(url).status_code == 200
    response = auth_client.post(
        url, {"desired_retention": "0.95", "daily_goal": "8", "interview_date": "2099-01-15"}
    )
    assert response["Location"] == url
    profile = Profile.objects.of(user)
    assert (profile.desired_retention, profile.daily_goal, profile.interview_date) == (
        0.95,
        8,
        date(2099, 1, 15),
    )
    bad = auth_client.post(
        url, {"desired_retention": "0.95", "daily_goal": "0", "interview_date": "2001-01-01"}
    )
    html = bad.content.decode()
    assert (
        bad.status_code == 200
        and "That date has passed" in html
        and "greater than or equal to 1" in html
    )
    assert 'value="2001-01-01"' in html  # the user's input is kept
    assert auth_client.post(url, {"desired_retention": "0.5", "daily_goal": "5"}).status_code == 200
    assert Profile.objects.of(user).desired_retention == 0.95


def test_countdown_on_home_and_dashboard(auth_client, user):
    profile = Profile.objects.of(user)
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        profile.interview_date = date(2026, 5, 11)
        profile.save()
        assert "10 days to your interview" in auth_client.get("/").content.decode()
        assert (
            "10 days</strong> to your interview"
            in auth_client.get(reverse("progress")).content.decode()
        )


def test_home_shows_due_today_with_one_click_review(auth_client, user):
    history(user)
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        html = auth_client.get("/").content.decode()
        assert "due today" in html and 'name="review-mode" value="review"' in html
        response = auth_client.post(
            reverse("practice:session_create"), {"review-mode": "review", "review-count": "2"}
        )
        assert response.status_code == 302
        session = PracticeSession.objects.filter(user=user, mode="review").get()
        assert session.question_count >= 1


# --- export -----------------------------------------------------------------------------


def test_json_export_holds_everything_the_user_owns(auth_client, user, other_user):
    history(user)
    PracticeSessionFactory(user=other_user)  # not in the export
    Question.objects.create(
        key="my-idea",
        prompt="A suggested question?",
        category="technical",
        difficulty="mid",
        suggested_by=user,
    )
    response = auth_client.get(reverse("account_data_export", args=["json"]))
    assert response["Content-Disposition"].startswith('attachment; filename="interview-prep-data-')
    payload = json.loads(response.content)
    assert payload["format"] == "interview_prep.user_data" and payload["version"] == 1
    assert payload["settings"] == {
        "desired_retention": 0.9,
        "daily_goal": 7,
        "interview_date": "2026-04-01",
    }
    assert len(payload["sessions"]) == 3 and len(payload["review_log"]) == 3
    first = payload["sessions"][0]["attempts"][0]
    assert (
        first["question"] == "story"
        and first["rating"] == "good"
        and first["red_flags"] == ["blaming-others"]
    )
    assert first["covered_points"] == [0, 2] and "café-grade" in first["action"]
    assert payload["suggested_questions"][0]["prompt"] == "A suggested question?"
    assert payload["stories"][0]["title"] == "Fraud rescue"
    assert payload["stories"][0]["competencies"] == ["ownership"]
    assert payload["sessions"][0]["attempts"][0]["story"] == payload["stories"][0]["uuid"]


def test_markdown_and_csv_exports(auth_client, user):
    history(user)
    md = auth_client.get(reverse("account_data_export", args=["markdown"])).content.decode()
    assert (
        md.startswith("# My interview practice answers") and "**Action**" in md and "Use PSI." in md
    )
    rows = list(
        csv.DictReader(
            io.StringIO(
                auth_client.get(reverse("account_data_export", args=["csv"])).content.decode()
            )
        )
    )
    assert len(rows) == 3
    assert (
        rows[0]["question"] == "story"
        and rows[0]["key_points_covered"] == "2"
        and rows[0]["red_flags_ticked"] == "blaming-others"
    )


# --- import -----------------------------------------------------------------------------


def test_export_import_export_is_identical_and_idempotent(user):
    history(user)
    exported = data.export_json(user)
    # A new account (here, on the same site once the old one is gone) restored exactly.
    user.delete()
    newcomer = UserFactory()
    counts = data.import_data(newcomer, exported.encode())
    assert counts == {"sessions": 3, "attempts": 3, "reviews": 3, "stories": 1}
    assert data.export_json(newcomer) == exported
    schedule = list(
        ReviewCard.objects.filter(user=newcomer)
        .order_by("question__key")
        .values_list("due", "stability")
    )
    assert data.import_data(newcomer, exported.encode()) == {
        "sessions": 0,
        "attempts": 0,
        "reviews": 0,
        "stories": 0,
    }
    assert Attempt.objects.filter(session__user=newcomer).count() == 3
    assert ReviewLog.objects.filter(card__user=newcomer).count() == 3
    assert (
        list(
            ReviewCard.objects.filter(user=newcomer)
            .order_by("question__key")
            .values_list("due", "stability")
        )
        == schedule
    )


def test_import_of_another_live_accounts_export_is_refused(user, other_user):
    history(user)
    with pytest.raises(data.DataError, match="belong to another account"):
        data.import_data(other_user, data.export_json(user).encode())
    assert not PracticeSession.objects.filter(user=other_user).exists()


BROKEN = {
    "not json": (b"{not json", "not valid JSON at line 1"),
    "truncated": (None, "not valid JSON"),
    "wrong format": (b'{"format": "something-else"}', "not an interview_prep data export"),
    "bad rating": ("rating", "sessions[0].attempts[0].rating: not a rating"),
    "unknown question": ("question", "unknown question 'no-such-question'"),
    "not utf-8": (b"\xff\xfe\x00garbage", "not UTF-8"),
    "too many tags": ("tags", "stories[0].tags: at most 12 tags, 300 characters in all"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_imports_change_nothing_and_say_why(user, other_user, case):
    history(user)
    exported = json.loads(data.export_json(user))
    user.delete()
    raw, message = BROKEN[case]
    if raw is None:
        raw = json.dumps(exported).encode()[:500]
    elif raw == "rating":
        exported["sessions"][0]["attempts"][0]["rating"] = "superb"
        raw = json.dumps(exported).encode()
    elif raw == "tags":
        exported["stories"][0]["tags"] = [f"tag-{i}" for i in range(13)]
        raw = json.dumps(exported).encode()
    elif raw == "question":
        exported["sessions"][0]["attempts"][0]["question"] = "no-such-question"
        raw = json.dumps(exported).encode()
    with pytest.raises(data.DataError) as excinfo:
        data.import_data(other_user, raw)
    assert any(message in e for e in excinfo.value.errors), excinfo.value.errors
    assert not PracticeSession.objects.filter(user=other_user).exists()
    assert Profile.objects.of(other_user).daily_goal == 5


def test_import_through_the_page(auth_client, user):
    history(user)
    exported = data.export_json(user)
    PracticeSession.objects.filter(user=user).delete()
    ReviewCard.objects.filter(user=user).delete()
    Story.objects.filter(user=user).delete()
    upload = SimpleUploadedFile("data.json", exported.encode(), content_type="application/json")
    response = auth_client.post(reverse("account_data_import"), {"file": upload}, follow=True)
    assert (
        "Imported 3 session(s), 3 answer(s), 3 review(s) and 1 story" in response.content.decode()
    )
    bad = SimpleUploadedFile("data.json", b"[1, 2", content_type="application/json")
    page = auth_client.post(reverse("account_data_import"), {"file": bad})
    assert page.status_code == 200 and "Nothing was imported" in page.content.decode()


# --- delete -----------------------------------------------------------------------------


def test_delete_needs_password_and_confirmation_then_removes_everything(client, user):
    history(user)
    suggestion = Question.objects.create(
        key="kept-idea", prompt="Kept?", category="technical", difficulty="mid", suggested_by=user
    )
    client.force_login(user)
    url = reverse("account_delete")
    wrong = client.post(url, {"password": "nope", "confirm": "on"})
    assert "That isn&#x27;t your password." in wrong.content.decode()
    unconfirmed = client.post(url, {"password": PASSWORD})
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    done = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert done["Location"] == "/"
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not PracticeSession.objects.exists() and not Attempt.objects.exists()
    assert not ReviewCard.objects.exists() and not ReviewLog.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.suggested_by is None
    assert client.get(reverse("progress")).status_code == 302  # logged out


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/settings/",
        "/accounts/data/",
        "/accounts/data/export/json/",
        "/accounts/data/export/csv/",
        "/accounts/data/export/markdown/",
    ],
)
def test_account_pages_need_login(client, url):
    assert client.get(url)["Location"] == f"/accounts/login/?next={url}"


def test_mutating_account_urls_reject_get_and_need_csrf(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    for url in (reverse("account_data_import"), reverse("account_delete")):
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 403
    assert client.post(reverse("account_settings")).status_code == 403


def test_each_user_exports_only_their_own(client, user, other_user):
    history(other_user)
    client.force_login(user)
    payload = json.loads(client.get(reverse("account_data_export", args=["json"])).content)
    assert payload["sessions"] == [] and payload["review_log"] == []
    assert client.get("/accounts/data/export/xml/").status_code == 404
