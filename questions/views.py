from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from accounts.models import Profile
from interview_prep.http import HtmxHttpRequest
from interview_prep.prepared import PreparedQuery
from practice.models import Attempt
from practice.progress import PROGRESS_CACHE_SECONDS, progress_key
from practice.services import due_queue

from .forms import QuestionFilterForm, SuggestionForm
from .models import (
    BANK_CACHE_SECONDS,
    CATEGORY_BLURBS,
    Category,
    Competency,
    Question,
    QuestionQuerySet,
    RedFlag,
    Stage,
    Tag,
    bank_version,
)
from .services import SuggestionLimit, suggestion_submit

PAGE_SIZE = 25
REVIEW_BATCH = 20  # the most a review session holds (practice.forms.ReviewForm)
NON_TOPIC_TAGS = {"seed-sample"}
FILTER_FIELDS = ("q", "category", "difficulty", "stage", "competency", "tag")


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    # Published questions counted per category and stage: one query per bank version.
    version = bank_version()
    rows = cache.get_or_set(
        f"bank:{version}:shape",
        lambda: list(
            Question.objects.published()
            .values_list("category", "stage")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        BANK_CACHE_SECONDS,
    )
    by_category: Counter[str] = Counter()
    by_stage: Counter[str] = Counter()
    for category, stage, n in rows:
        by_category[category] += n
        by_stage[stage] += n
    categories = [
        {"value": c.value, "label": c.label, "blurb": CATEGORY_BLURBS[c], "count": by_category[c]}
        for c in Category
    ]
    stages = [{"value": s.value, "label": s.label, "count": by_stage[s]} for s in Stage]
    context = {
        "categories": categories,
        "stages": stages,
        "total": by_category.total(),
        "bank_version": version,
        "cache_seconds": BANK_CACHE_SECONDS,
    }
    if request.user.is_authenticated:
        now = timezone.now()
        profile = Profile.objects.of(request.user)
        # Reused while nothing it depends on changes (practice.progress.progress_key).
        context["due_today"] = cache.get_or_set(
            progress_key(request.user, profile, now, version=version) + ":due",
            lambda: len(due_queue(request.user, now=now, profile=profile)),
            PROGRESS_CACHE_SECONDS,
        )
        context["review_batch"] = min(context["due_today"], REVIEW_BATCH)
        if profile.interview_date and profile.interview_date >= timezone.localdate(now):
            context["interview_date"] = profile.interview_date
            context["days_to_interview"] = (profile.interview_date - timezone.localdate(now)).days
    return render(request, "questions/home.html", context)


def _filter_choices(version: int) -> tuple[list, list]:
    """The competency and tag choices of the filter form, cached per bank version."""

    def build() -> tuple[list, list]:
        return (
            list(Competency.objects.values_list("slug", "name")),
            list(Tag.objects.published().values_list("slug", flat=True)),
        )

    return cache.get_or_set(f"bank:{version}:filter-choices", build, BANK_CACHE_SECONDS)


def _page_number(raw: str | None) -> int:
    """The page asked for, as the pushed URL shows it (the paginator clamps it)."""
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def question_list(request: HtmxHttpRequest) -> HttpResponse:
    version = bank_version()
    competencies, tags = _filter_choices(version)
    form = QuestionFilterForm(request.GET, competencies=competencies, tags=tags)
    form.is_valid()  # invalid fields are reported and ignored; valid ones still filter
    filters = {name: form.cleaned_data.get(name) for name in FILTER_FIELDS}
    questions = Question.objects.published()
    if filters["q"]:
        questions = questions.matching(filters["q"])
    for name in ("category", "difficulty", "stage"):
        if filters[name]:
            questions = questions.filter(**{name: filters[name]})
    if filters["competency"]:
        questions = questions.for_competency(filters["competency"])
    if filters["tag"]:
        questions = questions.for_tag(filters["tag"])

    raw_page = request.GET.get("page")
    # Lazy: the results are rendered inside a fragment cached per bank version and filters,
    # so on a cache hit no query for them runs at all.
    if filters["q"]:
        page = SimpleLazyObject(lambda: _search_page(questions, raw_page))
    else:
        page = SimpleLazyObject(
            lambda: Paginator(questions.with_lists(), PAGE_SIZE).get_page(raw_page)
        )
    active = {name: value for name, value in filters.items() if value}
    filter_query = urlencode(active)
    context = {
        "form": form,
        "page": page,
        "active": active,
        "filter_query": filter_query,
        "bank_version": version,
        "results_key": f"{filter_query}&page={raw_page or ''}",
        "form_key": request.GET.urlencode(),
        "cache_seconds": BANK_CACHE_SECONDS,
    }
    template_name = "questions/question_list.html"
    if request.htmx.target == "question-results":
        template_name += "#question-results"
    response = render(request, template_name, context)
    if request.htmx.target == "question-results":
        # Push a clean, shareable address (no empty parameters) for back, reload and sharing.
        response = push_url(response, request.path + _page_suffix(filter_query, raw_page))
    return response


def _search_page(questions: QuestionQuerySet, raw_page: str | None) -> Page:
    """A page of a text search, which reads every question's text once, not twice.

    Counting the matches (for the paginator) and then fetching a page each scanned the text of
    every published question (`LIKE '%word%'`: ~14 ms and ~22 ms of a first search on the
    10,000-question bench bank). Here one query returns the matching ids in order, counted
    in Python, and only the page's rows are fetched whole, by id.
    """
    page = Paginator(list(questions.values_list("pk", flat=True)), PAGE_SIZE).get_page(raw_page)
    found = Question.objects.with_lists().in_bulk(page.object_list)
    # A question deleted between the two reads is simply left out.
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def _page_suffix(filter_query: str, raw_page: str | None) -> str:
    parts = [filter_query] if filter_query else []
    if (number := _page_number(raw_page)) > 1:
        parts.append(f"page={number}")
    return "?" + "&".join(parts) if parts else ""


# A signed-in user's last attempts at a question, read on each of their visits to it: compiled
# once per process (interview_prep/prepared.py), as building it cost ~1 ms of a ~4 ms page.
_LAST_ATTEMPTS = PreparedQuery(
    lambda user_id, question_id: (
        Attempt.objects.for_user(user_id)
        .filter(question_id=question_id)
        .select_related("session")
        .order_by("-session__created_at", "-pk")[:5]
    ),
    "user_id",
    "question_id",
)


@require_GET
def question_detail(request: HtmxHttpRequest, key: str) -> HttpResponse:
    version = bank_version()
    # The question itself is bank content too: cached per bank version once found (unknown
    # keys are not cached, so junk URLs cannot fill the cache).
    cache_key = f"bank:{version}:question:{key}"
    question = cache.get(cache_key)
    if question is None:
        question = get_object_or_404(Question.objects.published(), key=key)
        cache.set(cache_key, question, BANK_CACHE_SECONDS)

    def side() -> dict:
        flags = list(question.red_flags.order_by("title"))
        tags = list(question.tags.all())
        competencies = list(question.competencies.all())
        # Tags every question carries for bookkeeping say nothing about the topic.
        tag_ids = [t.pk for t in tags if t.slug not in NON_TOPIC_TAGS]
        related = Question.objects.related_to(
            question, tag_ids=tag_ids, competency_ids=[c.pk for c in competencies]
        )
        return {
            "flags": flags,
            "tags": tags,
            "competencies": competencies,
            "related": related,
        }

    attempts = []
    if request.user.is_authenticated:
        # The user's own attempts only, newest first.
        attempts = _LAST_ATTEMPTS.fetch(user_id=request.user.pk, question_id=question.pk)
        for attempt in attempts:  # all of this question: no query per card for it
            attempt.question = question
    context = {
        "question": question,
        # Lazy: the side panel (red flags, competencies, tags, related questions) is rendered
        # inside a fragment cached per bank version, so a cache hit queries none of it.
        "side": SimpleLazyObject(side),
        "attempts": attempts,
        "bank_version": version,
        "cache_seconds": BANK_CACHE_SECONDS,
    }
    return render(request, "questions/question_detail.html", context)


@require_GET
def red_flag_list(request: HtmxHttpRequest) -> HttpResponse:
    flags = RedFlag.objects.prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.published().order_by("category", "key"),
            to_attr="published_questions",
        )
    )
    return render(request, "questions/redflag_list.html", {"flags": flags})


@require_http_methods(["GET", "POST"])
@login_required
def suggest(request: HtmxHttpRequest) -> HttpResponse:
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion_submit(
                user=request.user,
                prompt=form.cleaned_data["prompt"],
                category=form.cleaned_data["category"],
                why=form.cleaned_data["why"],
            )
        except SuggestionLimit as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you: your question is with the curators for review.")
            return redirect("questions:suggest")
    mine = Question.objects.filter(suggested_by=request.user).order_by("-created_at")[:50]
    return render(request, "questions/suggestion_form.html", {"form": form, "mine": mine})
