"""The story bank and the coach inside practice: access, grid, picker, save, highlights."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from practice.models import Attempt, Story
from questions.models import Category
from tests.factories import (
    AttemptFactory,
    CompetencyFactory,
    PracticeSessionFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LIST = reverse("stories:list")


@pytest.fixture
def comps():
    return [
        CompetencyFactory(slug=s, name=s.title()) for s in ("ownership", "conflict", "learning")
    ]


@pytest.fixture
def story(user, comps):
    story = Story.objects.create(
        user=user,
        title="Fraud rescue",
        situation="Our fraud model missed a new attack pattern.",
        task="I owned restoring recall within a week.",
        action="I traced it to a stale feature and rebuilt it.",
        result="Recall rose from 61% to 84%.",
    )
    story.competencies.set(comps[:1])
    return story


def story_url(story, action=""):
    return reverse(f"stories:{action or 'detail'}", args=[story.pk])


# --- access -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, story):
    for url in (LIST, reverse("stories:create"), story_url(story)):
        assert client.get(url)["Location"] == f"/accounts/login/?next={url}"
    assert client.post(story_url(story, "delete")).status_code == 302
    assert Story.objects.filter(pk=story.pk).exists()


@pytest.mark.parametrize("who", ["other", "staff"])
def test_nobody_else_sees_or_changes_a_story(client, story, who):
    client.force_login(UserFactory(is_staff=who == "staff", is_superuser=who == "staff"))
    assert client.get(story_url(story)).status_code == 404
    assert client.post(story_url(story), {"title": "Hijacked", "action": "x"}).status_code == 404
    assert client.post(story_url(story, "delete")).status_code == 404
    assert "Fraud rescue" not in client.get(LIST).content.decode()
    story.refresh_from_db()
    assert story.title == "Fraud rescue"


def test_owner_edits_and_deletes(auth_client, story):
    response = auth_client.post(
        story_url(story),
        {
            "title": "Fraud rescue, v2",
            "situation": "s",
            "task": "t",
            "action": "I did it.",
            "result": "r",
            "competencies": [c.pk for c in story.competencies.all()],
            "tags": "fraud, On-Call, fraud",
        },
    )
    assert response["Location"] == story_url(story)
    story.refresh_from_db()
    assert story.title == "Fraud rescue, v2" and story.tags == ["fraud", "on-call"]
    assert auth_client.get(story_url(story, "delete")).status_code == 405
    assert auth_client.post(story_url(story, "delete"))["Location"] == LIST
    assert not Story.objects.exists()


def test_story_posts_need_csrf(user, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(story_url(story, "delete")).status_code == 403
    assert client.post(reverse("stories:create"), {"title": "x", "action": "y"}).status_code == 403


def test_create_validates_and_keeps_text(auth_client):
    response = auth_client.post(reverse("stories:create"), {"title": "Empty one"})
    html = response.content.decode()
    assert response.status_code == 200 and "Write at least one part of the story." in html
    assert 'value="Empty one"' in html
    ok = auth_client.post(
        reverse("stories:create"), {"title": "New", "action": "I led the migration."}
    )
    assert ok.status_code == 302 and Story.objects.get().title == "New"


# --- coverage grid ----------------------------------------------------------------------


def test_grid_ticks_covered_and_highlights_gaps_with_questions(auth_client, story, comps):
    practice_me = QuestionFactory(
        category=Category.BEHAVIORAL,
        stage="",
        competencies=[comps[1]],
        prompt="Tell me about a disagreement with a data scientist.",
    )
    html = auth_client.get(LIST).content.decode()
    assert "A healthy bank has 8–12 stories covering every competency at least twice." in html
    assert "You have 1 story; 0 of 3 competencies are covered twice, and 2 not at all." in html
    ownership_row = re.search(r'<tr class="thin">\s*<th scope="row">Ownership', html)
    assert ownership_row  # covered once: thin, not a gap
    assert re.search(r'<tr class="gap">\s*<th scope="row">Conflict', html)
    assert practice_me.prompt[:40] in html


@pytest.mark.parametrize("n", [1, 12])
def test_story_list_query_count_is_fixed(auth_client, user, comps, django_assert_num_queries, n):
    for i in range(n):
        s = Story.objects.create(user=user, title=f"Story {i}", action="I did it.")
        s.competencies.set(comps[:2])  # "learning" stays a gap
    # session, user, stories, their competencies, all competencies, gap questions
    with django_assert_num_queries(6):
        auth_client.get(LIST)
    s.competencies.set(comps)
    with django_assert_num_queries(5):  # no gaps: nothing to suggest, no query for it
        auth_client.get(LIST)


@pytest.mark.parametrize("n", [1, 12])
def test_story_page_query_count_is_fixed(auth_client, user, comps, django_assert_num_queries, n):
    s = Story.objects.create(user=user, title="Big", action="I did it.")
    s.competencies.set(comps)
    s.questions.set(QuestionFactory.create_batch(n, category=Category.BEHAVIORAL, stage=""))
    # session, user, story, form: competency choices, question choices, the story's selected
    # competencies and questions; the page's "used in" list
    with django_assert_num_queries(8):
        auth_client.get(story_url(s))


def test_story_form_groups_question_checkboxes_ticked_first(auth_client, user, story):
    early = QuestionFactory(category=Category.BEHAVIORAL, stage="", prompt="An early prompt")
    linked = QuestionFactory(category=Category.BEHAVIORAL, stage="", prompt="Zed, a linked one")
    situational = QuestionFactory(category=Category.SITUATIONAL, prompt="What would you do?")
    QuestionFactory(category=Category.TECHNICAL, prompt="Explain dropout.")
    story.questions.set([linked])
    html = auth_client.get(story_url(story)).content.decode()
    picker = html[html.index('class="field question-picker"') :]
    assert "<legend>Behavioral</legend>" in picker and "<legend>Situational</legend>" in picker
    assert "Explain dropout." not in html  # technical answers are not stories
    assert picker.index("Zed, a linked one") < picker.index("An early prompt")  # ticked first
    assert re.search(rf'value="{linked.pk}"[^>]*checked', picker)
    assert not re.search(rf'value="{early.pk}"[^>]*checked', picker)
    assert 'for="question-filter"' in picker  # the filter box (shown by app.js) is labelled
    # Ticking boxes links the questions, as the old multi-select did.
    form = {
        "title": story.title,
        "action": story.action,
        "competencies": [c.pk for c in story.competencies.all()],
        "questions": [early.pk, situational.pk],
    }
    assert auth_client.post(story_url(story), form).status_code == 302
    assert set(story.questions.all()) == {early, situational}


def test_story_coach_on_demand_highlights_safely(auth_client, user):
    s = Story.objects.create(
        user=user,
        title="XSS test",
        situation="<script>alert(1)</script> We had a problem.",
        task="Fix it.",
        action="We fixed the join in the feature pipeline. We shipped it and we celebrated.",
        result="It went well.",
    )
    html = auth_client.get(story_url(s) + "?check=1").content.decode()
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    assert '<mark class="coach-mark" data-code="we_instead_of_i">' in html
    partial = auth_client.get(
        story_url(s) + "?check=1", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="coach"
    )
    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="coach"') and "<h1" not in body
    assert "HX-Target" in partial["Vary"]  # a cache must not answer a page with the partial


# --- in practice ------------------------------------------------------------------------


@pytest.fixture
def attempt(user, comps):
    session = PracticeSessionFactory(user=user)
    question = QuestionFactory(category=Category.BEHAVIORAL, stage="", competencies=comps[:1])
    return AttemptFactory(session=session, question=question, position=1)


def attempt_url(attempt, action=""):
    return attempt.get_absolute_url() + (f"{action}/" if action else "")


STAR = {
    "situation": "Our churn model decayed.",
    "task": "I had a week.",
    "action": (
        "We retrained it on the last quarter of data. We shipped it behind a flag and "
        "we watched the dashboards together."
    ),
    "result": "It went fine.",
    "version": 0,
}


def test_picker_lists_matching_stories_first_and_is_private(
    auth_client, attempt, story, user, other_user
):
    Story.objects.create(user=user, title="Another", action="I did a thing.")
    Story.objects.create(user=other_user, title="Not mine", action="x")
    page = auth_client.get(
        attempt_url(attempt, "stories"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="story-picker"
    )
    html = page.content.decode()
    assert html.lstrip().startswith('<section id="story-picker"')
    assert html.index("Fraud rescue") < html.index("Another") and "Not mine" not in html
    assert "matches 1 competency" in html


def test_use_a_story_fills_the_answer_and_is_remembered(auth_client, attempt, story):
    response = auth_client.post(
        attempt_url(attempt, "use-story"), {"story": story.pk, "version": 0}
    )
    assert response["Location"] == attempt.get_absolute_url()
    attempt.refresh_from_db()
    assert attempt.story == story and attempt.action == story.action and attempt.version == 1
    assert attempt.question in story.questions.all()
    assert "Started from your story" in auth_client.get(attempt.get_absolute_url()).content.decode()


def test_cannot_use_someone_elses_story(auth_client, attempt, other_user):
    theirs = Story.objects.create(user=other_user, title="Theirs", action="secret")
    assert (
        auth_client.post(
            attempt_url(attempt, "use-story"), {"story": theirs.pk, "version": 0}
        ).status_code
        == 404
    )
    assert (
        auth_client.post(
            attempt_url(attempt, "use-story"), {"story": "abc", "version": 0}
        ).status_code
        == 404
    )
    attempt.refresh_from_db()
    assert attempt.action == "" and attempt.story is None


def test_save_as_story_from_an_answer(auth_client, attempt, user):
    response = auth_client.post(attempt_url(attempt, "save-story"), STAR)
    story = Story.objects.get(user=user)
    assert response["Location"] == story.get_absolute_url()
    assert story.action == STAR["action"] and list(story.questions.all()) == [attempt.question]
    assert list(story.competencies.all()) == list(attempt.question.competencies.all())


def test_check_my_answer_saves_runs_the_coach_and_stores_findings(auth_client, attempt):
    response = auth_client.post(attempt_url(attempt, "check"), STAR)
    assert response["Location"] == attempt.get_absolute_url() + "#coach"
    attempt.refresh_from_db()
    codes = {f["code"] for f in attempt.coach_findings}
    assert "we_instead_of_i" in codes and attempt.coached_at
    assert attempt.action == STAR["action"]  # the text was saved first
    html = auth_client.get(attempt.get_absolute_url()).content.decode()
    assert '<mark class="coach-mark" data-code="we_instead_of_i">' in html
    htmx = auth_client.post(
        attempt_url(attempt, "check"), {**STAR, "version": 1}, HTTP_HX_REQUEST="true"
    )
    body = htmx.content.decode()
    assert '<section id="coach"' in body and "<h1" not in body
    assert re.search(r'id="id_version" value="2"[^>]*hx-swap-oob="true"', body)


def test_coach_suggests_red_flags_but_ticks_none(auth_client, attempt):
    from tests.factories import RedFlagFactory

    flag = RedFlagFactory(slug="we-not-i", title="Can't say what you did yourself")
    attempt.question.red_flags.add(flag)
    auth_client.post(attempt_url(attempt, "check"), STAR)
    auth_client.post(attempt_url(attempt, "reveal"), {**STAR, "version": 1})
    html = auth_client.get(attempt.get_absolute_url()).content.decode()
    assert "the coach thinks so" in html
    assert not re.search(rf'value="{flag.pk}" form="answer-form" checked', html)
    assert Attempt.objects.get(pk=attempt.pk).red_flags.count() == 0


def test_coach_findings_show_in_summary_and_history(auth_client, attempt):
    auth_client.post(attempt_url(attempt, "check"), STAR)
    summary = auth_client.get(attempt.session.get_summary_url()).content.decode()
    assert "Coach notes" in summary and "“We” instead of “I”" in summary
    history = auth_client.get(
        reverse("practice:question_history", args=[attempt.question.key])
    ).content.decode()
    assert "“We” instead of “I”" in history


def test_story_urls_for_mutations_reject_get(auth_client, attempt):
    for action in ("check", "save-story", "use-story"):
        assert auth_client.get(attempt_url(attempt, action)).status_code == 405
