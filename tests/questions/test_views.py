import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from questions.models import Category, Difficulty, Question, Stage, Status
from tests.factories import (
    AttemptFactory,
    CompetencyFactory,
    PracticeSessionFactory,
    QuestionFactory,
    RedFlagFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("questions:question_list")
HTMX_RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "question-results"}


def make_questions(n: int) -> list:
    comp = CompetencyFactory(slug="ownership", name="Ownership")
    tag = TagFactory(slug="drift")
    flag = RedFlagFactory()
    return [
        QuestionFactory(competencies=[comp], tags=[tag, TagFactory()], red_flags=[flag])
        for _ in range(n)
    ]


# --- home -------------------------------------------------------------------------------


def test_home_shows_published_counts_per_category(client):
    QuestionFactory.create_batch(2, category=Category.BEHAVIORAL)
    QuestionFactory(category=Category.TECHNICAL)
    QuestionFactory(category=Category.TECHNICAL, status=Status.DRAFT)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "3 questions that real" in html
    assert "<strong>2</strong> questions" in html and "<strong>1</strong> question<" in html


def test_home_query_count_is_fixed(client, django_assert_num_queries):
    make_questions(5)
    with django_assert_num_queries(2):  # the bank version, the bank's shape
        client.get(reverse("home"))
    with django_assert_num_queries(1):  # the shape is cached for this bank version
        client.get(reverse("home"))


# --- list -------------------------------------------------------------------------------


def test_list_full_page_has_heading_form_and_results(client):
    make_questions(2)
    html = client.get(LIST).content.decode()
    assert "<h1" in html and 'id="question-filters"' in html and 'id="question-results"' in html
    assert "<strong>2</strong> questions" in html


def test_htmx_search_renders_only_results_and_pushes_clean_url(client):
    QuestionFactory(prompt="How do you detect data drift?")
    QuestionFactory(prompt="Explain dropout.")
    response = client.get(LIST, {"q": "drift", "category": "", "stage": ""}, **HTMX_RESULTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="question-results"')
    assert "<h1" not in html and "question-filters" not in html
    assert "detect data drift" in html and "dropout" not in html
    assert response["HX-Push-Url"] == "/questions/?q=drift"
    assert "HX-Target" in response["Vary"]


def test_boosted_or_history_requests_without_target_get_the_full_page(client):
    QuestionFactory()
    html = client.get(LIST, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "behavioral"}, {"b"}),
        ({"difficulty": "senior"}, {"s"}),
        ({"stage": "monitoring"}, {"m"}),
        ({"competency": "ownership"}, {"b"}),
        ({"tag": "latency"}, {"m"}),
        ({"q": "calibration"}, {"t"}),
        ({"category": "technical", "stage": "monitoring"}, {"m"}),
    ],
)
def test_filters(client, params, expected):
    ownership = CompetencyFactory(slug="ownership")
    latency = TagFactory(slug="latency")
    QuestionFactory(key="b", category=Category.BEHAVIORAL, stage="", competencies=[ownership])
    QuestionFactory(key="s", difficulty=Difficulty.SENIOR, stage=Stage.TRAINING)
    QuestionFactory(key="m", stage=Stage.MONITORING, tags=[latency])
    QuestionFactory(key="t", prompt="What is calibration?", stage=Stage.TRAINING)
    response = client.get(LIST, params, **HTMX_RESULTS)
    keys = {q.key for q in response.context["page"].object_list}
    assert keys == expected


