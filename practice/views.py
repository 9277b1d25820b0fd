from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation, reswap, retarget

from interview_prep.http import HtmxHttpRequest
from interview_prep.prepared import PreparedQuery
from interview_prep.reversing import reverse_ints
from questions.models import Competency, Question, RedFlag, Tag

from . import services
from .coach import analyze
from .forms import (
    RATING_BUTTONS,
    AnswerForm,
    ChecklistForm,
    DrillForm,
    MockForm,
    RateForm,
    ReviewForm,
    StoryForm,
)
from .models import (
    TIME_BUDGETS,
    WORDS_PER_MINUTE,
    Attempt,
    Mode,
    PracticeSession,
    Rating,
    Story,
    count_words,
    mmss,
    star_hint,
)
from .progress import PROGRESS_CACHE_SECONDS, cached_dashboard

START_FORMS = {Mode.DRILL: DrillForm, Mode.MOCK: MockForm, Mode.REVIEW: ReviewForm}


def _drill_choices() -> dict:
    return {
        "competencies": list(Competency.objects.values_list("slug", "name")),
        "tags": list(Tag.objects.published().values_list("slug", flat=True)),
    }


@require_GET
@login_required
def start(request: HtmxHttpRequest) -> HttpResponse:
    return _render_start(request, {})


