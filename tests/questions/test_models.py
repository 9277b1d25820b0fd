import pytest

from questions.models import Question, Stage, Status
from tests.factories import CompetencyFactory, QuestionFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_draft_review_and_retired():
    shown = QuestionFactory(status=Status.PUBLISHED)
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED):
        QuestionFactory(status=status)
    assert list(Question.objects.published()) == [shown]


def test_matching_needs_every_word_and_searches_guidance_and_tags():
    drift = TagFactory(slug="drift")
    hit = QuestionFactory(prompt="Your model's accuracy fell overnight.", tags=[drift])
    QuestionFactory(prompt="Explain accuracy as a metric.")
    assert list(Question.objects.matching("ACCURACY drift")) == [hit]
    assert Question.objects.matching("accuracy").count() == 2


def test_tag_and_competency_filters_do_not_repeat_rows():
    a, b = TagFactory(), TagFactory()
    ownership = CompetencyFactory(slug="ownership")
    question = QuestionFactory(tags=[a, b], competencies=[ownership])
    assert list(Question.objects.for_tag(a.slug)) == [question]
    assert list(Question.objects.for_competency("ownership")) == [question]
    assert Question.objects.for_tag("nope").count() == 0


def test_related_shares_a_tag_stage_or_competency_closest_first():
    comp, drift, alerts = CompetencyFactory(), TagFactory(), TagFactory()
    question = QuestionFactory(stage=Stage.MONITORING, competencies=[comp], tags=[drift, alerts])
    same_stage = QuestionFactory(key="a-same-stage", stage=Stage.MONITORING)
    same_comp = QuestionFactory(key="b-same-comp", stage="", competencies=[comp])
    one_tag = QuestionFactory(key="c-one-tag", stage=Stage.TRAINING, tags=[drift])
    two_tags = QuestionFactory(key="d-two-tags", stage=Stage.TRAINING, tags=[drift, alerts])
    QuestionFactory(stage=Stage.TRAINING)
    QuestionFactory(stage=Stage.MONITORING, status=Status.DRAFT)
    related = list(
        Question.objects.related_to(
            question, tag_ids=[drift.pk, alerts.pk], competency_ids=[comp.pk]
        )
    )
    assert related == [two_tags, one_tag, same_stage, same_comp]
    for limit in range(1, 5):  # each step stops as soon as enough are found
        assert (
            Question.objects.related_to(
                question, tag_ids=[drift.pk, alerts.pk], competency_ids=[comp.pk], limit=limit
            )
            == related[:limit]
        )
    # Without tags or a stage, only the competency relates them.
    loose = QuestionFactory(stage="", competencies=[comp])
    assert Question.objects.related_to(loose, tag_ids=[], competency_ids=[comp.pk]) == [
        same_comp,
        question,
    ]


def test_search_text_follows_edits():
    question = QuestionFactory(prompt="About calibration")
    question.prompt = "About reservoir sampling"
    question.save()
    assert Question.objects.matching("reservoir").get() == question
    assert not Question.objects.matching("calibration").exists()


def test_absolute_url_uses_key():
    assert QuestionFactory(key="bias-variance").get_absolute_url() == "/questions/bias-variance/"


def test_matching_ranks_prompt_matches_first():
    guidance_only = QuestionFactory(
        key="a-guidance", prompt="Explain PSI.", tip="Useful for drift."
    )
    in_prompt = QuestionFactory(key="z-prompt", prompt="How do you detect drift?")
    assert list(Question.objects.matching("drift")) == [in_prompt, guidance_only]