def test_unknown_filter_value_is_reported_and_ignored(client):
    make_questions(3)
    response = client.get(LIST, {"category": "astrology", "q": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in html
    assert response.context["page"].paginator.count == 3


def test_pagination_25_per_page_keeps_filters(client):
    make_questions(30)
    first = client.get(LIST, {"tag": "drift"})
    assert len(first.context["page"].object_list) == 25
    assert "tag=drift&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"tag": "drift", "page": 2}, **HTMX_RESULTS)
    assert len(second.context["page"].object_list) == 5
    assert second["HX-Push-Url"] == "/questions/?tag=drift&page=2"
    # A page past the end shows the last page rather than an error.
    assert client.get(LIST, {"page": 99}).context["page"].number == 2


def test_search_pages_are_the_orms_pages(client):
    """A search reads the matching ids once and fetches only its page: the same pages, in the
    same order, as paginating the query itself."""
    for i in range(30):
        QuestionFactory(
            key=f"s{i:02d}",
            prompt=f"Prompt {i}" + (" about drift" if i % 3 == 0 else ""),
            tip="Watch for drift.",
            category=["technical", "situational", "behavioral"][i % 3],
        )
    QuestionFactory(key="s-draft", prompt="drift", status=Status.DRAFT)
    expected = Paginator(Question.objects.published().matching("drift"), 25)
    for number in (1, 2, 99):
        page = client.get(LIST, {"q": "drift", "page": number}).context["page"]
        want = expected.get_page(number)
        assert page.number == want.number and page.paginator.count == 30
        assert [q.key for q in page.object_list] == [q.key for q in want.object_list]
    # Prompt matches first: every third question mentions drift in its prompt.
    first = client.get(LIST, {"q": "drift"}).context["page"].object_list
    assert all("drift" in q.prompt for q in first[:10]) and "drift" not in first[10].prompt


def test_a_question_deleted_mid_search_is_left_out(monkeypatch):
    """Between reading the matching ids and fetching the page, a curator deletes one."""
    from questions.models import QuestionQuerySet
    from questions.views import _search_page

    doomed, kept = QuestionFactory(prompt="drift one"), QuestionFactory(prompt="drift two")
    in_bulk = QuestionQuerySet.in_bulk

    def delete_first(self, *args, **kwargs):
        Question.objects.filter(pk=doomed.pk).delete()
        return in_bulk(self, *args, **kwargs)

    monkeypatch.setattr(QuestionQuerySet, "in_bulk", delete_first)
    page = _search_page(Question.objects.published().matching("drift"), "1")
    assert [q.pk for q in page.object_list] == [kept.pk]


def test_no_results_says_so(client):
    response = client.get(LIST, {"q": "nothing-matches-this"})
    assert "No questions match" in response.content.decode()


def test_unpublished_questions_are_not_listed(client):
    QuestionFactory(key="draft-one", status=Status.DRAFT)
    assert client.get(LIST).context["page"].paginator.count == 0


@pytest.mark.parametrize("n", [1, 60])
def test_list_query_count_is_fixed(client, django_assert_num_queries, n):
    make_questions(n)
    query = {"tag": "drift", "competency": "ownership", "q": "question"}
    # 1 bank version, 2 competency choices, 3 tag choices, 4 the matching ids (a search) or
    # their count, 5 page rows, 6 tags, 7 competencies
    with django_assert_num_queries(7):
        client.get(LIST, query)
    with django_assert_num_queries(1):  # the same filters again: the bank version only
        client.get(LIST, query)


@pytest.mark.parametrize("n", [1, 60])
def test_htmx_list_query_count_is_fixed(client, django_assert_num_queries, n):
    make_questions(n)
    with django_assert_num_queries(7):
        client.get(LIST, {"q": "question"}, **HTMX_RESULTS)
    with django_assert_num_queries(1):
        client.get(LIST, {"q": "question"}, **HTMX_RESULTS)


def test_list_rejects_post(client):
    assert client.post(LIST).status_code == 405


# --- detail -----------------------------------------------------------------------------


def test_detail_shows_everything_a_candidate_needs(client):
    flag = RedFlagFactory(title="Rambles without structure", how_to_avoid="Lead with the answer.")
    comp = CompetencyFactory(slug="ownership", name="Ownership")
    question = QuestionFactory(
        prompt="Tell me about a time you owned an outage.",
        category=Category.BEHAVIORAL,
        stage="",
        assesses="Whether you take responsibility.",
        tip="Pick a real incident.",
        key_points=["Own it", "Fix it", "Prevent it"],
        follow_ups=["What would you do differently?"],
        competencies=[comp],
        red_flags=[flag],
    )
    related = QuestionFactory(category=Category.BEHAVIORAL, stage="", competencies=[comp])
    response = client.get(question.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Tell me about a time you owned an outage.",
        "Whether you take responsibility.",
        "Pick a real incident.",
        "Show key points",
        "Prevent it",
        "What would you do differently?",
        "Rambles without structure",
        "Lead with the answer.",
        related.prompt,
    ):
        assert text in html
    assert '<details class="disclosure" id="key-points">' in html  # closed until asked


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.RETIRED])
def test_detail_404_for_unpublished(client, status):
    question = QuestionFactory(status=status)
    assert client.get(question.get_absolute_url()).status_code == 404


