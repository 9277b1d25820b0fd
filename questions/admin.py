"""Curation in the Django admin: workflow, usage figures, history, duplicates, import/export."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Q, QuerySet
from django.db.models.functions import NullIf
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from . import formats
from .duplicates import find_twins
from .models import TRANSITIONS, Competency, Question, RedFlag, Status, Tag, TransitionError
from .services import (
    MAX_LIST_ITEMS,
    BankError,
    bank_export,
    bank_load,
    list_limit_problems,
)

IMPORT_SESSION_KEY = "questions_import"


class LinesField(forms.CharField):
    """A list of strings edited as text, one item per line (instead of raw JSON)."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 90})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        super().validate(value)
        # The bank format's limits, so whatever is saved here exports and imports again.
        problems = list_limit_problems(value)
        if problems:
            raise forms.ValidationError([f"This list {problem}." for problem in problems])


class QuestionAdminForm(forms.ModelForm):
    key_points = LinesField(required=False, help_text="What a strong answer covers: one per line.")
    follow_ups = LinesField(required=False, help_text="One follow-up question per line.")
    save_anyway = forms.BooleanField(
        required=False,
        label="Save anyway",
        help_text="Tick to save even though the prompt closely matches another question.",
    )

    class Meta:
        model = Question
        fields = (
            "key",
            "prompt",
            "category",
            "difficulty",
            "stage",
            "assesses",
            "tip",
            "key_points",
            "follow_ups",
            "competencies",
            "tags",
            "red_flags",
            "suggestion_note",
        )

    def clean(self):
        data = super().clean()
        for name in ("competencies", "tags", "red_flags"):
            if len(data.get(name) or []) > MAX_LIST_ITEMS:
                self.add_error(name, f"Choose at most {MAX_LIST_ITEMS}.")
        prompt = data.get("prompt")
        if prompt and not data.get("save_anyway"):
            twins = find_twins(prompt, exclude_pk=self.instance.pk)
            if twins:
                listing = format_html_join(
                    "",
                    "<li>{} ({}, {}% alike): {}</li>",
                    ((t.key, t.status, t.score, t.prompt) for t in twins),
                )
                raise forms.ValidationError(
                    format_html(
                        "This prompt closely matches {} existing question(s): <ul>{}</ul>"
                        "Edit it to ask something different, or tick “Save anyway”.",
                        len(twins),
                        listing,
                    ),
                    code="near_duplicate",
                )
        return data


