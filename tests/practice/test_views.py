import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.models import MAX_ANSWER_CHARS, Attempt, PracticeSession, ReviewLog
from questions.models import Category
from tests.factories import (
    AttemptFactory,
    PracticeSessionFactory,
    QuestionFactory,
    RedFlagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STAR = {
    "situation": "At a bank.",
    "task": "Cut fraud.",
    "action": "I built it.",
    "result": "20% less.",
}


@pytest.fixture
def session(user):
    flag = RedFlagFactory(title="Blames others")
    session = PracticeSessionFactory(user=user, mode="mock", question_count=2)
    AttemptFactory(
        session=session,
        position=1,
        time_budget=180,
        question=QuestionFactory(category=Category.BEHAVIORAL, stage="", red_flags=[flag]),
    )
    AttemptFactory(session=session, position=2, time_budget=240, question=QuestionFactory())
    return session


def attempt_url(session, position=1, action=""):
    url = reverse("practice:attempt_detail", args=[session.pk, position])
    return url + (f"{action}/" if action else "")


def urls_for(session):
    return {
        "GET": [
            reverse("practice:session_detail", args=[session.pk]),
            attempt_url(session),
            reverse("practice:session_summary", args=[session.pk]),
        ],
        "POST": [attempt_url(session, 1, a) for a in ("save", "reveal", "rate")],
    }


# --- access: anonymous, owner, another user, staff -------------------------------------


def test_anonymous_is_sent_to_log_in_and_back(client, session):
    for url in [reverse("practice:start"), reverse("practice:history"), *urls_for(session)["GET"]]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    for url in urls_for(session)["POST"] + [reverse("practice:session_create")]:
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["other", "staff"])
def test_nobody_else_sees_or_changes_a_users_session(client, session, who):
    intruder = UserFactory(is_staff=who == "staff", is_superuser=who == "staff")
    client.force_login(intruder)
    for url in urls_for(session)["GET"]:
        assert client.get(url).status_code == 404, url
    for url in urls_for(session)["POST"]:
        assert client.post(url, {**STAR, "version": 0, "rating": "good"}).status_code == 404
    attempt = session.attempts.get(position=1)
    attempt.refresh_from_db()
    assert attempt.action == "" and attempt.rating == ""
    history = client.get(reverse("practice:history")).content.decode()
    assert session.attempts.first().question.prompt not in history


def test_owner_reaches_every_page(auth_client, session):
    assert auth_client.get(reverse("practice:start")).status_code == 200
    assert auth_client.get(reverse("practice:history")).status_code == 200
    response = auth_client.get(reverse("practice:session_detail", args=[session.pk]))
    assert response["Location"] == attempt_url(session, 1)
    for url in urls_for(session)["GET"][1:]:
        assert auth_client.get(url).status_code == 200


def test_tampered_position_gives_404(auth_client, session):
    assert auth_client.get(attempt_url(session, 99)).status_code == 404
    assert auth_client.get(reverse("practice:session_detail", args=[999999])).status_code == 404
    # Numbers no column can hold (position is a smallint; ids are 64-bit) are 404s, not 500s.
    for session_id, position in ((session.pk, 40_000), (2**63, 1), (session.pk, 2**70)):
        url = reverse("practice:attempt_detail", args=[session_id, position])
        assert auth_client.get(url).status_code == 404, url
        assert auth_client.post(url + "save/", {"version": 0}).status_code == 404, url


def test_mutating_urls_reject_get(auth_client, session):
    for url in urls_for(session)["POST"] + [reverse("practice:session_create")]:
        assert auth_client.get(url).status_code == 405


