import random

import pytest

from questions.models import Category, Question, Stage, Status
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


def test_related_matches_a_brute_force_ranking():
    """Shared tags first (most first), then the same stage, the same category, and the key;
    then the rest of the stage and the competency; published questions only."""
    rng = random.Random(8)
    tags = TagFactory.create_batch(4)
    comp = CompetencyFactory()
    stages = [Stage.MONITORING, Stage.TRAINING, ""]
    categories = [Category.TECHNICAL, Category.SITUATIONAL]
    pool = [
        QuestionFactory(
            key=f"q{i:03d}",  # the same order in Python and in every database's collation
            stage=rng.choice(stages),
            category=rng.choice(categories),
            status=rng.choice([Status.PUBLISHED] * 5 + [Status.DRAFT]),
            tags=rng.sample(tags, rng.randint(0, 3)),
            competencies=[comp] if rng.random() < 0.3 else [],
        )
        for i in range(60)
    ]
    for question in pool[:12]:
        tag_ids = {t.pk for t in question.tags.all()}
        comp_ids = [c.pk for c in question.competencies.all()]

        def rank(other, question=question, tag_ids=tag_ids, comp_ids=comp_ids):
            shared = len(tag_ids & {t.pk for t in other.tags.all()})
            same_stage = bool(question.stage) and other.stage == question.stage
            in_comp = bool(set(comp_ids) & {c.pk for c in other.competencies.all()})
            group = 0 if shared else 1 if same_stage else 2 if in_comp else None
            closeness = (not same_stage, other.category != question.category, other.key)
            return None if group is None else (group, -shared, *closeness)

        ranked = sorted(
            (rank(o), o)
            for o in pool
            if o != question and o.status == Status.PUBLISHED and rank(o) is not None
        )
        expected = [o for _, o in ranked[:6]]
        got = Question.objects.related_to(question, tag_ids=list(tag_ids), competency_ids=comp_ids)
        assert got == expected, question.key


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
