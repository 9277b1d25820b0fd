import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from practice.models import Attempt, PracticeSession, ReviewCard, ReviewLog
from questions.models import Question

pytestmark = pytest.mark.django_db


def seed(**options) -> None:
    out = io.StringIO()
    call_command("seed_demo", users=3, attempts=40, extra_questions=25, stdout=out, **options)


def test_seed_demo_makes_the_counts_asked_for():
    seed()
    users = get_user_model().objects.filter(username__startswith="demo")
    assert sorted(users.values_list("username", flat=True)) == ["demo0001", "demo0002", "demo0003"]
    assert Attempt.objects.count() == 40
    assert Question.objects.filter(key__startswith="demo-q-", status="published").count() == 25
    assert Question.objects.exclude(key__startswith="demo-q-").count() > 100  # the full bank
    # Every rated (not skipped) attempt is a review; one card per user and question.
    rated = Attempt.objects.exclude(rating__in=["", "skipped"])
    assert ReviewLog.objects.count() == rated.count() > 0
    pairs = {(a.session.user_id, a.question_id) for a in rated.select_related("session")}
    assert ReviewCard.objects.count() == len(pairs)
    # Each user is mid-practice: one unfinished session with questions still to answer.
    for user in users:
        unfinished = PracticeSession.objects.filter(user=user, finished_at=None)
        assert unfinished.count() == 1
        assert unfinished.get().attempts.filter(rating="").exists()


def test_seed_demo_users_have_the_demo_password():
    seed()
    user = get_user_model().objects.get(username="demo0002")
    assert user.check_password("demo-password-8")


def test_seed_demo_refuses_to_run_twice_and_replaces_on_request():
    seed()
    with pytest.raises(CommandError, match="--replace"):
        seed()
    seed(replace=True)
    assert get_user_model().objects.filter(username__startswith="demo").count() == 3
    assert Attempt.objects.count() == 40
    assert Question.objects.filter(key__startswith="demo-q-").count() == 25  # reused
