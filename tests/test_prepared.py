"""interview_prep/prepared.py: a queryset compiled once must give exactly what the ORM gives."""

import pytest
from django.db.models import F
from django.utils import timezone

from interview_prep.prepared import PreparedQuery
from practice.models import Attempt
from questions.models import Question
from tests.factories import AttemptFactory, PracticeSessionFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _attempts(user_id, session_id, position):
    return (
        Attempt.objects.for_user(user_id)
        .select_related("session", "question")
        .filter(session_id=session_id, position=position)
        .order_by()
    )


ATTEMPT = PreparedQuery(_attempts, "user_id", "session_id", "position")


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def attempt():
    now = timezone.now()
    return AttemptFactory(
        position=2,
        situation="A “quoted” situation",
        covered_points=[0, 2],
        part_word_counts={"situation": 3},
        coach_findings=[{"code": "no_numbers", "evidence": "about"}],
        started_at=now,
        saved_at=now,
        revealed_at=now,
        elapsed_seconds=95,
        rating="good",
        rated_at=now,
        session__finished_at=now,
        question__follow_ups=["Why?", "How?"],
    )


def test_it_gives_what_the_orm_gives_with_its_related_rows(attempt, django_assert_num_queries):
    expected = _attempts(attempt.session.user_id, attempt.session_id, 2).get()
    with django_assert_num_queries(1):
        (found,) = ATTEMPT.fetch(
            user_id=attempt.session.user_id, session_id=attempt.session_id, position=2
        )
        # The select_related rows came with it: reading them queries nothing.
        session, question = found.session, found.question
    assert _fields(found) == _fields(expected)
    assert _fields(session) == _fields(expected.session)
    assert _fields(question) == _fields(expected.question)
    # Converted as the ORM converts: aware datetimes, parsed JSON, UUIDs.
    assert found.saved_at == attempt.saved_at and found.saved_at.tzinfo is not None
    assert found.covered_points == [0, 2] and question.follow_ups == ["Why?", "How?"]
    assert found.uuid == attempt.uuid
    # A real instance: saving it updates its row.
    found.notes = "edited"
    found.save(update_fields=["notes"])
    assert Attempt.objects.get(pk=attempt.pk).notes == "edited"
    assert not found._state.adding and found._state.db == "default"


def test_each_call_uses_its_own_parameters(attempt):
    other = AttemptFactory(position=1, session=attempt.session)
    user_id, session_id = attempt.session.user_id, attempt.session_id
    assert [a.pk for a in ATTEMPT.fetch(user_id=user_id, session_id=session_id, position=1)] == [
        other.pk
    ]
    assert [a.pk for a in ATTEMPT.fetch(user_id=user_id, session_id=session_id, position=2)] == [
        attempt.pk
    ]


def test_another_users_attempt_is_not_found(attempt):
    stranger = UserFactory()
    assert ATTEMPT.fetch(user_id=stranger.pk, session_id=attempt.session_id, position=2) == []
    assert ATTEMPT.fetch(user_id=attempt.session.user_id, session_id=0, position=2) == []


def test_out_of_range_integers_match_nothing(attempt):
    user_id = attempt.session.user_id
    assert ATTEMPT.fetch(user_id=user_id, session_id=2**63, position=2) == []
    assert ATTEMPT.fetch(user_id=user_id, session_id=attempt.session_id, position=-(2**64)) == []


def test_values_list_rows_and_constants_in_the_sql():
    session = PracticeSessionFactory(question_count=3)
    for position, rating in ((2, ""), (1, "good"), (3, "again")):
        AttemptFactory(session=session, position=position, rating=rating)
    rated = PreparedQuery(
        lambda session_id: (
            Attempt.objects.filter(session_id=session_id)
            .exclude(rating="")  # a constant parameter, kept as it is
            .order_by("position")
            .values_list("position", "rating")
        ),
        "session_id",
    )
    assert rated.fetch(session_id=session.pk) == [(1, "good"), (3, "again")]
    assert rated.fetch(session_id=session.pk + 1000) == []


def test_annotations_come_through():
    question = QuestionFactory(key="annotated")
    doubled = PreparedQuery(
        lambda pk: Question.objects.filter(pk=pk).annotate(twice=F("pk") * 2), "pk"
    )
    (found,) = doubled.fetch(pk=question.pk)
    assert found.twice == question.pk * 2 and found.key == "annotated"


def test_misuse_fails_loudly(attempt):
    with pytest.raises(TypeError, match="Expected the parameters"):
        ATTEMPT.fetch(user_id=1, session_id=1)
    # A parameter the SQL does not carry would silently drop a filter: refused.
    ignored = PreparedQuery(lambda pk, unused: Question.objects.filter(pk=pk), "pk", "unused")
    with pytest.raises(ValueError, match="unused"):
        ignored.fetch(pk=1, unused=2)
    prefetching = PreparedQuery(
        lambda pk: Question.objects.filter(pk=pk).prefetch_related("tags"), "pk"
    )
    with pytest.raises(TypeError, match="prefetch"):
        prefetching.fetch(pk=1)
    dicts = PreparedQuery(lambda pk: Question.objects.filter(pk=pk).values("key"), "pk")
    with pytest.raises(TypeError, match="values_list"):
        dicts.fetch(pk=1)


def test_a_constant_equal_to_a_sentinel_stays_a_constant():
    # 30011 is the first parameter's sentinel in the first compile: the second compile, with
    # other sentinels, shows that this one is a constant.
    kept = QuestionFactory()
    same_as_sentinel = PreparedQuery(
        lambda pk: Question.objects.filter(pk=pk).exclude(pk=30_011), "pk"
    )
    assert [q.pk for q in same_as_sentinel.fetch(pk=kept.pk)] == [kept.pk]
    assert same_as_sentinel.fetch(pk=30_011) == []


def test_values_beyond_the_columns_type_match_nothing(attempt):
    # position is a smallint on PostgreSQL: 40,000 cannot even be sent as one.
    user_id = attempt.session.user_id
    assert ATTEMPT.fetch(user_id=user_id, session_id=attempt.session_id, position=40_000) == []
    assert ATTEMPT.fetch(user_id=user_id, session_id=attempt.session_id, position=-1) == []
