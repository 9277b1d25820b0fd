from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from accounts.models import Profile
from interview_prep.http import HtmxHttpRequest
from practice.models import Attempt
from practice.services import due_queue

from .forms import QuestionFilterForm, SuggestionForm
from .models import CATEGORY_BLURBS, Category, Competency, Question, RedFlag, Stage, Tag
from .services import SuggestionLimit, suggestion_submit

PAGE_SIZE = 25
REVIEW_BATCH = 20  # the most a review session holds (practice.forms.ReviewForm)
NON_TOPIC_TAGS = {"seed-sample"}
FILTER_FIELDS = ("q", "category", "difficulty", "stage", "competency", "tag")


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    # One query: published questions counted per category and stage.
    rows = (
        Question.objects.published()
        .values_list("category", "stage")
        .annotate(n=Count("pk"))
        .order_by()
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
    context = {"categories": categories, "stages": stages, "total": by_category.total()}
    if request.user.is_authenticated:
        now = timezone.now()
        profile = Profile.objects.get_or_create(user=request.user)[0]
        context["due_today"] = len(due_queue(request.user, now=now, profile=profile))
        context["review_batch"] = min(context["due_today"], REVIEW_BATCH)
        if profile.interview_date and profile.interview_date >= timezone.localdate(now):
            context["interview_date"] = profile.interview_date
            context["days_to_interview"] = (profile.interview_date - timezone.localdate(now)).days
    return render(request, "questions/home.html", context)


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def question_list(request: HtmxHttpRequest) -> HttpResponse:
    form = QuestionFilterForm(
        request.GET,
        competencies=list(Competency.objects.values_list("slug", "name")),
        tags=list(Tag.objects.published().values_list("slug", flat=True)),
    )
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

    page = Paginator(questions.with_lists(), PAGE_SIZE).get_page(request.GET.get("page"))
    active = {name: value for name, value in filters.items() if value}
    context = {"form": form, "page": page, "active": active, "filter_query": urlencode(active)}
    template_name = "questions/question_list.html"
    if request.htmx.target == "question-results":
        template_name += "#question-results"
    response = render(request, template_name, context)
    if request.htmx.target == "question-results":
        # Push a clean, shareable address (no empty parameters) for back, reload and sharing.
        response = push_url(response, request.path + _page_suffix(context["filter_query"], page))
    return response


def _page_suffix(filter_query: str, page: Page) -> str:
    parts = [filter_query] if filter_query else []
    if page.number > 1:
        parts.append(f"page={page.number}")
    return "?" + "&".join(parts) if parts else ""


@require_GET
def question_detail(request: HtmxHttpRequest, key: str) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.published().prefetch_related(
            "tags",
            "competencies",
            Prefetch("red_flags", queryset=RedFlag.objects.order_by("title")),
        ),
        key=key,
    )
    # Tags every question carries for bookkeeping say nothing about the topic.
    tag_ids = [t.pk for t in question.tags.all() if t.slug not in NON_TOPIC_TAGS]
    competency_ids = [c.pk for c in question.competencies.all()]
    related = list(
        Question.objects.related_to(question, tag_ids=tag_ids, competency_ids=competency_ids)[:6]
    )
    attempts = []
    if request.user.is_authenticated:
        # The user's own attempts only, newest first.
        attempts = list(
            Attempt.objects.for_user(request.user)
            .filter(question=question)
            .select_related("session")
            .order_by("-session__created_at", "-pk")[:5]
        )
    return render(
        request,
        "questions/question_detail.html",
        {"question": question, "related": related, "attempts": attempts},
    )


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
