"""Autosave under load: 8 users saving at once, repeatedly, lose nothing and never lock."""

import threading

import pytest
from django.db import connection
from django.test import Client

from practice.models import Attempt
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
