import pytest
from django.utils import timezone

from practice import services
from practice.models import Attempt, Mode, Rating, count_words, mmss, star_hint
from questions.models import Category, Status
from tests.factories import AttemptFactory, PracticeSessionFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def start(user, mode=Mode.DRILL, filters=None, **counts):
    return services.session_start(
        user=user, mode=mode, filters=filters or {}, counts=counts or {"total": 5}
    )


def test_drill_prefers_unseen_questions_and_never_repeats(user):
    questions = QuestionFactory.create_batch(6)
    seen = questions[:3]
    old = PracticeSessionFactory(user=user, question_count=3)
    for n, q in enumerate(seen, 1):
        AttemptFactory(session=old, question=q, position=n)
    result = start(user, total=3)
    chosen = [a.question for a in result.session.attempts.order_by("position")]
    assert set(chosen) == set(questions[3:])
    assert len(set(chosen)) == 3
    assert result.shortfall == ""


def test_drill_applies_filters_and_reports_a_shortfall(user):
    QuestionFactory.create_batch(2, category=Category.BEHAVIORAL, stage="")
    QuestionFactory.create_batch(4, category=Category.TECHNICAL)
    QuestionFactory(category=Category.BEHAVIORAL, stage="", status=Status.DRAFT)
    result = start(user, filters={"category": "behavioral"}, total=5)
    assert result.session.question_count == 2
    assert {a.question.category for a in result.session.attempts.all()} == {"behavioral"}
    assert result.shortfall == "Only 2 questions matched, so this session has 2 instead of 5."


def test_nothing_matching_raises_a_plain_message(user):
    with pytest.raises(services.NotEnoughQuestions, match="No published question matches"):
        start(user, filters={"tag": "no-such-tag"})


def test_mock_interleaves_categories_with_time_budgets(user):
    for category in Category:
        QuestionFactory.create_batch(3, category=category, stage="")
    result = start(user, Mode.MOCK, behavioral=2, technical=2, situational=1)
    attempts = list(result.session.attempts.order_by("position").select_related("question"))
    assert [a.question.category for a in attempts] == [
        "behavioral",
        "technical",
        "situational",
        "behavioral",
        "technical",
    ]
    assert [a.time_budget for a in attempts] == [180, 240, 180, 180, 240]
    assert attempts[0].started_at is not None and attempts[1].started_at is None


def test_review_needs_history_then_serves_due_questions(user):
    with pytest.raises(services.NotEnoughQuestions, match="no rated questions"):
        start(user, Mode.REVIEW, total=3)


def test_other_users_history_does_not_count_as_seen(user, other_user):
    mine = QuestionFactory()
    theirs = PracticeSessionFactory(user=other_user)
    AttemptFactory(session=theirs, question=mine)
    result = start(user, total=1)
    assert result.session.attempts.get().question == mine


def test_save_bumps_version_and_refuses_stale_copies():
    attempt = AttemptFactory(question=QuestionFactory(category=Category.BEHAVIORAL))
    services.attempt_save(attempt=attempt, texts={"action": "I fixed it."}, version=0)
    assert attempt.version == 1 and attempt.action == "I fixed it." and attempt.saved_at
    assert attempt.word_count == 3 and attempt.part_word_counts["action"] == 3
    with pytest.raises(services.StaleAnswer):
        services.attempt_save(attempt=attempt, texts={"action": "Old tab text"}, version=0)
    attempt.refresh_from_db()
    assert attempt.action == "I fixed it."
    services.attempt_save(attempt=attempt, texts={"action": "Keep mine"}, version=0, force=True)
    assert attempt.action == "Keep mine" and attempt.version == 2


def test_saved_attempt_in_memory_matches_the_row_without_reading_it_back():
    attempt = AttemptFactory(question=QuestionFactory(category=Category.BEHAVIORAL))
    services.attempt_save(
        attempt=attempt, texts={"situation": "Drift hit us", "action": "I fixed it."}, version=0
    )
    services.attempt_save(attempt=attempt, texts={"result": "Recall up 4%"}, version=0, force=True)
    row = Attempt.objects.get(pk=attempt.pk)
    for field in ("situation", "action", "result", "version", "word_count", "part_word_counts"):
        assert getattr(attempt, field) == getattr(row, field), field
    assert attempt.saved_at == row.saved_at and attempt.started_at == row.started_at


@pytest.mark.django_db(transaction=True)
def test_postgresql_autosave_commits_asynchronously_for_that_transaction_only():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is a PostgreSQL setting")
    attempt = AttemptFactory(question=QuestionFactory(category=Category.TECHNICAL))
    with CaptureQueriesContext(connection) as queries:
        services.attempt_save(attempt=attempt, texts={"answer": "A draft"}, version=0)
    assert any("SET LOCAL synchronous_commit TO OFF" in q["sql"] for q in queries)
    with connection.cursor() as cursor:  # SET LOCAL ends with the save's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert Attempt.objects.get(pk=attempt.pk).answer == "A draft"


def test_rate_moves_on_and_finishes_the_session():
    session = PracticeSessionFactory(question_count=2)
    first = AttemptFactory(session=session, position=1, started_at=timezone.now())
    second = AttemptFactory(session=session, position=2)
    upcoming = services.attempt_rate(attempt=first, rating=Rating.GOOD, elapsed=95)
    assert upcoming == second
    first.refresh_from_db()
    assert first.elapsed_seconds == 95 and first.rated_at
    second.refresh_from_db()
    assert second.started_at is not None
    assert services.attempt_rate(attempt=second, rating=Rating.SKIPPED) is None
    session.refresh_from_db()
    assert session.finished_at is not None


def test_elapsed_without_a_client_timer_is_capped():
    attempt = AttemptFactory(started_at=timezone.now() - timezone.timedelta(days=1))
    services.attempt_rate(attempt=attempt, rating=Rating.HARD, elapsed=None)
    assert attempt.elapsed_seconds == 3600


def test_word_counts_speaking_time_and_star_balance():
    attempt = Attempt(
        question=QuestionFactory.build(category=Category.BEHAVIORAL),
        situation="one two",
        task="three four",
        action=" ".join(["w"] * 12),
        result="a b c d",
    )
    assert attempt.total_words() == 20
    assert attempt.speaking_seconds == 9  # 20 words at 140 a minute
    assert attempt.star_balance() == {"situation": 10, "task": 10, "action": 60, "result": 20}
    assert star_hint(attempt.star_balance()).startswith("Good balance")
    assert star_hint({"situation": 40, "task": 10, "action": 45, "result": 5}).startswith(
        "Situation and Task run long"
    )
    assert star_hint({"situation": 10, "task": 10, "action": 30, "result": 50}).startswith(
        "Put more into Action"
    )
    assert count_words("It's a well-known trade-off, isn't it?") == 6
    assert mmss(65) == "1:05" and mmss(3725) == "1:02:05"


def test_technical_answers_count_answer_not_notes():
    attempt = Attempt(question=QuestionFactory.build(), answer="one two three", notes="n n")
    assert attempt.total_words() == 3 and attempt.star_balance() is None


def test_session_start_uses_only_the_given_users_data():
    user = UserFactory()
    QuestionFactory()
    result = start(user, total=1)
    assert result.session.user == user
