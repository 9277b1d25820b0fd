"""FSRS scheduling with frozen clocks, checked against the fsrs package's own results."""

from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest
import time_machine

from accounts.models import Profile
from accounts.services import settings_update
from practice import scheduling, services
from practice.models import Mode, Rating, ReviewCard, ReviewLog
from tests.factories import AttemptFactory, PracticeSessionFactory, QuestionFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def rate(user, question, rating, when):
    with time_machine.travel(when, tick=False):
        session = PracticeSessionFactory(user=user)
        attempt = AttemptFactory(session=session, question=question, position=1, started_at=when)
        services.attempt_rate(attempt=attempt, rating=rating, elapsed=60)
    return ReviewCard.objects.get(user=user, question=question)


def test_ratings_move_due_dates_exactly_as_fsrs_says(user):
    question = QuestionFactory()
    reference = scheduling.scheduler_for(0.9)
    card = fsrs.Card(card_id=1)
    when = T0
    for rating, fsrs_rating in [
        (Rating.GOOD, fsrs.Rating.Good),
        (Rating.GOOD, fsrs.Rating.Good),
        (Rating.AGAIN, fsrs.Rating.Again),
        (Rating.HARD, fsrs.Rating.Hard),
        (Rating.EASY, fsrs.Rating.Easy),
    ]:
        ours = rate(user, question, rating, when)
        card, _ = reference.review_card(card, fsrs_rating, review_datetime=when)
        assert ours.due == card.due
        assert ours.stability == pytest.approx(card.stability)
        assert ours.difficulty == pytest.approx(card.difficulty)
        when = card.due + timedelta(hours=1)
    assert ReviewLog.objects.filter(card=ours).count() == 5


def test_again_brings_it_back_sooner_than_easy(user):
    again = rate(user, QuestionFactory(), Rating.AGAIN, T0)
    easy = rate(user, QuestionFactory(), Rating.EASY, T0)
    assert T0 + timedelta(days=1) <= again.due < easy.due


def test_skips_are_not_reviews(user):
    question = QuestionFactory()
    rate(user, question, Rating.GOOD, T0)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        attempt = AttemptFactory(
            session=PracticeSessionFactory(user=user), question=question, position=1
        )
        services.attempt_rate(attempt=attempt, rating=Rating.SKIPPED)
    assert ReviewLog.objects.count() == 1


def test_rating_an_answer_again_corrects_its_review(user):
    """The page keeps its rating buttons after rating: a second rating (or a double click)
    replaces the first in the log, at the time of the first, and the card is replayed."""
    earlier, question = QuestionFactory(), QuestionFactory()
    with time_machine.travel(T0, tick=False):
        attempt = AttemptFactory(
            session=PracticeSessionFactory(user=user), question=question, position=1
        )
        services.attempt_rate(attempt=attempt, rating=Rating.GOOD, elapsed=60)
        services.attempt_rate(attempt=attempt, rating=Rating.GOOD, elapsed=60)  # double click
    assert ReviewLog.objects.filter(attempt=attempt).count() == 1
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        services.attempt_rate(attempt=attempt, rating=Rating.AGAIN, elapsed=None)
    attempt.refresh_from_db()  # a correction: when it was answered and how long it took stay
    assert (attempt.rating, attempt.rated_at, attempt.elapsed_seconds) == ("again", T0, 60)
    log = ReviewLog.objects.get(attempt=attempt)
    assert (log.rating, log.reviewed_at) == (int(fsrs.Rating.Again), T0)
    card = ReviewCard.objects.get(user=user, question=question)
    reference, _ = scheduling.scheduler_for(0.9).review_card(
        fsrs.Card(card_id=1), fsrs.Rating.Again, review_datetime=T0, review_duration=60_000
    )
    assert card.due == reference.due
    assert card.stability == pytest.approx(reference.stability)
    # Withdrawn by a skip: the review goes, and a card with no reviews left goes with it.
    rate(user, earlier, Rating.EASY, T0)
    services.attempt_rate(attempt=attempt, rating=Rating.SKIPPED)
    assert not ReviewLog.objects.filter(attempt=attempt).exists()
    assert not ReviewCard.objects.filter(question=question).exists()
    assert ReviewCard.objects.filter(question=earlier).exists()
    # And rated again after the skip: a review as new.
    services.attempt_rate(attempt=attempt, rating=Rating.HARD, elapsed=60)
    assert ReviewLog.objects.get(attempt=attempt).rating == int(fsrs.Rating.Hard)