def test_posts_need_csrf(user, session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    for url in urls_for(session)["POST"] + [reverse("practice:session_create")]:
        assert client.post(url, {**STAR, "version": 0}).status_code == 403


# --- starting ---------------------------------------------------------------------------


def test_start_page_offers_three_modes(auth_client):
    html = auth_client.get(reverse("practice:start")).content.decode()
    assert "<h1" in html
    for text in ("Drill", "Mock interview", "Review", "Start practice"):
        assert text in html


def test_starting_a_mock_creates_the_session_and_redirects(auth_client, user):
    for category in Category:
        QuestionFactory.create_batch(2, category=category)
    response = auth_client.post(
        reverse("practice:session_create"),
        {"mock-mode": "mock", "mock-behavioral": 1, "mock-technical": 1, "mock-situational": 1},
    )
    session = PracticeSession.objects.get(user=user)
    assert response["Location"] == session.get_absolute_url()
    assert session.question_count == 3 and session.mode == "mock"


def test_start_errors_rerender_with_a_message(auth_client):
    response = auth_client.post(
        reverse("practice:session_create"), {"drill-mode": "drill", "drill-count": 5}
    )
    assert response.status_code == 200
    assert "No published question matches" in response.content.decode()
    response = auth_client.post(
        reverse("practice:session_create"),
        {"mock-mode": "mock", "mock-behavioral": 0, "mock-technical": 0, "mock-situational": 0},
    )
    assert "Ask for at least one question." in response.content.decode()


# --- the question page ------------------------------------------------------------------


def test_question_page_shows_star_editor_progress_and_timer(auth_client, session):
    html = auth_client.get(attempt_url(session)).content.decode()
    assert "Question 1 of 2" in html and "<h1" in html
    for part in ("situation", "task", "action", "result"):
        assert f'name="{part}"' in html
    assert "Time left" in html and "3:00" in html
    assert "Reveal guidance" in html and "Easy" in html
    assert "maxlength" not in html  # the browser must not cut pasted text silently


def test_technical_question_gets_answer_and_notes(auth_client, session):
    html = auth_client.get(attempt_url(session, 2)).content.decode()
    assert 'name="answer"' in html and 'name="notes"' in html and 'name="action"' not in html


def test_htmx_navigation_returns_only_the_question_body(auth_client, session):
    response = auth_client.get(
        attempt_url(session, 2), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="attempt-body"
    )
    html = response.content.decode()
    # The fragment swaps the whole question, prompt heading included, but not the page.
    assert 'id="attempt-body"' in html and "<html" not in html and "site-header" not in html
    assert html.lstrip().startswith("<title>Question 2 of 2")


def test_plain_save_redirects_and_keeps_the_text(auth_client, session):
    response = auth_client.post(attempt_url(session, 1, "save"), {**STAR, "version": 0})
    assert response["Location"] == attempt_url(session)
    html = auth_client.get(attempt_url(session)).content.decode()
    assert "I built it." in html and "Saved." in html


def test_htmx_save_returns_status_and_new_version(auth_client, session):
    response = auth_client.post(
        attempt_url(session, 1, "save"),
        {**STAR, "version": 0, "elapsed": 42},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="save-status",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Saved" in html and "<h1" not in html
    assert re.search(r'name="version" id="id_version" value="1"[^>]*hx-swap-oob="true"', html)
    attempt = session.attempts.get(position=1)
    assert attempt.elapsed_seconds == 42 and attempt.result == "20% less."


def test_stale_save_is_refused_and_the_text_stays(auth_client, session):
    auth_client.post(attempt_url(session, 1, "save"), {**STAR, "version": 0})
    stale = {**STAR, "action": "Text from the older tab", "version": 0}
    htmx = auth_client.post(attempt_url(session, 1, "save"), stale, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and "changed in another tab" in htmx.content.decode()
    assert htmx["HX-Retarget"] == "#save-status" and htmx["HX-Reswap"] == "outerHTML"
    rate = auth_client.post(
        attempt_url(session, 1, "rate"), {**stale, "rating": "easy"}, HTTP_HX_REQUEST="true"
    )
    assert "changed in another tab" in rate.content.decode() and "HX-Location" not in rate
    assert session.attempts.get(position=1).rating == ""
    plain = auth_client.post(attempt_url(session, 1, "save"), stale)
    html = plain.content.decode()
    assert plain.status_code == 200 and "Text from the older tab" in html
    assert "Keep this version" in html
    assert session.attempts.get(position=1).action == "I built it."
    forced = auth_client.post(attempt_url(session, 1, "save"), {**stale, "force": "1"})
    assert forced.status_code == 302
    assert session.attempts.get(position=1).action == "Text from the older tab"


@pytest.mark.parametrize("version", [2**31, 2**63, 10**20])
def test_a_version_no_column_can_hold_is_refused_as_stale_not_a_crash(
    auth_client, session, version
):
    """A tampered version past every integer column: refused like any stale one (the ORM's
    lookup matched nothing; SQLite's driver cannot even send 2**63)."""
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = auth_client.post(
            attempt_url(session, 1, "save"), {**STAR, "version": version}, **extra
        )
        assert response.status_code == 200
        assert "changed in another tab" in response.content.decode()
    assert session.attempts.get(position=1).action == ""


def test_oversize_answer_is_refused_with_the_limit_and_kept(auth_client, session):
    huge = "word " * (MAX_ANSWER_CHARS // 5 + 1)
    response = auth_client.post(
        attempt_url(session, 1, "save"), {**STAR, "action": huge, "version": 0}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "the limit is 20,000" in html and huge.strip()[:200] in html
    assert session.attempts.get(position=1).action == ""
    htmx = auth_client.post(
        attempt_url(session, 1, "save"),
        {**STAR, "action": huge, "version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert htmx.status_code == 200 and "20,000" in htmx.content.decode()


def test_reveal_saves_text_and_shows_guidance_and_checklists(auth_client, session):
    response = auth_client.post(attempt_url(session, 1, "reveal"), {**STAR, "version": 0})
    assert response["Location"] == attempt_url(session) + "#guidance"
    html = auth_client.get(attempt_url(session)).content.decode()
    question = session.attempts.get(position=1).question
    assert question.assesses in html and question.tip in html
    assert "My answer shows this" in html and "Blames others" in html
    assert session.attempts.get(position=1).action == "I built it."
    htmx = auth_client.post(
        attempt_url(session, 1, "reveal"), {**STAR, "version": 1}, HTTP_HX_REQUEST="true"
    )
    body = htmx.content.decode()
    assert '<section id="guidance"' in body and "<h1" not in body
    assert re.search(r'id="id_version" value="2"[^>]*hx-swap-oob="true"', body)


def test_checklist_is_saved_with_the_answer(auth_client, session):
    attempt = session.attempts.get(position=1)
    flag = attempt.question.red_flags.get()
    auth_client.post(
        attempt_url(session, 1, "save"),
        {**STAR, "version": 0, "checklist": "1", "covered": ["0", "2"], "red_flags": [flag.pk]},
    )
    attempt.refresh_from_db()
    assert attempt.covered_points == [0, 2]
    assert list(attempt.red_flags.all()) == [flag]


def test_checklist_ignores_flags_of_other_questions(auth_client, session):
    stranger = RedFlagFactory()
    auth_client.post(
        attempt_url(session, 1, "save"),
        {**STAR, "version": 0, "checklist": "1", "red_flags": [stranger.pk], "covered": ["9"]},
    )
    attempt = session.attempts.get(position=1)
    assert attempt.red_flags.count() == 0 and attempt.covered_points == []
    assert attempt.action == "I built it."  # the answer itself was still saved


def test_rating_moves_to_the_next_question_then_the_summary(auth_client, session):
    response = auth_client.post(
        attempt_url(session, 1, "rate"), {**STAR, "version": 0, "rating": "good"}
    )
    assert response["Location"] == attempt_url(session, 2)
    first = session.attempts.get(position=1)
    assert first.rating == "good" and first.action == "I built it."
    htmx = auth_client.post(
        attempt_url(session, 2, "rate"),
        {"answer": "", "notes": "", "version": 0, "rating": "skipped"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        '"path": "/practice/sessions/' in htmx["HX-Location"] and "summary" in htmx["HX-Location"]
    )
    session.refresh_from_db()
    assert session.finished_at is not None


def test_empty_answers_can_be_rated(auth_client, session):
    response = auth_client.post(
        attempt_url(session, 1, "rate"),
        {"situation": "", "task": "", "action": "", "result": "", "version": 0, "rating": "hard"},
    )
    assert response.status_code == 302
    assert session.attempts.get(position=1).rating == "hard"


def test_rating_again_from_the_page_corrects_the_rating(auth_client, session):
    """Going back to a rated question and pressing another rating (or pressing one twice)."""
    url = attempt_url(session, 1, "rate")
    for rating in ("good", "good", "again"):
        version = session.attempts.get(position=1).version
        response = auth_client.post(url, {**STAR, "version": version, "rating": rating})
        assert response.status_code == 302
    attempt = session.attempts.get(position=1)
    assert attempt.rating == "again"
    assert ReviewLog.objects.filter(attempt=attempt).count() == 1


def test_rate_with_a_bad_value_changes_nothing(auth_client, session):
    auth_client.post(attempt_url(session, 1, "rate"), {**STAR, "version": 0, "rating": "superb"})
    assert session.attempts.get(position=1).rating == ""


# --- summary, history, question page ----------------------------------------------------


def test_summary_shows_per_question_numbers_and_practise_again(auth_client, session):
    first = session.attempts.get(position=1)
    first.situation, first.task, first.action, first.result = "a b", "c d", "e " * 12, "f g h i"
    first.rating, first.elapsed_seconds, first.covered_points = "hard", 200, [0, 1]
    first.save()
    first.red_flags.set(first.question.red_flags.all())
    html = auth_client.get(reverse("practice:session_summary", args=[session.pk])).content.decode()
    assert "3:20" in html and "of 3:00" in html  # time against budget
    assert "20" in html and "2 of 3" in html  # words, key points covered
    assert "S 10% · T 10% · A 60% · R 20%" in html
    assert "1: Blames others" in html
    assert "Practise these again" in html and first.question.key in html


def test_history_lists_sessions_newest_first_and_question_attempts(auth_client, user, session):
    older = PracticeSessionFactory(user=user, question_count=1)
    PracticeSession.objects.filter(pk=older.pk).update(created_at="2020-01-01T00:00:00Z")
    question = session.attempts.get(position=1).question
    AttemptFactory(session=older, question=question, position=1, action="My first try")
    session.attempts.filter(position=1).update(action="My better try")
    html = auth_client.get(reverse("practice:history")).content.decode()
    assert html.index("Mock interview") < html.index("Drill")
    page = auth_client.get(reverse("practice:question_history", args=[question.key]))
    text = page.content.decode()
    assert text.index("My better try") < text.index("My first try")
    detail = auth_client.get(question.get_absolute_url()).content.decode()
    assert "Your answers" in detail and "My better try" in detail


def test_question_page_never_shows_another_users_answers(client, session, other_user):
    attempt = session.attempts.get(position=1)
    Attempt.objects.filter(pk=attempt.pk).update(action="Secret story")
    client.force_login(other_user)
    html = client.get(attempt.question.get_absolute_url()).content.decode()
    assert "Secret story" not in html
    assert (
        client.get(reverse("practice:question_history", args=[attempt.question.key])).status_code
        == 404
    )


def test_retired_question_stays_readable_in_history(auth_client, session):
    attempt = session.attempts.get(position=1)
    attempt.question.status = "retired"
    attempt.question.save()
    assert auth_client.get(attempt_url(session)).status_code == 200
    page = auth_client.get(reverse("practice:question_history", args=[attempt.question.key]))
    assert "retired" in page.content.decode()


# --- query counts -----------------------------------------------------------------------


def make_session(user, n):
    session = PracticeSessionFactory(user=user, question_count=n)
    flag = RedFlagFactory()
    for position in range(1, n + 1):
        a = AttemptFactory(
            session=session,
            position=position,
            rating="good",
            action="I did it",
            revealed_at=timezone.now(),  # so the page shows the checklists
            question=QuestionFactory(category=Category.BEHAVIORAL, red_flags=[flag]),
        )
        a.red_flags.set([flag])
    return session


@pytest.mark.parametrize("n", [1, 30])
def test_question_page_query_count_is_fixed(auth_client, user, django_assert_num_queries, n):
    session = make_session(user, n)
    # 1 session, 2 user, 3 attempt+session+question, 4 red flags (each marked if ticked),
    # 5 progress
    with django_assert_num_queries(5):
        html = auth_client.get(attempt_url(session, 1)).content.decode()
    # The flag ticked on this answer is shown ticked.
    flag = session.attempts.get(position=1).red_flags.get()
    assert f'name="red_flags" value="{flag.pk}" form="answer-form" checked' in html


@pytest.mark.parametrize("n", [1, 30])
def test_question_page_before_reveal_skips_the_checklist(
    auth_client, user, django_assert_num_queries, n
):
    session = make_session(user, n)
    session.attempts.update(revealed_at=None, rating="")
    # 1 session, 2 user, 3 attempt+session+question, 4 progress: no red flags before reveal
    with django_assert_num_queries(4):
        html = auth_client.get(attempt_url(session, 1)).content.decode()
    assert "Reveal guidance" in html and 'name="red_flags"' not in html
    # Revealing shows the checklist with the flags at once (the htmx swap of #guidance).
    response = auth_client.post(
        reverse("practice:attempt_reveal", args=[session.pk, 1]),
        {
            "answer": "",
            "situation": "s",
            "task": "t",
            "action": "a",
            "result": "r",
            "notes": "",
            "version": session.attempts.get(position=1).version,
        },
        headers={"HX-Request": "true", "HX-Target": "guidance"},
    )
    assert response.status_code == 200 and 'name="red_flags"' in response.content.decode()


@pytest.mark.parametrize("n", [1, 30])
def test_autosave_query_count_is_fixed(auth_client, user, django_assert_num_queries, n):
    session = make_session(user, n)
    session.attempts.update(rating="")
    attempt = session.attempts.get(position=1)
    posted = {"situation": "s", "task": "t", "action": "a", "result": "r", "notes": ""}
    # session, user, attempt+question (not its session's row), then the conditional UPDATE
    # in its transaction (a savepoint here, inside the test's transaction); on PostgreSQL
    # also the transaction's `SET LOCAL synchronous_commit TO OFF`
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 6):
        response = auth_client.post(
            attempt_url(session, 1, "save"),
            {**posted, "version": attempt.version},
            headers={"HX-Request": "true", "HX-Target": "save-status"},
        )
    assert response.status_code == 200 and "Saved" in response.content.decode()
    version = attempt.version
    attempt.refresh_from_db()
    assert attempt.situation == "s" and attempt.version == version + 1


@pytest.mark.parametrize("n", [1, 30])
def test_summary_query_count_is_fixed(auth_client, user, django_assert_num_queries, n):
    session = make_session(user, n)
    # 1 session, 2 user, 3 the practice session, 4 attempts+questions, 5 their red flags
    with django_assert_num_queries(5):
        auth_client.get(reverse("practice:session_summary", args=[session.pk]))


@pytest.mark.parametrize("n", [1, 30])
def test_history_query_count_is_fixed(auth_client, user, django_assert_num_queries, n):
    for _ in range(n):
        make_session(user, 1)
    # 1 session, 2 user, 3 count, 4 page of sessions, 5 practised questions
    with django_assert_num_queries(5):
        auth_client.get(reverse("practice:history"))