def _render_start(request: HtmxHttpRequest, bound: dict, status: int = 200) -> HttpResponse:
    forms = {
        Mode.DRILL: bound.get(Mode.DRILL) or DrillForm(**_drill_choices()),
        Mode.MOCK: bound.get(Mode.MOCK) or MockForm(),
        Mode.REVIEW: bound.get(Mode.REVIEW) or ReviewForm(),
    }
    unfinished = (
        PracticeSession.objects.for_user(request.user).filter(finished_at__isnull=True).first()
    )
    context = {
        "drill_form": forms[Mode.DRILL],
        "mock_form": forms[Mode.MOCK],
        "review_form": forms[Mode.REVIEW],
        "unfinished": unfinished,
        "budgets": {k.label: v // 60 for k, v in TIME_BUDGETS.items()},
    }
    return render(request, "practice/start.html", context, status=status)


@require_POST
@login_required
def session_create(request: HtmxHttpRequest) -> HttpResponse:
    mode = (
        request.POST.get("drill-mode")
        or request.POST.get("mock-mode")
        or request.POST.get("review-mode")
    )
    if mode not in START_FORMS:
        return _render_start(request, {}, status=400)
    form_class = START_FORMS[mode]
    form = (
        form_class(request.POST, **_drill_choices())
        if mode == Mode.DRILL
        else form_class(request.POST)
    )
    if form.is_valid():
        data = form.cleaned_data
        if mode == Mode.MOCK:
            filters = {"difficulty": data["difficulty"]}
            counts = {c: data[c] for c in ("behavioral", "technical", "situational")}
        elif mode == Mode.DRILL:
            filters = {
                k: data[k] for k in ("category", "stage", "competency", "tag", "difficulty", "keys")
            }
            counts = {"total": len(data["keys"]) if data["keys"] else data["count"]}
        else:
            filters, counts = {}, {"total": data["count"]}
        try:
            result = services.session_start(
                user=request.user, mode=mode, filters=filters, counts=counts
            )
        except services.NotEnoughQuestions as exc:
            form.add_error(None, str(exc))
        else:
            if result.shortfall:
                messages.warning(request, result.shortfall)
            return redirect(result.session)
    return _render_start(request, {mode: form})


def _user_session(request: HtmxHttpRequest, session_id: int) -> PracticeSession:
    return get_object_or_404(PracticeSession.objects.for_user(request.user), pk=session_id)


@require_GET
@login_required
def session_detail(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    """Resume where the user left off: the first unrated question, or the summary."""
    session = _user_session(request, session_id)
    current = session.attempts.filter(rating="").order_by("position").first()
    if current is None:
        return redirect(session.get_summary_url())
    return redirect(current)


# The attempt pages' reads, compiled once per process (interview_prep/prepared.py): the
# practice page, its autosave and its buttons read an attempt on every request, and the ORM
# spent ~1.3 ms building the SQL of a 0.06 ms query.
_ATTEMPT_READS = {
    related: PreparedQuery(
        lambda user_id, session_id, position, related=related: (
            Attempt.objects.for_user(user_id)
            .select_related(*related)
            .filter(session_id=session_id, position=position)
            .order_by()
        ),
        "user_id",
        "session_id",
        "position",
    )
    for related in (("session", "question"), ("question",))
}
# The session's questions for the progress dots, in order.
_SESSION_DOTS = PreparedQuery(
    lambda session_id: (
        Attempt.objects.filter(session_id=session_id)
        .order_by("position")
        .values_list("position", "rating")
    ),
    "session_id",
)


def _get_attempt(
    request: HtmxHttpRequest, session_id: int, position: int, *, with_session: bool = True
) -> Attempt:
    related = ("session", "question") if with_session else ("question",)
    found = _ATTEMPT_READS[related].fetch(
        user_id=request.user.pk, session_id=session_id, position=position
    )
    if not found:
        raise Http404("No such question in your sessions.")
    return found[0]


def _attempt_context(request: HtmxHttpRequest, attempt: Attempt, **extra) -> dict:
    question = attempt.question
    # The checklist (key points, and the question's red flags, each marked if this answer was
    # ticked as showing it: one query) is shown once the guidance is revealed; before that the
    # page neither shows nor queries it (the flags' query is a sixth of the page's time).
    flags, checklist = [], None
    if attempt.revealed_at:
        ticked = Attempt.red_flags.through.objects.filter(
            attempt_id=attempt.pk, redflag=OuterRef("pk")
        )
        flags = list(question.red_flags.order_by("title").annotate(ticked=Exists(ticked)))
        checklist = ChecklistForm(
            question=question,
            flags=flags,
            initial={
                "covered": attempt.covered_points,
                "red_flags": [f.pk for f in flags if f.ticked],
            },
        )
    # The dots, each with what the template shows of it worked out here (a comparison or a
    # number in the template costs several times a dict lookup).
    progress = [
        {
            "position": position,
            "label": str(position),
            "current": position == attempt.position,
            "rating": rating,
        }
        for position, rating in _SESSION_DOTS.fetch(session_id=attempt.session_id)
    ]
    # Each URL reversed once here, not once per use in the template (the page uses ~30).
    for p in progress:
        p["url"] = reverse_ints("practice:attempt_detail", attempt.session_id, p["position"])
    args = [attempt.session_id, attempt.position]
    urls = {
        name: reverse_ints(f"practice:{view}", *args)
        for name, view in (
            ("save", "attempt_save"),
            ("reveal", "attempt_reveal"),
            ("rate", "attempt_rate"),
            ("check", "attempt_check"),
            ("save_story", "attempt_save_story"),
            ("story_picker", "story_picker"),
        )
    }
    urls["summary"] = reverse_ints("practice:session_summary", attempt.session_id)
    url_at = {p["position"]: p["url"] for p in progress}
    answer_form = extra.pop("answer_form", None) or AnswerForm(
        star=attempt.uses_star,
        initial={
            "situation": attempt.situation,
            "task": attempt.task,
            "action": attempt.action,
            "result": attempt.result,
            "answer": attempt.answer,
            "notes": attempt.notes,
            "version": attempt.version,
            "elapsed": attempt.elapsed_seconds,
        },
    )
    position = attempt.position
    # What the template shows of each answer field, read off the form once here: a dict lookup
    # in the template costs a fraction of a BoundField property (docs/performance.md).
    bound = answer_form.is_bound
    editor_fields = [
        {
            "name": bf.name,
            "id": bf.auto_id,
            "label": bf.label,
            "help_text": bf.help_text,
            "widget": bf.as_widget(),
            "errors": bf.errors if bound else None,
            "words": count_words(bf.value() or ""),
        }
        for bf in answer_form.visible_fields()
    ]
    words = sum(f["words"] for f in editor_fields if f["name"] != "notes")
    # The hidden inputs' values as the form holds them (posted, or the attempt's), formatted
    # by their widget (None for no value attribute): the template writes the two inputs
    # itself, as it does the out-of-band version.
    hidden = {
        name: answer_form.fields[name].widget.format_value(answer_form[name].value())
        for name in ("version", "elapsed")
    }
    elapsed = attempt.elapsed_seconds or 0
    if attempt.time_budget:
        left = attempt.time_budget - elapsed
        timer = {
            "label": "Time left" if left >= 0 else "Over by",
            "value": mmss(abs(left)),
            "budget": f"{attempt.time_budget // 60} min",
            "budget_seconds": str(attempt.time_budget),
            "over": left < 0,
        }
    else:
        timer = {"label": "Time", "value": mmss(elapsed), "budget_seconds": "", "over": False}
    timer["elapsed_seconds"] = str(elapsed)
    prompt = question.prompt
    return {
        **_coach_context(attempt),
        # The tab's title, as `truncatechars:50` would cut it, for a fraction of its cost.
        "page_title": f"Question {position} of {attempt.session.question_count}: "
        + (prompt if len(prompt) <= 50 else prompt[:49] + "…"),
        "editor_fields": editor_fields,
        "hidden": hidden,
        "speaking": mmss(round(words * 60 / WORDS_PER_MINUTE)),
        "timer": timer,
        "attempt": attempt,
        "session": attempt.session,
        "question": question,
        "flags": flags,
        "progress": progress,
        "form": answer_form,
        "checklist": checklist,
        "rating_buttons": [{**b, "current": b["value"] == attempt.rating} for b in RATING_BUTTONS],
        "star": attempt.uses_star,
        "star_hint": star_hint(attempt.star_balance()),
        "urls": urls,
        "prev_url": url_at.get(position - 1, ""),
        "next_url": url_at.get(position + 1, ""),
        # What the other views set, given here: the template looks each one up, and a missing
        # variable costs it an exception.
        "non_field_errors": answer_form.non_field_errors() if answer_form.is_bound else None,
        "stale_at": None,
        "saved": False,
        "oob_version": False,
        "reveal": False,
        **extra,
    }


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def attempt_detail(request: HtmxHttpRequest, session_id: int, position: int) -> HttpResponse:
    attempt = _get_attempt(request, session_id, position)
    template_name = "practice/attempt_detail.html"
    if request.htmx.target == "attempt-body":
        template_name += "#attempt-body"
    return render(request, template_name, _attempt_context(request, attempt))


class _Posted:
    """What a POST of the question page carried: the answer form and how saving went."""

    def __init__(self, form: AnswerForm, stale_at=None) -> None:
        self.form = form
        self.stale_at = stale_at

    @property
    def ok(self) -> bool:
        return self.form.is_valid() and self.stale_at is None


def _apply_post(request: HtmxHttpRequest, attempt: Attempt) -> _Posted:
    """Save the answer text and checklist the page posted, whichever button was pressed.

    Every button on the question page submits the whole page, so nothing typed is lost,
    with or without JavaScript. A save carrying an old version is refused (another tab).
    """
    form = AnswerForm(request.POST, star=attempt.uses_star)
    if not form.is_valid():
        return _Posted(form)
    try:
        services.attempt_save(
            attempt=attempt,
            texts=form.texts(),
            version=form.cleaned_data["version"],
            force=form.cleaned_data["force"],
            elapsed=form.cleaned_data["elapsed"],
        )
    except services.StaleAnswer as exc:
        return _Posted(form, stale_at=exc.saved_at or True)
    if "checklist" in request.POST:
        flags = list(attempt.question.red_flags.all())
        checklist = ChecklistForm(request.POST, question=attempt.question, flags=flags)
        if checklist.is_valid():  # tampered ids are simply not in the choices: ignored
            chosen = set(checklist.cleaned_data["red_flags"])
            services.attempt_checklist(
                attempt=attempt,
                covered=checklist.cleaned_data["covered"],
                red_flags=[f for f in flags if f.pk in chosen],
            )
    return _Posted(form)


def _refused(request: HtmxHttpRequest, attempt: Attempt, posted: _Posted) -> HttpResponse:
    """Invalid or stale: keep the user's text, say why; 200 so htmx swaps the message in."""
    if request.htmx:
        response = render(
            request,
            "practice/attempt_detail.html#save-status",
            {"attempt": attempt, "form": posted.form, "stale_at": posted.stale_at},
        )
        # Whatever button sent it (save, reveal, a rating), the message belongs in the status.
        return reswap(retarget(response, "#save-status"), "outerHTML")
    context = _attempt_context(request, attempt, answer_form=posted.form, stale_at=posted.stale_at)
    return render(request, "practice/attempt_detail.html", context)


@require_POST
@login_required
def attempt_save(request: HtmxHttpRequest, session_id: int, position: int) -> HttpResponse:
    # Autosave runs every second or so of typing and never shows the session's own row (the
    # page without JavaScript, refused, reads it back lazily): the session's columns are not
    # fetched, which is ~0.3 ms of the ORM's ~1 ms for this read.
    attempt = _get_attempt(request, session_id, position, with_session=False)
    posted = _apply_post(request, attempt)
    if not posted.ok:
        return _refused(request, attempt, posted)
    if not request.htmx:
        messages.success(request, "Saved.")
        return redirect(attempt)
    return render(
        request, "practice/attempt_detail.html#save-status", {"attempt": attempt, "saved": True}
    )


@require_POST
@login_required
def attempt_reveal(request: HtmxHttpRequest, session_id: int, position: int) -> HttpResponse:
    attempt = _get_attempt(request, session_id, position)
    posted = _apply_post(request, attempt)
    if not posted.ok:
        return _refused(request, attempt, posted)
    services.attempt_reveal(attempt=attempt)
    if not request.htmx:
        return redirect(attempt.get_absolute_url() + "#guidance")
    attempt.refresh_from_db()
    # The reveal saved the answer too: hand the page its new version out of band.
    context = _attempt_context(request, attempt, oob_version=True, reveal=True)
    return render(request, "practice/attempt_detail.html#guidance", context)


@require_POST
@login_required
def attempt_rate(request: HtmxHttpRequest, session_id: int, position: int) -> HttpResponse:
    attempt = _get_attempt(request, session_id, position)
    rate_form = RateForm(request.POST)
    if not rate_form.is_valid():
        messages.error(request, "Choose Again, Hard, Good, Easy or Skip.")
        return redirect(attempt)
    posted = _apply_post(request, attempt)
    if not posted.ok:
        return _refused(request, attempt, posted)
    attempt.refresh_from_db()
    upcoming = services.attempt_rate(
        attempt=attempt,
        rating=rate_form.cleaned_data["rating"],
        elapsed=rate_form.cleaned_data["elapsed"],
    )
    target = upcoming.get_absolute_url() if upcoming else attempt.session.get_summary_url()
    if request.htmx:
        if upcoming:
            # Swap the next question in place and push its real URL.
            return HttpResponseLocation(target, target="#attempt-body", swap="outerHTML")
        return HttpResponseLocation(target, target="#main", select="#main", swap="outerHTML")
    return redirect(target)


@require_GET
@login_required
def session_summary(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    session = _user_session(request, session_id)
    attempts = list(
        session.attempts.select_related("question")
        .prefetch_related(Prefetch("red_flags", queryset=RedFlag.objects.order_by("title")))
        .order_by("position")
    )
    rated = [a for a in attempts if a.rating and a.rating != Rating.SKIPPED]
    again = [a.question.key for a in attempts if a.rating in (Rating.AGAIN, Rating.HARD)]
    totals = {
        "seconds": sum(a.elapsed_seconds or 0 for a in attempts),
        "words": sum(a.word_count for a in attempts),
        "speaking": sum(a.speaking_seconds for a in attempts),
        "rated": len(rated),
        "skipped": sum(a.rating == Rating.SKIPPED for a in attempts),
        "unanswered": sum(not a.rating for a in attempts),
        "ratings": [
            (r.label, sum(a.rating == r for a in attempts))
            for r in (Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY)
        ],
    }
    for a in attempts:
        a.balance = a.star_balance()
        a.hint = star_hint(a.balance) if a.uses_star else ""
    context = {
        "session": session,
        "attempts": attempts,
        "totals": totals,
        "again_keys": ",".join(again),
        "again_count": len(again),
    }
    return render(request, "practice/session_summary.html", context)


@require_GET
@login_required
def history(request: HtmxHttpRequest) -> HttpResponse:
    sessions = (
        PracticeSession.objects.for_user(request.user)
        .annotate(
            done=Count("attempts", filter=~Q(attempts__rating="")),
            seconds=Sum("attempts__elapsed_seconds"),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    # Questions practised, most recent first, with how often: one grouped query.
    practised = (
        Attempt.objects.for_user(request.user)
        .values("question__key", "question__prompt", "question__category")
        .annotate(times=Count("pk"), last=Max("session__created_at"))
        .order_by("-last")[:50]
    )
    return render(request, "practice/history.html", {"page": page, "practised": practised})


@require_GET
@login_required
def question_history(request: HtmxHttpRequest, key: str) -> HttpResponse:
    """Every attempt the user made at one question, newest first."""
    question = get_object_or_404(Question, key=key)
    attempts = list(
        Attempt.objects.for_user(request.user)
        .filter(question=question)
        .select_related("session")
        .order_by("-session__created_at", "-pk")
    )
    if not attempts:
        raise Http404("You haven't practised this question yet.")
    return render(
        request, "practice/question_history.html", {"question": question, "attempts": attempts}
    )


@require_GET
@login_required
def progress(request: HtmxHttpRequest) -> HttpResponse:
    board = cached_dashboard(request.user)
    readiness = [
        ("By category", board.categories),
        ("By workflow stage", board.stages),
        ("By competency", board.competencies),
    ]
    # The charts and tables are cached as markup under the board's key (progress_key).
    context = {"board": board, "readiness": readiness, "cache_seconds": PROGRESS_CACHE_SECONDS}
    return render(request, "practice/progress.html", context)


# --- the answer coach ---------------------------------------------------------------------

# Coach codes that correspond to a red flag of the bank: shown beside it as a suggestion.
COACH_FLAGS = {
    "blames_others": "blaming-others",
    "we_instead_of_i": "we-not-i",
    "result_not_quantified": "no-result",
    "missing_result": "no-result",
    "too_long": "rambling",
    "filler_words": "unclear-explanation",
}
PART_LABELS = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "answer": "Answer",
}


def highlight(text: str, findings: list[dict]) -> list[tuple[str, str]]:
    """Split `text` into (segment, code) pairs, code "" for plain text, so the template can
    escape every segment and wrap the flagged ones in <mark>. Overlaps keep the first."""
    spans = []
    for finding in findings:
        evidence = finding.get("evidence") or ""
        start = text.find(evidence) if evidence else -1
        if start >= 0:
            spans.append((start, start + len(evidence), finding["code"]))
    segments, cursor = [], 0
    for start, end, code in sorted(spans):
        if start < cursor:
            continue
        if start > cursor:
            segments.append((text[cursor:start], ""))
        segments.append((text[start:end], code))
        cursor = end
    if cursor < len(text):
        segments.append((text[cursor:], ""))
    return segments


def coach_view_parts(parts: dict[str, str], findings: list[dict]) -> list[dict]:
    """Each part the coach has something to say about, highlighted, with its findings."""
    shown = []
    for part, text in parts.items():
        mine = [f for f in findings if f.get("part") == part]
        if mine:
            shown.append(
                {"label": PART_LABELS[part], "segments": highlight(text, mine), "findings": mine}
            )
    return shown


def _coach_context(attempt: Attempt) -> dict:
    parts = (
        {p: getattr(attempt, p) for p in ("situation", "task", "action", "result")}
        if attempt.uses_star
        else {"answer": attempt.answer}
    )
    findings = attempt.coach_findings or []
    return {
        "coach_parts": coach_view_parts(parts, findings),
        "coach_overall": [f for f in findings if not f.get("part")],
        "coach_flags": {COACH_FLAGS[f["code"]] for f in findings if f["code"] in COACH_FLAGS},
    }


@require_POST
@login_required
def attempt_check(request: HtmxHttpRequest, session_id: int, position: int) -> HttpResponse:
    attempt = _get_attempt(request, session_id, position)
    posted = _apply_post(request, attempt)
    if not posted.ok:
        return _refused(request, attempt, posted)
    attempt.refresh_from_db()
    services.attempt_coach(attempt=attempt)
    if not request.htmx:
        return redirect(attempt.get_absolute_url() + "#coach")
    context = _attempt_context(request, attempt, oob_version=True)
    return render(request, "practice/attempt_detail.html#coach", context)


# --- stories ------------------------------------------------------------------------------

HEALTHY = (8, 12)  # stories in a healthy bank
COVERED_TWICE = 2


def _user_story(request: HtmxHttpRequest, pk: int) -> Story:
    return get_object_or_404(Story.objects.for_user(request.user), pk=pk)


@require_GET
@login_required
def story_list(request: HtmxHttpRequest) -> HttpResponse:
    stories = list(Story.objects.for_user(request.user).prefetch_related("competencies"))
    competencies = list(Competency.objects.order_by("name"))
    covered = {s.pk: {c.pk for c in s.competencies.all()} for s in stories}
    rows = []
    for comp in competencies:
        ticks = [comp.pk in covered[s.pk] for s in stories]
        rows.append({"competency": comp, "ticks": ticks, "count": sum(ticks)})
    gaps = [r["competency"] for r in rows if r["count"] == 0]
    # Behavioral questions to practise for each gap: one query for all gaps.
    suggestions: dict[int, list] = {c.pk: [] for c in gaps}
    for comp_id, key, prompt in (
        Question.competencies.through.objects.filter(
            competency__in=gaps, question__status="published", question__category="behavioral"
        )
        .order_by("competency_id", "question__key")
        .values_list("competency_id", "question__key", "question__prompt")
    ):
        if len(suggestions[comp_id]) < 3:
            suggestions[comp_id].append({"key": key, "prompt": prompt})
    for row in rows:
        row["suggestions"] = suggestions.get(row["competency"].pk, [])
    twice = sum(r["count"] >= COVERED_TWICE for r in rows)
    context = {
        "stories": stories,
        "rows": rows,
        "gaps": gaps,
        "twice": twice,
        "competency_total": len(competencies),
        "healthy": HEALTHY[0] <= len(stories) <= HEALTHY[1] and twice == len(competencies),
        "healthy_range": HEALTHY,
    }
    return render(request, "practice/story_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def story_create(request: HtmxHttpRequest) -> HttpResponse:
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        story = form.save(commit=False)
        story.user = request.user
        story.save()
        form.save_m2m()
        messages.success(request, "Story saved.")
        return redirect(story)
    return render(request, "practice/story_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def story_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    story = _user_story(request, pk)
    form = StoryForm(request.POST or None, instance=story)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Story saved.")
        return redirect(story)
    findings = None
    if request.GET.get("check"):
        findings = [asdict(f) for f in analyze(story.parts())]
    context = {"form": form, "story": story, "findings": findings}
    if findings is not None:
        context["coach_parts"] = coach_view_parts(story.parts(), findings)
        context["coach_overall"] = [f for f in findings if not f.get("part")]
    template_name = "practice/story_form.html"
    if request.htmx.target == "coach":
        template_name += "#coach"
    return render(request, template_name, context)


@require_POST
@login_required
def story_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    story = _user_story(request, pk)
    story.delete()
    messages.success(request, f"Deleted the story “{story.title}”.")
    return redirect("stories:list")


@require_POST
@login_required
def attempt_save_story(request: HtmxHttpRequest, session_id: int, position: int) -> HttpResponse:
    attempt = _get_attempt(request, session_id, position)
    posted = _apply_post(request, attempt)
    if not posted.ok:
        return _refused(request, attempt, posted)
    attempt.refresh_from_db()
    story = services.story_from_attempt(attempt=attempt)
    messages.success(request, "Saved as a story: give it a short title and check its competencies.")
    if request.htmx:
        return HttpResponseClientRedirect(story.get_absolute_url())
    return redirect(story)


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def story_picker(request: HtmxHttpRequest, session_id: int, position: int) -> HttpResponse:
    attempt = _get_attempt(request, session_id, position)
    wanted = set(attempt.question.competencies.values_list("pk", flat=True))
    stories = list(Story.objects.for_user(request.user).prefetch_related("competencies"))
    for s in stories:
        s.matching = len(wanted & {c.pk for c in s.competencies.all()})
    stories.sort(key=lambda s: (-s.matching, s.title.lower()))
    context = {"attempt": attempt, "session": attempt.session, "stories": stories}
    template_name = "practice/story_picker.html"
    if request.htmx.target == "story-picker":
        template_name += "#story-picker"
    return render(request, template_name, context)


@require_POST
@login_required
def attempt_use_story(request: HtmxHttpRequest, session_id: int, position: int) -> HttpResponse:
    attempt = _get_attempt(request, session_id, position)
    try:
        story_id = int(request.POST.get("story", ""))
    except ValueError as exc:
        raise Http404("No such story.") from exc
    story = _user_story(request, story_id)
    try:
        services.attempt_use_story(
            attempt=attempt, story=story, version=int(request.POST.get("version", -1))
        )
    except (services.StaleAnswer, ValueError):
        messages.error(
            request,
            "This answer changed in another tab, so the story wasn't used. Reload and try again.",
        )
    else:
        messages.success(request, f"Filled in from “{story.title}”: now adapt it to this question.")
    if request.htmx:
        return HttpResponseLocation(
            attempt.get_absolute_url(), target="#attempt-body", swap="outerHTML"
        )
    return redirect(attempt)
