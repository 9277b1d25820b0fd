"""Forms take only the fields they show: owners, status, ratings and privileges never come
from the client, whatever extra fields a POST carries."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.data import export_json
from accounts.models import Profile
from practice.models import Attempt, PracticeSession, ReviewCard, Story
from questions.models import Question

pytestmark = pytest.mark.django_db


def smuggled(world) -> dict:
    """Fields no form of the site shows, with values that would hand over or escalate."""
    other = world.users["other"]
    return {
        "user": other.pk,
        "user_id": other.pk,
        "owner": other.pk,
        "session": world.session.pk + 1000,
        "session_id": world.session.pk + 1000,
        "question": world.technical.pk,
        "status": "published",
        "rating": "easy",
        "score": 100,
        "word_count": 9999,
        "revealed_at": "2020-01-01T00:00:00Z",
        "coach_findings": "[]",
        "story": world.story.pk,
        "suggested_by": other.pk,
        "reviewed_by": other.pk,
        "is_staff": "1",
        "is_superuser": "1",
        "groups": Group.objects.get(name="Curators").pk,
        "uuid": "00000000-0000-0000-0000-000000000001",
        "created_at": "2020-01-01T00:00:00Z",
    }


def test_story_create_and_edit_keep_the_owner(world):
    client = world.client("owner")
    body = {**smuggled(world), "title": "Mine", "action": "I did it."}
    created = client.post(reverse("stories:create"), body)
    story = Story.objects.get(title="Mine")
    assert created.status_code == 302 and story.user == world.users["owner"]
    assert str(story.uuid) != body["uuid"] and story.created_at.year != 2020
    client.post(world.story.get_absolute_url(), {**body, "title": "Edited"})
    world.story.refresh_from_db()
    assert world.story.title == "Edited" and world.story.user == world.users["owner"]


def test_attempt_posts_change_only_the_answer(world):
    client = world.client("owner")
    url = world.attempt.get_absolute_url()
    body = {**smuggled(world), "version": 0, "situation": "On call."}
    for action in ("save/", "check/", "reveal/"):
        body["version"] = Attempt.objects.get(pk=world.attempt.pk).version
        assert client.post(url + action, body).status_code == 302, action
    attempt = Attempt.objects.get(pk=world.attempt.pk)
    assert attempt.situation == "On call."
    assert attempt.session == world.session and attempt.question == world.question
    assert attempt.rating == "" and attempt.story is None
    assert attempt.word_count == 2
    assert attempt.revealed_at.year != 2020
    client.post(url + "rate/", {**body, "version": attempt.version, "rating": "hard"})
    attempt.refresh_from_db()
    assert attempt.rating == "hard"  # the rating field of the rate form, not smuggled "easy"
    assert ReviewCard.objects.get(question=world.question).user == world.users["owner"]
    assert not ReviewCard.objects.filter(user=world.users["other"]).exists()


def test_a_story_of_someone_else_cannot_be_used(world):
    theirs = Story.objects.create(user=world.users["other"], title="Theirs", action="Secret.")
    url = world.attempt.get_absolute_url() + "use-story/"
    response = world.client("owner").post(url, {"story": theirs.pk, "version": 0})
    assert response.status_code == 404
    assert Attempt.objects.get(pk=world.attempt.pk).action == ""


def test_session_start_belongs_to_whoever_asks(world):
    body = {**smuggled(world), "drill-mode": "drill", "drill-count": 1}
    world.client("owner").post(reverse("practice:session_create"), body)
    newest = PracticeSession.objects.order_by("-pk").first()
    assert newest.user == world.users["owner"]
    assert not PracticeSession.objects.filter(user=world.users["other"]).exists()


def test_suggestions_arrive_as_drafts_of_their_author(world):
    body = {
        **smuggled(world),
        "prompt": "How would you monitor a model for drift?",
        "category": "technical",
        "key": "chosen-key",
        "difficulty": "senior",
        "assesses": "Smuggled guidance",
    }
    assert world.client("owner").post(reverse("questions:suggest"), body).status_code == 302
    question = Question.objects.get(prompt=body["prompt"])
    assert question.status == "draft" and question.suggested_by == world.users["owner"]
    assert question.reviewed_by is None and question.key != "chosen-key"
    assert question.difficulty == "mid" and question.assesses == ""


def test_settings_change_only_settings(world):
    owner = world.users["owner"]
    body = {**smuggled(world), "desired_retention": "0.85", "daily_goal": "7"}
    assert world.client("owner").post(reverse("account_settings"), body).status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.daily_goal == 7
    assert not Profile.objects.filter(user=world.users["other"], daily_goal=7).exists()
    owner.refresh_from_db()
    assert not owner.is_staff and not owner.is_superuser and not owner.groups.exists()


def test_signup_makes_an_ordinary_user(world):
    body = {
        **smuggled(world),
        "username": "newcomer",
        "password1": "a long enough passphrase 1",
        "password2": "a long enough passphrase 1",
        "user_permissions": 1,
        "is_active": "1",
    }
    assert world.client("anonymous").post(reverse("signup"), body).status_code == 302
    user = get_user_model().objects.get(username="newcomer")
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists() and not user.user_permissions.exists()


def test_data_import_cannot_take_over_another_users_things(world):
    """An export of someone else's data (their story and session ids) is refused whole."""
    other = world.client("other")
    theirs = json.loads(export_json(world.users["owner"]))
    theirs["settings"]["user"] = world.users["other"].pk
    upload = SimpleUploadedFile("data.json", json.dumps(theirs).encode())
    page = other.post(reverse("account_data_import"), {"file": upload})
    assert page.status_code == 200 and "belong to another account" in page.content.decode()
    world.story.refresh_from_db()
    assert world.story.user == world.users["owner"]
    assert not PracticeSession.objects.filter(user=world.users["other"]).exists()
    assert not Story.objects.filter(user=world.users["other"]).exists()


