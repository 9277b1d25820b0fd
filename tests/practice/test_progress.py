"""The progress dashboard, checked against figures computed independently in the test."""

import time
from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from accounts.services import settings_update
from practice import services
from practice.models import Attempt, Rating, ReviewCard
from practice.progress import dashboard, progress_key, streaks
from questions.models import Category, Question, Stage
from tests.factories import (
    AttemptFactory,
    CompetencyFactory,
    PracticeSessionFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def practise(user, question, rating, when, *, seconds=120, action="I did it well"):
    with time_machine.travel(when, tick=False):
        session = PracticeSessionFactory(user=user)
        attempt = AttemptFactory(
            session=session,
            question=question,
            position=1,
            started_at=when,
            action=action,
            answer=action,
        )
        services.attempt_rate(attempt=attempt, rating=rating, elapsed=seconds)
    return attempt


def test_dashboard_figures_match_an_independent_count(user):
    ownership = CompetencyFactory(slug="ownership", name="Ownership")
    story = QuestionFactory(
        key="story", category=Category.BEHAVIORAL, stage="", competencies=[ownership]
    )
    drift = QuestionFactory(key="drift", category=Category.TECHNICAL, stage=Stage.MONITORING)
    split = QuestionFactory(key="split", category=Category.TECHNICAL, stage=Stage.EVALUATION)
    QuestionFactory.create_batch(3, category=Category.SITUATIONAL, stage=Stage.DEPLOYMENT)
    practise(user, story, Rating.GOOD, T0, seconds=180)
    practise(user, drift, Rating.AGAIN, T0 + timedelta(days=1), seconds=240)
    practise(user, split, Rating.EASY, T0 + timedelta(days=2), seconds=60)
    practise(user, drift, Rating.HARD, T0 + timedelta(days=3), seconds=120)
    now = T0 + timedelta(days=4)

    # Independently: FSRS recall for each question, from the package itself.
    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    recall = {}
    for key, reviews in {
        "story": [(fsrs.Rating.Good, T0)],
        "drift": [
            (fsrs.Rating.Again, T0 + timedelta(days=1)),
            (fsrs.Rating.Hard, T0 + timedelta(days=3)),
        ],
        "split": [(fsrs.Rating.Easy, T0 + timedelta(days=2))],
    }.items():
        card = fsrs.Card()
        for rating, when in reviews:
            card, _ = scheduler.review_card(card, rating, review_datetime=when)
        recall[key] = scheduler.get_card_retrievability(card, now)
    last_good = {"story": True, "drift": False, "split": True}
    ready = {k for k in recall if recall[k] >= 0.9 or last_good[k]}

    with time_machine.travel(now, tick=False):
        board = dashboard(user, now=now)
    cats = {a.slug: a for a in board.categories}
    assert (cats["behavioral"].practised, cats["behavioral"].total) == (1, 1)
    assert (cats["technical"].practised, cats["technical"].total) == (2, 2)
    assert (cats["situational"].practised, cats["situational"].total) == (0, 3)
    assert cats["technical"].ready == len(ready & {"drift", "split"})
    assert board.ready == len(ready)
    stages = {a.slug: a for a in board.stages}
    assert stages["monitoring"].practised == 1 and stages["deployment"].total == 3
    assert {a.slug: a.practised for a in board.competencies} == {"ownership": 1}
    assert board.total_attempts == 4
    assert board.total_minutes == round((180 + 240 + 60 + 120) / 60)
    assert dict(board.ratings) == {"Again": 1, "Hard": 1, "Good": 1, "Easy": 1, "Skipped": 0}
    week = next(w for w in board.weeks if w.start == date(2026, 3, 2))
    assert (week.attempts, week.minutes) == (4, 10)
    # Practised 2-5 March; on the 6th, before practising, the streak still stands at 4.
    assert (board.streak, board.best_streak) == (4, 4)
    weakest = [q.key for q, _ in board.weakest]
    assert weakest == sorted(recall, key=lambda k: (recall[k], k))
    # The forecast counts every practised question once over today + 13 days, or later.
    assert sum(n for _, n in board.forecast) <= 3


def test_streaks():
    d = date(2026, 3, 10)
    days = {
        d,
        d - timedelta(days=1),
        d - timedelta(days=2),
        d - timedelta(days=5),
        d - timedelta(days=6),
    }
    assert streaks(days, d) == (3, 3)
    assert streaks(days - {d}, d) == (2, 2)  # today not practised yet: the streak still stands
    assert streaks(set(), d) == (0, 0)


def test_due_and_forecast_follow_the_interview_date(user):
    questions = QuestionFactory.create_batch(6)
    for n, q in enumerate(questions):
        practise(user, q, Rating.EASY, T0 + timedelta(minutes=n))
    profile = Profile.objects.of(user)
    profile.interview_date = date(2026, 3, 7)
    profile.save()
    now = T0 + timedelta(days=1)
    with time_machine.travel(now, tick=False):
        board = dashboard(user, now=now)
    assert board.days_to_interview == 4
    # Easy answers would come back weeks later; with the interview on the 7th all six are
    # due by the 6th, and today's share (6 over 4 days, rounded up) is due now.
    assert board.due_today == 2
    assert sum(n for day, n in board.forecast if day < date(2026, 3, 7)) == 6


def make_history(user, n: int):
    Profile.objects.of(user)  # as after a first rating: the page then only reads
    questions = QuestionFactory.create_batch(min(n, 40))
    ratings = [Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY]
    for i in range(n):
        if i % len(questions) == 0:
            session = PracticeSessionFactory(user=user, question_count=len(questions))
        when = T0 + timedelta(hours=7 * i)
        attempt = AttemptFactory(
            session=session,
            question=questions[i % len(questions)],
            position=i % len(questions) + 1,
            rating=ratings[i % 4],
            rated_at=when,
            elapsed_seconds=90,
            action="I fixed it",
        )
        if i < 40 or i % 10 == 0:
            from practice.scheduling import review_record

            review_record(
                user=user,
                question=attempt.question,
                rating=attempt.rating,
                when=when,
                retention=0.9,
                attempt=attempt,
            )


@pytest.mark.parametrize("n", [1, 500])
def test_dashboard_query_count_is_fixed(auth_client, user, django_assert_num_queries, n):
    make_history(user, n)
    # session, user, profile, bank version, the progress key's stamp of answers and reviews,
    # then attempts, cards+questions, bank shape, competency sizes, competencies of the
    # user's questions, review log
    with django_assert_num_queries(11):
        response = auth_client.get(reverse("progress"))
    assert response.status_code == 200
    # Nothing changed: the board and its charts come from the cache under the same key.
    with django_assert_num_queries(5):
        again = auth_client.get(reverse("progress"))
    assert again.content.count(b"<tr>") == response.content.count(b"<tr>")
    # A new rating changes the key; the bank's counts are still cached for its version.
    practise(user, Question.objects.first(), Rating.GOOD, timezone.now())
    with django_assert_num_queries(9):
        auth_client.get(reverse("progress"))


def test_progress_key_changes_with_everything_the_board_reads(user, settings):
    question = QuestionFactory()
    other = QuestionFactory()
    attempt = practise(user, question, Rating.GOOD, T0)
    now = T0 + timedelta(days=1)
    seen = set()

    def key():
        return progress_key(user, Profile.objects.of(user), now)

    def changed():
        k = key()
        assert k not in seen, "the key did not change"
        seen.add(k)

    changed()
    assert key() in seen  # stable while nothing changes
    again = practise(user, other, Rating.AGAIN, T0 + timedelta(hours=2))  # a new rating
    changed()
    # A corrected rating: its time stays, so only the review log's ratings show it.
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        services.attempt_rate(attempt=again, rating=Rating.GOOD, elapsed=60)
    changed()
    services.attempt_save(  # a rated answer edited: its word counts are on the board
        attempt=attempt, texts={"answer": "More words now"}, version=attempt.version
    )
    changed()
    settings_update(  # settings: retention reschedules; the interview date caps the plan
        user=user, desired_retention=0.85, daily_goal=10, interview_date=None
    )
    changed()
    settings_update(
        user=user, desired_retention=0.85, daily_goal=10, interview_date=date(2026, 4, 1)
    )
    changed()
    other.status = "retired"  # a bank change (the board counts published questions)
    other.save()
    changed()
    Attempt.objects.filter(pk=attempt.pk).delete()  # a deleted answer
    changed()
    ReviewCard.objects.filter(user=user).delete()  # a reset of the schedule
    changed()
    now += timedelta(days=1)  # a new day: what is due today changes
    changed()
    stranger = UserFactory()
    assert progress_key(stranger, Profile.objects.of(stranger), now).split(":")[1] == str(
        stranger.pk
    )


def test_dashboard_cache_shows_a_new_rating_at_once(auth_client, user):
    question = QuestionFactory(prompt="Tell me about a launch you led")
    first = auth_client.get(reverse("progress")).content.decode()
    assert "Practised</dt><dd>0 " in first
    attempt = practise(user, question, Rating.AGAIN, timezone.now() - timedelta(minutes=5))
    html = auth_client.get(reverse("progress")).content.decode()
    assert "Practised</dt><dd>1 " in html
    assert "Tell me about a launch you led" in html  # in the weakest questions
    assert attempt.question_id == question.pk


def test_dashboard_is_fast_with_5000_attempts(auth_client, user):
    make_history(user, 5000)
    assert Attempt.objects.count() == 5000
    auth_client.get(reverse("progress"))  # warm up templates
    started = time.perf_counter()
    response = auth_client.get(reverse("progress"))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed < 1.0, f"dashboard took {elapsed:.2f}s with 5,000 attempts"


def test_dashboard_needs_an_account(client):
    assert client.get(reverse("progress"))["Location"] == "/accounts/login/?next=/progress/"


def test_dashboard_page_explains_each_number(auth_client):
    html = auth_client.get(reverse("progress")).content.decode()
    assert html.count("<h1") == 1
    for text in (
        "is the share of the bank",
        "Rated answers in each of the last 12 weeks",
        "As a table",
        "Weakest questions",
    ):
        assert text in html


@pytest.mark.parametrize("n", [1, 500])
def test_home_due_count_query_count_is_fixed(auth_client, user, django_assert_num_queries, n):
    make_history(user, n)
    # session, user, bank version, bank shape, profile, the progress key's stamp of answers
    # and reviews, the cards the due count is planned from
    with django_assert_num_queries(7):
        response = auth_client.get(reverse("home"))
    due = response.context["due_today"]
    with django_assert_num_queries(5):  # the shape and the due count are cached
        assert auth_client.get(reverse("home")).context["due_today"] == due
    # A rating changes the key, so the count is planned again from the cards at once.
    practise(user, Question.objects.first(), Rating.AGAIN, timezone.now())
    with django_assert_num_queries(6):
        auth_client.get(reverse("home"))


def test_progress_stamp_sql_matches_the_orm_aggregates(user):
    """progress_key's plain SQL reads what these ORM aggregates read, for this user only."""
    from django.db import connection
    from django.db.models import Count, Max, Sum

    from practice.models import ReviewLog
    from practice.progress import _STAMP_SQL

    def stamp(who):
        with connection.cursor() as cursor:
            cursor.execute(_STAMP_SQL, [who.pk, who.pk])
            return cursor.fetchone()

    def orm(who):
        rated = (
            Attempt.objects.for_user(who)
            .exclude(rating="")
            .aggregate(n=Count("pk"), last=Max("rated_at"), edits=Sum("version"))
        )
        logs = ReviewLog.objects.filter(card__user=who).aggregate(
            n=Count("pk"), last=Max("pk"), ratings=Sum("rating")
        )
        return rated, logs

    stranger = UserFactory()
    assert stamp(user) == (0, None, None, 0, None, None)
    for i, rating in enumerate([Rating.GOOD, Rating.AGAIN, Rating.EASY]):
        practise(user, QuestionFactory(), rating, T0 + timedelta(hours=i))
    practise(stranger, QuestionFactory(), Rating.HARD, T0 + timedelta(days=3))
    rated, logs = orm(user)
    n, last, edits, n_logs, last_log, ratings = stamp(user)
    assert (n, edits, n_logs, last_log, ratings) == (
        rated["n"],
        rated["edits"],
        logs["n"],
        logs["last"],
        logs["ratings"],
    )
    assert n == 3 and n_logs == 3
    # SQLite gives the newest rating time as stored text, PostgreSQL as a datetime.
    assert (
        str(last)
        .replace("T", " ")
        .startswith(str(rated["last"].astimezone(UTC).replace(tzinfo=None)))
    )
