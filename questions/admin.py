from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Competency, Question, RedFlag, Tag


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = (
        "key",
        "short_prompt",
        "category",
        "difficulty",
        "stage",
        "status",
        "updated_at",
    )
    list_filter = ("status", "category", "difficulty", "stage", "competencies", "red_flags")
    search_fields = ("key", "prompt", "assesses", "tags__slug")
    list_per_page = 50
    filter_horizontal = ("competencies", "tags", "red_flags")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("key", "prompt", "category", "difficulty", "stage", "status")}),
        ("Guidance", {"fields": ("assesses", "tip", "key_points", "follow_ups")}),
        ("Classification", {"fields": ("competencies", "tags", "red_flags")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description="prompt")
    def short_prompt(self, obj: Question) -> str:
        return obj.prompt if len(obj.prompt) <= 90 else obj.prompt[:89] + "…"

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Tags are saved after the question itself, so search text is refreshed here.
        form.instance.refresh_search_text()


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