class UsageFilter(admin.SimpleListFilter):
    title = "practice usage"
    parameter_name = "usage"

    def lookups(self, request, model_admin):
        return [
            ("never", "Never practised"),
            ("practised", "Practised"),
            ("confusing", "Often rated Again (30%+)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "never":
            return queryset.filter(times_practised=0)
        if self.value() == "practised":
            return queryset.filter(times_practised__gt=0)
        if self.value() == "confusing":
            return queryset.filter(again_share__gte=30)
        return queryset


class SuggestedFilter(admin.SimpleListFilter):
    title = "origin"
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [("suggested", "Suggested by users (review queue)"), ("bank", "Curated bank")]

    def queryset(self, request, queryset):
        if self.value() == "suggested":
            return queryset.filter(suggested_by__isnull=False)
        if self.value() == "bank":
            return queryset.filter(suggested_by__isnull=True)
        return queryset


def _transition_action(status: Status, label: str):
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for question in queryset.prefetch_related(None):
            try:
                question.move_to(status, by=request.user)
                moved += 1
            except TransitionError as exc:
                refused.append(str(exc))
        if moved:
            modeladmin.message_user(request, f"{label}: {moved} question(s).", messages.SUCCESS)
        for problem in refused:
            modeladmin.message_user(request, problem, messages.WARNING)

    action.__name__ = f"move_to_{status}"
    action.short_description = f"{label} (selected)"
    action.allowed_permissions = ("change",)
    return action


def _export_action(fmt: str):
    def action(modeladmin, request, queryset):
        return modeladmin.export_response(queryset, fmt)

    action.__name__ = f"export_{fmt}"
    action.short_description = f"Export selected as {fmt.upper()}"
    action.allowed_permissions = ("view",)
    return action


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    form = QuestionAdminForm
    change_form_template = "admin/questions/question/change_form.html"
    change_list_template = "admin/questions/question/change_list.html"
    list_display = (
        "short_prompt",
        "status",
        "category",
        "difficulty",
        "stage",
        "times_practised",
        "again_percent",
        "average_time",
    )
    list_display_links = ("short_prompt",)

    # What restoring an old version keeps as it is now: a question's place in the workflow
    # moves only through the workflow's buttons, and who suggested it never changes.
    REVERT_KEEPS = (
        "status",
        "reviewed_by_id",
        "reviewed_at",
        "published_at",
        "suggested_by_id",
        "created_at",
    )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restore an old version's text and links, never its workflow fields.

        django-simple-history saves the whole old row, so a revert restored its status and
        review fields too: a curator could publish a retired or never-reviewed question around
        the workflow (found in review). The current values are put back before saving.
        """
        if request.method == "POST":
            current = get_object_or_404(Question, pk=object_id)
            request.revert_keeps = {name: getattr(current, name) for name in self.REVERT_KEEPS}
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            # simple-history saves the links itself, after the row (not via save_related).
            get_object_or_404(Question, pk=object_id).refresh_search_text()
        return response

    def save_model(self, request, obj, form, change) -> None:
        for name, value in getattr(request, "revert_keeps", {}).items():
            setattr(obj, name, value)
        super().save_model(request, obj, form, change)

    list_filter = (
        "status",
        SuggestedFilter,
        UsageFilter,
        "category",
        "difficulty",
        "stage",
        "competencies",
        "red_flags",
    )
    search_fields = ("key", "prompt", "assesses", "tags__slug")
    list_per_page = 50
    filter_horizontal = ("competencies", "tags", "red_flags")
    readonly_fields = (
        "status",
        "reviewed_by",
        "reviewed_at",
        "published_at",
        "suggested_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("key", "prompt", "category", "difficulty", "stage", "save_anyway")}),
        ("Guidance", {"fields": ("assesses", "tip", "key_points", "follow_ups")}),
        ("Classification", {"fields": ("competencies", "tags", "red_flags")}),
        (
            "Workflow",
            {
                "fields": (
                    "status",
                    "reviewed_by",
                    "reviewed_at",
                    "published_at",
                    "suggested_by",
                    "suggestion_note",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    actions = [
        _transition_action(Status.IN_REVIEW, "Submit for review"),
        _transition_action(Status.PUBLISHED, "Publish"),
        _transition_action(Status.RETIRED, "Retire"),
        _transition_action(Status.DRAFT, "Back to draft"),
        *[_export_action(fmt) for fmt in formats.FORMATS],
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Usage figures in the changelist's one row query: a single join to attempts.
        rated = Count(
            "attempts", filter=Q(attempts__rated_at__isnull=False) & ~Q(attempts__rating="skipped")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                times_practised=Count("attempts"),
                again_count=Count("attempts", filter=Q(attempts__rating="again")),
                rated_count=rated,
                average_seconds=Avg("attempts__elapsed_seconds"),
            )
            .annotate(
                again_share=ExpressionWrapper(
                    F("again_count") * 100.0 / NullIf(F("rated_count"), 0),
                    output_field=FloatField(),
                )
            )
        )

    @admin.display(description="prompt")
    def short_prompt(self, obj: Question) -> str:
        return obj.prompt if len(obj.prompt) <= 110 else obj.prompt[:109] + "…"

    @admin.display(description="practised", ordering="times_practised")
    def times_practised(self, obj: Question) -> int:
        return obj.times_practised

    @admin.display(description="rated Again", ordering="again_share")
    def again_percent(self, obj: Question) -> str:
        return "–" if obj.again_share is None else f"{obj.again_share:.0f}%"

    @admin.display(description="avg time", ordering="average_seconds")
    def average_time(self, obj: Question) -> str:
        if obj.average_seconds is None:
            return "–"
        seconds = round(obj.average_seconds)
        return f"{seconds // 60}:{seconds % 60:02d}"

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Tags are saved after the question itself, so search text is refreshed here.
        form.instance.refresh_search_text()

    def get_changeform_initial_data(self, request):
        return {"status": Status.DRAFT, **super().get_changeform_initial_data(request)}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        question = self.get_object(request, object_id)
        if question is not None:
            extra_context["transitions"] = [
                (s.value, _TRANSITION_LABELS[s])
                for s in Status
                if s in TRANSITIONS[Status(question.status)]
            ]
            extra_context["missing_for_publish"] = question.missing_for_publish()
        return super().change_view(request, object_id, form_url, extra_context)

    # --- extra admin URLs: workflow buttons, import, export -------------------------------

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/move/<str:status>/",
                self.admin_site.admin_view(self.transition_view),
                name="questions_question_move",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="questions_question_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="questions_question_export",
            ),
        ]
        return extra + super().get_urls()

    def transition_view(self, request: HttpRequest, pk: int, status: str) -> HttpResponse:
        return require_POST(self._transition)(request, pk, status)

    def _transition(self, request: HttpRequest, pk: int, status: str) -> HttpResponse:
        question = get_object_or_404(Question, pk=pk)
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        if status not in Status.values:
            raise PermissionDenied
        try:
            question.move_to(status, by=request.user)
        except TransitionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                f"{question.key} is now {question.get_status_display().lower()}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:questions_question_change", args=[pk]))

    def export_response(self, queryset: QuerySet, fmt: str) -> HttpResponse:
        items = bank_export(within=queryset.order_by())
        content_type = {"json": "application/json", "csv": "text/csv", "yaml": "application/yaml"}[
            fmt
        ]
        response = HttpResponse(
            formats.dumps(items, fmt), content_type=f"{content_type}; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="questions.{fmt}"'
        return response

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Download what the changelist currently shows (its filters and search)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        fmt = request.GET.get("format", "json")
        if fmt not in formats.FORMATS:
            fmt = "json"
        params = request.GET.copy()
        params.pop("format", None)
        request.GET = params
        changelist = self.get_changelist_instance(request)
        return self.export_response(changelist.get_queryset(request), fmt)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload → preview of what would be created and updated → confirm. All or nothing."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import questions",
            "max_mb": formats.MAX_IMPORT_BYTES // 1024 // 1024,
            "max_items": formats.MAX_IMPORT_ITEMS,
        }
        if request.method == "POST" and "confirm" in request.POST:
            pending = request.session.pop(IMPORT_SESSION_KEY, None)
            if not pending:
                self.message_user(
                    request, "Nothing to import: upload the file again.", messages.WARNING
                )
                return HttpResponseRedirect(reverse("admin:questions_question_import"))
            try:
                report = bank_load(
                    items=pending["items"], label=formats.where_label(pending["format"])
                )
            except BankError as exc:
                context["errors"] = exc.errors
                return render(request, "admin/questions/question/import.html", context)
            self.message_user(
                request,
                f"Imported {pending['name']}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:questions_question_changelist"))
        if request.method == "POST":
            upload = request.FILES.get("file")
            fmt = request.POST.get("format") or (upload and formats.format_for(upload.name))
            if upload is None:
                context["errors"] = ["Choose a file to upload."]
            elif fmt not in formats.FORMATS:
                context["errors"] = [
                    "Can't tell the format: name the file .json, .csv or .yaml, or choose it."
                ]
            elif upload.size > formats.MAX_IMPORT_BYTES:
                context["errors"] = [
                    f"The file is {upload.size / 1024 / 1024:.1f} MB; "
                    f"the limit is {context['max_mb']} MB."
                ]
            else:
                try:
                    items = formats.loads(upload.read(), fmt)
                    report = bank_load(items=items, label=formats.where_label(fmt), dry_run=True)
                except BankError as exc:
                    context["errors"] = exc.errors
                else:
                    request.session[IMPORT_SESSION_KEY] = {
                        "items": items,
                        "format": fmt,
                        "name": upload.name,
                    }
                    context.update(report=report, name=upload.name)
        return render(request, "admin/questions/question/import.html", context)


_TRANSITION_LABELS = {
    Status.IN_REVIEW: "Submit for review",
    Status.PUBLISHED: "Publish",
    Status.RETIRED: "Retire",
    Status.DRAFT: "Back to draft",
}


class WithQuestionCount(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description="questions", ordering="question_count")
    def question_count(self, obj) -> int:
        return obj.question_count


@admin.register(RedFlag)
class RedFlagAdmin(WithQuestionCount):
    list_display = ("title", "slug", "question_count")
    search_fields = ("title", "slug", "looks_like")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Competency)
class CompetencyAdmin(WithQuestionCount):
    list_display = ("name", "slug", "question_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(WithQuestionCount):
    list_display = ("slug", "question_count")
    search_fields = ("slug",)
