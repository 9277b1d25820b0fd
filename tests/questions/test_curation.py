"""Curation: workflow, permissions, usage figures, history, near-duplicates, suggestions."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questions.models import Question, Status, TransitionError
from questions.services import SUGGESTIONS_PER_DAY
from tests.factories import (
    AttemptFactory,
    PracticeSessionFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:questions_question_changelist")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def move_url(question, status):
    return reverse("admin:questions_question_move", args=[question.pk, status])


# --- workflow ---------------------------------------------------------------------------


def test_full_workflow_records_reviewer_and_publication(curator):
    question = QuestionFactory(status=Status.DRAFT)
    question.move_to(Status.IN_REVIEW, by=curator)
    assert question.status == "in_review" and question.published_at is None
    question.move_to(Status.PUBLISHED, by=curator)
    question.refresh_from_db()
    assert question.status == "published"
    assert question.reviewed_by == curator and question.reviewed_at and question.published_at
    question.move_to(Status.RETIRED)
    question.move_to(Status.DRAFT)
    assert question.status == "draft"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "published"),
        ("draft", "retired"),
        ("retired", "published"),
        ("in_review", "retired"),
    ],
)
def test_skipping_steps_is_refused(start, target):
    question = QuestionFactory(status=start)
    with pytest.raises(TransitionError, match="can't go from"):
        question.move_to(target)
    question.refresh_from_db()
    assert question.status == start


def test_incomplete_questions_cannot_be_published():
    question = QuestionFactory(status=Status.IN_REVIEW, assesses="", key_points=["one"])
    with pytest.raises(TransitionError, match="add what it assesses, at least 3 key points"):
        question.move_to(Status.PUBLISHED)


def test_workflow_buttons_post_only_and_report(curator_client):
    question = QuestionFactory(status=Status.DRAFT)
    assert curator_client.get(move_url(question, "in_review")).status_code == 405
    response = curator_client.post(move_url(question, "in_review"), follow=True)
    assert "is now in review" in response.content.decode()
    response = curator_client.post(move_url(question, "retired"), follow=True)
    assert "can&#x27;t go from In review to Retired" in response.content.decode()
    question.refresh_from_db()
    assert question.status == "in_review"


def test_change_form_shows_the_next_steps(curator_client):
    question = QuestionFactory(status=Status.IN_REVIEW)
    html = curator_client.get(
        reverse("admin:questions_question_change", args=[question.pk])
    ).content.decode()
    assert "Publish" in html and "Back to draft" in html and move_url(question, "published") in html


def test_admin_actions_move_many_and_report_refusals(curator_client):
    ready = QuestionFactory(status=Status.IN_REVIEW)
    incomplete = QuestionFactory(status=Status.IN_REVIEW, tip="")
    response = curator_client.post(
        CHANGELIST,
        {"action": "move_to_published", "_selected_action": [ready.pk, incomplete.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Publish: 1 question(s)." in html and "add a tip before publishing" in html
    ready.refresh_from_db()
    incomplete.refresh_from_db()
    assert (ready.status, incomplete.status) == ("published", "in_review")


def test_retired_question_leaves_browsing_but_not_history(client, user):
    question = QuestionFactory(status=Status.PUBLISHED)
    AttemptFactory(session=PracticeSessionFactory(user=user), question=question, answer="Mine")
    question.move_to(Status.RETIRED)
    assert client.get(question.get_absolute_url()).status_code == 404
    client.force_login(user)
    page = client.get(reverse("practice:question_history", args=[question.key]))
    assert page.status_code == 200 and "Mine" in page.content.decode()


# --- permissions ------------------------------------------------------------------------


def test_curators_group_has_exactly_curation_permissions(curators_group):
    codenames = set(curators_group.permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_question",
        "add_question",
        "change_question",
        "view_historicalquestion",
        "view_tag",
        "add_tag",
        "change_tag",
        "view_redflag",
        "add_redflag",
        "change_redflag",
        "view_competency",
    }


def test_curator_can_curate_and_nothing_else(curator_client):
    question = QuestionFactory()
    for url in (
        CHANGELIST,
        reverse("admin:questions_question_add"),
        reverse("admin:questions_question_change", args=[question.pk]),
        reverse("admin:questions_question_history", args=[question.pk]),
        reverse("admin:questions_question_import"),
        reverse("admin:questions_question_export"),
        reverse("admin:questions_redflag_changelist"),
    ):
        assert curator_client.get(url).status_code == 200, url
    assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert curator_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    delete = reverse("admin:questions_question_delete", args=[question.pk])
    assert curator_client.get(delete).status_code == 403


def test_staff_without_the_group_cannot_curate(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    question = QuestionFactory(status=Status.DRAFT)
    assert client.post(move_url(question, "in_review")).status_code == 403
    assert client.get(reverse("admin:questions_question_import")).status_code == 403


def test_ordinary_users_and_anonymous_are_kept_out_of_the_admin(client, user):
    question = QuestionFactory(status=Status.DRAFT)
    for who in (None, user):
        if who:
            client.force_login(who)
        for url in (
            CHANGELIST,
            move_url(question, "in_review"),
            reverse("admin:questions_question_import"),
        ):
            response = client.post(url) if "move" in url else client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
    question.refresh_from_db()
    assert question.status == "draft"


# --- usage figures ----------------------------------------------------------------------


def make_usage(n_questions: int):
    questions = QuestionFactory.create_batch(n_questions)
    for q in questions:
        session = PracticeSessionFactory()
        for position, (rating, seconds) in enumerate([("again", 60), ("good", 120), ("", None)], 1):
            AttemptFactory(
                session=session,
                question=q if position == 1 else QuestionFactory(),
                position=position,
                rating=rating,
                elapsed_seconds=seconds,
                rated_at=timezone.now() if rating else None,
            )
    return questions


def test_usage_figures_are_right(curator_client):
    question = QuestionFactory(key="aaa-used")
    for rating, seconds in [("again", 60), ("again", 120), ("good", 180), ("skipped", None)]:
        AttemptFactory(
            session=PracticeSessionFactory(),
            question=question,
            position=1,
            rating=rating,
            elapsed_seconds=seconds,
            rated_at=timezone.now(),
        )
    QuestionFactory(key="zzz-unused")
    response = curator_client.get(CHANGELIST)
    rows = {q.key: q for q in response.context["cl"].result_list}
    used = rows["aaa-used"]
    assert used.times_practised == 4 and round(used.again_share) == 67  # 2 of 3 rated
    assert used.average_seconds == 120
    assert rows["zzz-unused"].times_practised == 0 and rows["zzz-unused"].again_share is None
    confusing = curator_client.get(CHANGELIST, {"usage": "confusing"})
    assert [q.key for q in confusing.context["cl"].result_list] == ["aaa-used"]
    never = curator_client.get(CHANGELIST, {"usage": "never"})
    assert "aaa-used" not in {q.key for q in never.context["cl"].result_list}
    by_again = curator_client.get(CHANGELIST, {"o": "-7"})  # sort by the "rated Again" column
    assert by_again.status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_changelist_query_count_is_fixed(curator_client, django_assert_num_queries, n):
    make_usage(n)
    # session, user, user perms, group perms, the competency and red-flag filter choices,
    # 2 counts (filtered + total), and the rows with their usage figures in one query.
    with django_assert_num_queries(9):
        curator_client.get(CHANGELIST)


# --- history ----------------------------------------------------------------------------


def test_edits_are_recorded_with_diffs_and_can_be_reverted(curator_client):
    question = QuestionFactory(prompt="What is calibration, and why does it matter for ranking?")
    change = reverse("admin:questions_question_change", args=[question.pk])
    form = curator_client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        prompt="What is calibration in a classifier, and how do you measure it?",
        key_points="a\nb\nc",
        follow_ups="d",
        competencies=[],
        tags=[],
        red_flags=[],
    )
    response = curator_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    history = curator_client.get(reverse("admin:questions_question_history", args=[question.pk]))
    html = history.content.decode()
    assert "how do you measure it" in html or "Prompt" in html
    first = question.history.earliest()
    revert_url = reverse(
        "admin:questions_question_simple_history", args=[question.pk, first.history_id]
    )
    revert_form = curator_client.get(revert_url)
    assert revert_form.status_code == 200 and "Revert" in revert_form.content.decode()
    question.refresh_from_db()
    assert question.prompt.startswith("What is calibration in a classifier")
    old = revert_form.context["adminform"].form
    revert_data = {k: v for k, v in old.initial.items() if v is not None and k in old.fields}
    revert_data.update(key_points="a\nb\nc", follow_ups="d", save_anyway="on")
    for name in ("competencies", "tags", "red_flags"):
        revert_data[name] = [getattr(obj, "pk", obj) for obj in old.initial.get(name) or []]
    reverted = curator_client.post(revert_url, revert_data)
    assert reverted.status_code == 302, reverted.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.prompt == "What is calibration, and why does it matter for ranking?"
    assert question.history.count() >= 3
    assert question.key_points == ["a", "b", "c"]


def test_the_change_form_keeps_to_the_bank_formats_limits(curator_client):
    """What the admin saves must export and import again (services.MAX_LIST_ITEMS and
    MAX_ITEM_TEXT): too many lines, or a line too long, is refused with the limit named."""
    from questions.services import MAX_ITEM_TEXT, MAX_LIST_ITEMS

    question = QuestionFactory()
    change = reverse("admin:questions_question_change", args=[question.pk])
    form = curator_client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(competencies=[], tags=[], red_flags=[], follow_ups="d", save_anyway="on")
    for key_points, message in (
        ("\n".join(f"Point {i}" for i in range(MAX_LIST_ITEMS + 1)), "the limit is 30"),
        ("a\nb\n" + "c" * (MAX_ITEM_TEXT + 1), "longer than 1,000 characters"),
    ):
        response = curator_client.post(change, {**data, "key_points": key_points})
        assert response.status_code == 200
        assert message in str(response.context["adminform"].form.errors["key_points"])


# --- near-duplicates --------------------------------------------------------------------


def add_form(**overrides):
    data = {
        "key": "new-bias-question",
        "prompt": "",
        "category": "technical",
        "difficulty": "mid",
        "stage": "",
        "assesses": "",
        "tip": "",
        "key_points": "",
        "follow_ups": "",
        "suggestion_note": "",
    }
    return {**data, **overrides}


def test_near_duplicate_prompt_is_flagged_and_can_be_saved_anyway(curator_client):
    QuestionFactory(
        key="bias-variance",
        prompt="Explain the bias-variance trade-off. How does it show up in the models you train?",
    )
    add = reverse("admin:questions_question_add")
    twin = "What is the bias-variance tradeoff, and how does it show up in models you train?"
    response = curator_client.post(add, add_form(prompt=twin))
    assert response.status_code == 200
    html = response.content.decode()
    assert "closely matches 1 existing question" in html and "bias-variance" in html
    assert not Question.objects.filter(key="new-bias-question").exists()
    saved = curator_client.post(add, add_form(prompt=twin, save_anyway="on"))
    assert saved.status_code == 302
    assert Question.objects.get(key="new-bias-question").status == "draft"


def test_distinct_prompt_saves_without_warning(curator_client):
    QuestionFactory(prompt="Explain the bias-variance trade-off.")
    response = curator_client.post(
        reverse("admin:questions_question_add"),
        add_form(prompt="How would you shard a feature store across regions?"),
    )
    assert response.status_code == 302


def test_find_near_duplicates_lists_pairs():
    QuestionFactory(key="a", prompt="How do you handle tight deadlines?")
    QuestionFactory(key="b", prompt="Tell me how you handle a tight deadline.")
    QuestionFactory(key="c", prompt="Explain how gradient boosting builds its trees.")
    out = StringIO()
    call_command("find_near_duplicates", stdout=out)
    assert "a  ~  b" in out.getvalue() and "1 near-duplicate pair" in out.getvalue()


# --- suggestions ------------------------------------------------------------------------


SUGGEST = reverse("questions:suggest")


def test_suggestion_needs_an_account(client):
    assert client.get(SUGGEST)["Location"] == f"/accounts/login/?next={SUGGEST}"
    assert client.post(SUGGEST, {"prompt": "x" * 20, "category": "technical"}).status_code == 302
    assert not Question.objects.exists()


def test_suggestion_arrives_as_a_draft_with_its_author(auth_client, user, curator):
    response = auth_client.post(
        SUGGEST,
        {
            "prompt": "How would you explain embeddings to a product manager?",
            "category": "technical",
            "why": "Asked at my last onsite.",
        },
    )
    assert response["Location"] == SUGGEST
    question = Question.objects.get()
    assert (question.status, question.suggested_by, question.suggestion_note) == (
        "draft",
        user,
        "Asked at my last onsite.",
    )
    page = auth_client.get(SUGGEST).content.decode()
    assert "How would you explain embeddings" in page and "Waiting for review" in page
    curator_client = Client()
    curator_client.force_login(curator)
    queue = curator_client.get(CHANGELIST, {"origin": "suggested"})
    assert [q.pk for q in queue.context["cl"].result_list] == [question.pk]
    # Not visible to candidates until published.
    assert auth_client.get(question.get_absolute_url()).status_code == 404


def test_suggestions_are_limited_per_day(auth_client):
    for n in range(SUGGESTIONS_PER_DAY):
        auth_client.post(
            SUGGEST, {"prompt": f"A useful interview question number {n}?", "category": "technical"}
        )
    response = auth_client.post(
        SUGGEST, {"prompt": "One question too many for today?", "category": "technical"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "daily limit" in html
    assert "One question too many for today?" in html  # the text is kept
    assert Question.objects.count() == SUGGESTIONS_PER_DAY


def test_suggestion_form_validates(auth_client):
    response = auth_client.post(SUGGEST, {"prompt": "Why?", "category": "astrology"})
    html = response.content.decode()
    assert "at least 15 characters" in html and "Select a valid choice" in html


def test_users_see_only_their_own_suggestions(auth_client, other_user):
    QuestionFactory(suggested_by=other_user, status=Status.DRAFT, prompt="Someone else's idea")
    assert "Someone else" not in auth_client.get(SUGGEST).content.decode()


def test_suggest_rejects_other_methods(auth_client):
    assert auth_client.put(SUGGEST).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_suggestions_sent_at_once_cannot_pass_the_daily_limit(monkeypatch):
    """Six suggestions sent in the same instant, with three already sent today: two get in.
    Counting and filing are held apart (a pause between them) so that, without the lock on
    the user's row, every request would count three and file its own."""
    import threading
    import time

    from django.db import connection

    from questions import services
    from tests.factories import UserFactory

    user = UserFactory()
    for n in range(SUGGESTIONS_PER_DAY - 2):
        services.suggestion_submit(user=user, prompt=f"Earlier {n}?", category="technical", why="")
    slugify = services.slugify

    def slow_slugify(text):
        time.sleep(0.2)
        return slugify(text)

    monkeypatch.setattr(services, "slugify", slow_slugify)
    barrier = threading.Barrier(6, timeout=30)
    outcomes: list[str] = []

    def send(n: int) -> None:
        try:
            barrier.wait()
            services.suggestion_submit(
                user=user, prompt=f"At once {n}?", category="technical", why=""
            )
            outcomes.append("filed")
        except services.SuggestionLimit:
            outcomes.append("refused")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["filed"] * 2 + ["refused"] * 4
    assert Question.objects.filter(suggested_by=user).count() == SUGGESTIONS_PER_DAY