def test_detail_404_for_unknown_key_uses_our_page(client):
    response = client.get("/questions/no-such-question/")
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


@pytest.mark.parametrize("n", [1, 60])
def test_detail_query_count_is_fixed(client, django_assert_num_queries, n):
    questions = make_questions(n)
    # bank version, question, tags, competencies, red flags; related questions: shared-tag
    # counts, the candidates sharing several tags (none here), then (only while fewer than 6
    # are found) those sharing one, the same stage and the same competency, and the winners
    # fetched whole (none when nothing is related): at most 11 whatever the bank's size
    with django_assert_num_queries({1: 8, 60: 8}[n]):
        client.get(questions[0].get_absolute_url())
    with django_assert_num_queries(1):  # the question and its side panel are cached
        client.get(questions[0].get_absolute_url())


@pytest.mark.parametrize("n", [1, 30])
def test_signed_in_detail_query_count_is_fixed(auth_client, user, django_assert_num_queries, n):
    question = QuestionFactory()
    for _ in range(n):
        AttemptFactory(session=PracticeSessionFactory(user=user), question=question, position=1)
    auth_client.get(question.get_absolute_url())
    # session, user, bank version, the user's last attempts at the question
    with django_assert_num_queries(4):
        response = auth_client.get(question.get_absolute_url())
    assert len(response.context["attempts"]) == min(n, 5)


def test_a_change_to_the_bank_is_seen_at_once(client):
    """Cached renderings are keyed by the bank version; every kind of change bumps it."""
    question = QuestionFactory(prompt="Original wording of the prompt?")
    other = QuestionFactory()
    flag = RedFlagFactory(title="First flag title")
    client.get(LIST)
    client.get(question.get_absolute_url())

    question.prompt = "Reworded prompt?"
    question.save()
    assert "Reworded prompt?" in client.get(LIST).content.decode()

    question.red_flags.add(flag)  # a many-to-many change
    assert "First flag title" in client.get(question.get_absolute_url()).content.decode()
    flag.title = "Renamed flag"
    flag.save()  # a related object
    assert "Renamed flag" in client.get(question.get_absolute_url()).content.decode()

    other.status = Status.RETIRED
    other.save()
    assert other.prompt not in client.get(LIST).content.decode()
    question.tags.add(TagFactory(slug="brand-new-tag"))
    assert "brand-new-tag" in client.get(LIST).content.decode()  # the tag filter's choices


# --- red flags --------------------------------------------------------------------------


def test_red_flag_catalog_lists_flags_with_their_published_questions(client):
    flag = RedFlagFactory(title="Blames others", slug="blaming-others")
    shown = QuestionFactory(red_flags=[flag])
    hidden = QuestionFactory(red_flags=[flag], status=Status.DRAFT)
    html = client.get(reverse("questions:red_flag_list")).content.decode()
    assert "Blames others" in html and 'id="blaming-others"' in html
    assert shown.prompt in html and hidden.prompt not in html
    assert "1 question where it is a risk" in html


@pytest.mark.parametrize("n", [1, 60])
def test_red_flag_query_count_is_fixed(client, django_assert_num_queries, n):
    make_questions(n)
    with django_assert_num_queries(2):  # 1 red flags, 2 their published questions
        client.get(reverse("questions:red_flag_list"))