def test_curators_cannot_set_workflow_fields_through_the_change_form(world):
    draft = world.draft
    url = reverse("admin:questions_question_change", args=[draft.pk])
    body = {
        "key": draft.key,
        "prompt": draft.prompt,
        "category": draft.category,
        "difficulty": draft.difficulty,
        "stage": draft.stage,
        "assesses": draft.assesses,
        "tip": draft.tip,
        "key_points": "\n".join(draft.key_points),
        "follow_ups": "\n".join(draft.follow_ups),
        "save_anyway": "on",
        "status": "published",
        "reviewed_by": world.users["curator"].pk,
        "published_at": "2020-01-01 00:00:00",
        "suggested_by": world.users["other"].pk,
    }
    response = world.client("curator").post(url, body)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.published_at is None
    assert draft.reviewed_by is None and draft.suggested_by is None


def test_restoring_an_old_version_never_restores_its_workflow_fields(world):
    """django-simple-history's revert saves the whole old row: a retired question must not
    come back published through it. Its text does come back; its status stays."""
    from questions.models import Question

    question = world.question  # published, with a history record from then
    old = question.history.filter(status="published").first()
    Question.objects.filter(pk=question.pk).update(
        status="retired", prompt="Edited since?", reviewed_by=None, published_at=None
    )
    question.tags.clear()  # and its tag removed since
    question.refresh_search_text()
    workflow = ("status", "reviewed_by", "reviewed_at", "published_at", "suggested_by")
    before = Question.objects.values(*workflow).get(pk=question.pk)
    url = reverse("admin:questions_question_simple_history", args=[question.pk, old.history_id])
    client = world.client("curator")
    form = client.get(url).context["adminform"].form
    body = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    body.update(key_points="a\nb\nc", follow_ups="d", save_anyway="on")
    for name in ("competencies", "tags", "red_flags"):
        body[name] = [getattr(obj, "pk", obj) for obj in form.initial.get(name) or []]
    body["tags"] = [world.tag.pk]  # links saved with the revert reach the search text too
    response = client.post(url, body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.prompt == old.prompt  # the text is restored
    assert question.search_text == question.build_search_text(["monitoring"])  # its tag, too
    assert Question.objects.values(*workflow).get(pk=question.pk) == before  # the workflow not


def _own_export_as_new(world, **changes) -> SimpleUploadedFile:
    """The owner's export with fresh ids (so it imports as new data), then `changes`."""
    export = json.loads(export_json(world.users["owner"]))
    export["stories"] = []
    session = export["sessions"][0]
    session["uuid"] = "11111111-1111-4111-8111-111111111111"
    for n, attempt in enumerate(session["attempts"]):
        attempt["uuid"] = f"22222222-2222-4222-8222-22222222222{n}"
        attempt["story"] = None
        attempt.update(changes)
        changes = {}  # the first attempt only
    export["review_log"] = []
    return SimpleUploadedFile("data.json", json.dumps(export).encode())


def test_data_import_cannot_reach_unpublished_questions(world):
    """Naming a draft (or someone's suggestion) in an import must not show it to the user."""
    upload = _own_export_as_new(world, question=world.draft.key)
    page = world.client("owner").post(reverse("account_data_import"), {"file": upload})
    assert page.status_code == 200
    assert f"unknown question &#x27;{world.draft.key}&#x27;" in page.content.decode()
    assert not Attempt.objects.filter(question=world.draft).exists()


def test_data_import_refuses_findings_the_pages_cannot_show(world):
    upload = _own_export_as_new(world, coach_findings=["not a finding"])
    page = world.client("owner").post(reverse("account_data_import"), {"file": upload})
    assert page.status_code == 200 and "must be a list of findings" in page.content.decode()
    assert not PracticeSession.objects.filter(uuid="11111111-1111-4111-8111-111111111111")