def test_correcting_an_older_review_keeps_later_ones_in_order(user):
    question = QuestionFactory()
    with time_machine.travel(T0, tick=False):
        first = AttemptFactory(
            session=PracticeSessionFactory(user=user), question=question, position=1
        )
        services.attempt_rate(attempt=first, rating=Rating.GOOD, elapsed=60)
    later = rate(user, question, Rating.GOOD, T0 + timedelta(days=3))
    services.attempt_rate(attempt=first, rating=Rating.HARD, elapsed=60)
    card = ReviewCard.objects.get(pk=later.pk)
    reference = scheduling.scheduler_for(0.9)
    expected, _ = reference.review_card(
        fsrs.Card(card_id=1), fsrs.Rating.Hard, review_datetime=T0, review_duration=60_000
    )
    expected, _ = reference.review_card(
        expected, fsrs.Rating.Good, review_datetime=T0 + timedelta(days=3), review_duration=60_000
    )
    assert card.due == expected.due
    assert card.stability == pytest.approx(expected.stability)
    assert ReviewLog.objects.filter(card=card).count() == 2


def test_schedule_can_be_rebuilt_from_the_log_alone(user):
    question = QuestionFactory()
    for n, rating in enumerate([Rating.GOOD, Rating.HARD, Rating.GOOD]):
        card = rate(user, question, rating, T0 + timedelta(days=3 * n))
    expected = (card.due, card.stability, card.difficulty)
    ReviewCard.objects.filter(pk=card.pk).update(stability=None, difficulty=None, due=T0)
    card.refresh_from_db()
    scheduling.card_rebuild(card, retention=0.9)
    assert (card.due, card.stability, card.difficulty) == (
        expected[0],
        pytest.approx(expected[1]),
        pytest.approx(expected[2]),
    )


def test_higher_retention_reschedules_sooner(user):
    card = rate(user, QuestionFactory(), Rating.GOOD, T0)
    before = card.due
    settings_update(user=user, desired_retention=0.95, daily_goal=5, interview_date=None)
    card.refresh_from_db()
    assert card.due < before


def test_review_mode_serves_due_questions_most_urgent_first(user):
    weak = QuestionFactory(key="weak")
    strong = QuestionFactory(key="strong")
    not_due = QuestionFactory(key="not-due")
    rate(user, weak, Rating.AGAIN, T0)
    rate(user, strong, Rating.GOOD, T0)
    rate(user, not_due, Rating.EASY, T0 + timedelta(days=20))
    with time_machine.travel(T0 + timedelta(days=21), tick=False):
        result = services.session_start(
            user=user, mode=Mode.REVIEW, filters={}, counts={"total": 5}
        )
        keys = [a.question.key for a in result.session.attempts.order_by("position")]
    assert keys == ["weak", "strong"]


def test_nothing_due_says_so(user):
    rate(user, QuestionFactory(), Rating.EASY, T0)
    with (
        time_machine.travel(T0 + timedelta(hours=2), tick=False),
        pytest.raises(services.NotEnoughQuestions, match="Nothing is due for review today"),
    ):
        services.session_start(user=user, mode=Mode.REVIEW, filters={}, counts={"total": 5})


def test_interview_mode_never_leaves_a_question_scheduled_past_the_date(user):
    questions = QuestionFactory.create_batch(12)
    for n, q in enumerate(questions):
        rate(user, q, [Rating.EASY, Rating.GOOD, Rating.HARD][n % 3], T0 + timedelta(hours=n))
    interview = date(2026, 3, 12)
    profile = Profile.objects.of(user)
    profile.interview_date = interview
    profile.save()
    seen: set[int] = set()
    day = T0 + timedelta(days=1)
    while day.date() < interview:
        with time_machine.travel(day, tick=False):
            cards = list(ReviewCard.objects.filter(user=user))
            planned = scheduling.plan(cards, now=day, retention=0.9, interview=interview)
            assert all(p.due < scheduling.day_start(interview) for p in planned)
            due = scheduling.due_now(planned, now=day)
            recalls = [p.recall for p in due]
            assert recalls == sorted(recalls)  # weakest first
            for p in due:
                rate(user, p.card.question, Rating.GOOD, day)
                seen.add(p.card.question_id)
        day += timedelta(days=1)
    # Every practised question came back before the interview.
    assert seen == {q.pk for q in questions}


def test_without_an_interview_fsrs_dates_stand(user):
    card = rate(user, QuestionFactory(), Rating.EASY, T0)
    planned = scheduling.plan([card], now=T0, retention=0.9, interview=None)
    assert planned[0].due == card.due
