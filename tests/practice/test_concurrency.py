"""Autosave under load: 8 users saving at once, repeatedly, lose nothing and never lock.
And a rating corrected while another review of the same question is being written."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test import Client

from practice import scheduling, services
from practice.models import Attempt, Rating, ReviewCard
from questions.models import Category
from tests.factories import AttemptFactory, PracticeSessionFactory, QuestionFactory, UserFactory

USERS = 8
SAVES = 15


@pytest.mark.django_db(transaction=True)
def test_eight_users_autosaving_at_once_lose_no_save():
    question = QuestionFactory(category=Category.BEHAVIORAL, stage="")
    attempts = []
    for _ in range(USERS):
        session = PracticeSessionFactory(user=UserFactory())
        attempts.append(AttemptFactory(session=session, question=question, position=1))
    errors: list[str] = []
    barrier = threading.Barrier(USERS, timeout=30)

    def autosave(attempt: Attempt) -> None:
        try:
            client = Client()
            client.force_login(attempt.session.user)
            url = attempt.get_absolute_url() + "save/"
            barrier.wait()  # start together so the writes really collide
            for n in range(SAVES):
                response = client.post(
                    url,
                    {
                        "situation": "s",
                        "task": "t",
                        "action": f"draft {n}",
                        "result": "r",
                        "version": n,
                    },
                    HTTP_HX_REQUEST="true",
                    HTTP_HX_TARGET="save-status",
                )
                body = response.content.decode()
                if response.status_code != 200 or "Saved" not in body:
                    errors.append(f"{attempt.pk} save {n}: {response.status_code} {body[:200]}")
        except Exception as exc:
            errors.append(f"{attempt.pk}: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=autosave, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:5]
    for attempt in attempts:
        attempt.refresh_from_db()
        assert attempt.action == f"draft {SAVES - 1}"
        assert attempt.version == SAVES


@pytest.mark.django_db(transaction=True)
def test_a_corrected_rating_never_overwrites_a_review_written_meanwhile():
    """PostgreSQL (SQLite's IMMEDIATE transactions serialise these anyway): one tab corrects
    the rating of an answer while another rates a second answer to the same question. The
    card must end as its whole log says, not as the correction's stale replay left it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter here")
    user, question = UserFactory(), QuestionFactory()
    first = AttemptFactory(session=PracticeSessionFactory(user=user), question=question)
    services.attempt_rate(attempt=first, rating=Rating.GOOD, elapsed=60)
    second = AttemptFactory(session=PracticeSessionFactory(user=user), question=question)
    written, release = threading.Event(), threading.Event()

    def rate_second_and_hold():
        try:
            with transaction.atomic():
                scheduling.review_record(
                    user=user,
                    question=question,
                    rating=Rating.AGAIN,
                    when=datetime.now(UTC) + timedelta(days=2),
                    retention=0.9,
                    attempt=second,
                )
                written.set()
                release.wait(10)
        finally:
            connection.close()

    def correct_first():
        try:
            services.attempt_rate(attempt=first, rating=Rating.EASY, elapsed=60)
        finally:
            connection.close()

    holder = threading.Thread(target=rate_second_and_hold)
    holder.start()
    assert written.wait(10)
    corrector = threading.Thread(target=correct_first)
    corrector.start()
    time.sleep(1.0)  # the correction is now waiting on the card
    release.set()
    holder.join()
    corrector.join()
    card = ReviewCard.objects.get(user=user, question=question)
    stored = (card.due, card.stability, card.last_review)
    replayed = scheduling.card_rebuild(ReviewCard.objects.get(pk=card.pk), retention=0.9)
    assert stored == (replayed.due, replayed.stability, replayed.last_review)
    assert card.logs.count() == 2
