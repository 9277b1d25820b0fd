"""The question bank: questions, the red flags that sink answers, competencies and tags."""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models, router
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Category(models.TextChoices):
    BEHAVIORAL = "behavioral", "Behavioral"
    TECHNICAL = "technical", "Technical"
    SITUATIONAL = "situational", "Situational"


class Difficulty(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"


class Stage(models.TextChoices):
    """The ML workflow, from business problem to monitoring."""

    PROBLEM_FRAMING = "problem_framing", "Problem framing"
    DATA_PREPARATION = "data_preparation", "Data collection & preparation"
    MODEL_SELECTION = "model_selection", "Model selection"
    TRAINING = "training", "Training"
    EVALUATION = "evaluation", "Evaluation"
    DEPLOYMENT = "deployment", "Deployment"
    MONITORING = "monitoring", "Monitoring & maintenance"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


CATEGORY_BLURBS = {
    Category.BEHAVIORAL: "Real stories from your past work, told with STAR.",
    Category.TECHNICAL: "Concepts, trade-offs and system design, explained clearly.",
    Category.SITUATIONAL: "Hypothetical scenarios: what would you do, and why?",
}


class Competency(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class TagQuerySet(models.QuerySet["Tag"]):
    def published(self) -> TagQuerySet:
        """Tags of at least one published question: one EXISTS per tag, not a join over
        every tagging made DISTINCT (the bank may hold tens of thousands of questions)."""
        taggings = Question.tags.through.objects.filter(
            tag=models.OuterRef("pk"), question__status=Status.PUBLISHED
        )
        return self.filter(models.Exists(taggings))


class Tag(models.Model):
    slug = models.SlugField(unique=True, max_length=60)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class RedFlag(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    looks_like = models.TextField("what it looks like")
    why_it_hurts = models.TextField()
    how_to_avoid = models.TextField()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("questions:red_flag_list") + f"#{self.slug}"


class QuestionQuerySet(models.QuerySet["Question"]):
    def published(self) -> QuestionQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def matching(self, text: str) -> QuestionQuerySet:
        """Every word of `text` appears somewhere in the question (prompt, guidance, tags)."""
        words = text.lower().split()[:8]
        qs = self
        for word in words:
            qs = qs.filter(search_text__contains=word)
        if not words:
            return qs
        # Questions whose prompt itself mentions every word come first.
        in_prompt = Q()
        for word in words:
            in_prompt &= Q(prompt__icontains=word)
        return qs.order_by(
            models.Case(models.When(in_prompt, then=0), default=1), "category", "key"
        )

    def for_tag(self, slug: str) -> QuestionQuerySet:
        # A subquery, not a join, so results never repeat and counts stay exact.
        return self.filter(
            pk__in=Question.tags.through.objects.filter(tag__slug=slug).values("question_id")
        )

    def for_competency(self, slug: str) -> QuestionQuerySet:
        through = Question.competencies.through.objects
        return self.filter(pk__in=through.filter(competency__slug=slug).values("question_id"))

    def for_red_flag(self, slug: str) -> QuestionQuerySet:
        through = Question.red_flags.through.objects
        return self.filter(pk__in=through.filter(redflag__slug=slug).values("question_id"))

    def with_lists(self) -> QuestionQuerySet:
        """Prefetch what a list row shows: two extra queries whatever the page size."""
        return self.prefetch_related("tags", "competencies")

    def related_to(
        self, question: Question, *, tag_ids: list[int], competency_ids: list[int], limit: int = 6
    ) -> list[Question]:
        """Published questions sharing a topic tag, the stage or a competency; closest first:
        most shared tags, then the same stage, then the same category, then by key.

        Ranked on narrow rows, in steps that stop once `limit` are found (questions sharing
        tags outrank all others, and questions of the same stage outrank those sharing only a
        competency); only the winners are fetched whole. A stage can hold thousands of
        questions, and sorting their full rows in one query was most of a cold page's time;
        a topic tag hundreds, and sorting all of those in Python was half of what remained.
        """
        others = self.published().exclude(pk=question.pk)
        same_stage = models.Case(models.When(stage=question.stage or "-", then=0), default=1)
        same_category = models.Case(models.When(category=question.category, then=0), default=1)
        tag_links = Question.tags.through.objects.filter(tag_id__in=tag_ids)
        shared = dict(
            tag_links.order_by().values_list("question_id").annotate(n=models.Count("pk"))
        )
        # Questions sharing two tags or more are few, and ranked here; the many sharing one
        # (a topic tag can hold hundreds) are ordered by the database, which only returns
        # the few it needs, like the fills below.
        shared.pop(question.pk, None)
        several = [pk for pk, n in shared.items() if n > 1]
        tagged = others.filter(pk__in=several).values_list("pk", "stage", "category", "key")
        ranked = [
            pk
            for pk, *_ in sorted(
                tagged,
                key=lambda row: (
                    -shared[row[0]],
                    not (question.stage and row[1] == question.stage),
                    row[2] != question.category,
                    row[3],
                ),
            )[:limit]
        ]
        fills = []
        if shared:
            fills.append(others.filter(pk__in=tag_links.values("question_id")))
        if question.stage:
            fills.append(others.filter(stage=question.stage))
        if competency_ids:
            memberships = Question.competencies.through.objects.filter(
                competency_id__in=competency_ids
            )
            fills.append(others.filter(pk__in=memberships.values("question_id")))
        for candidates in fills:
            if len(ranked) >= limit:
                break
            ranked += (
                candidates.exclude(pk__in=ranked)
                .order_by(same_stage, same_category, "key")
                .values_list("pk", flat=True)[: limit - len(ranked)]
            )
        found = self.model.objects.in_bulk(ranked)
        return [found[pk] for pk in ranked if pk in found]  # one deleted meanwhile: left out


# The curation workflow: which status may follow which.
TRANSITIONS = {
    Status.DRAFT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.PUBLISHED, Status.DRAFT},
    Status.PUBLISHED: {Status.RETIRED, Status.DRAFT},
    Status.RETIRED: {Status.DRAFT},
}


class TransitionError(Exception):
    """The status change is not allowed, or the question is not ready for it."""


class Question(models.Model):
    key = models.SlugField(max_length=80, unique=True, help_text="Stable id used by import/export.")
    prompt = models.TextField()
    category = models.CharField(max_length=12, choices=Category, db_index=True)
    assesses = models.TextField(blank=True, help_text="What the interviewer is assessing.")
    tip = models.TextField(blank=True)
    key_points = models.JSONField(
        default=list, blank=True, help_text="What a strong answer covers."
    )
    follow_ups = models.JSONField(default=list, blank=True)
    difficulty = models.CharField(max_length=6, choices=Difficulty, db_index=True)
    stage = models.CharField(max_length=20, choices=Stage, blank=True, db_index=True)
    competencies = models.ManyToManyField(Competency, blank=True, related_name="questions")
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    red_flags = models.ManyToManyField(RedFlag, blank=True, related_name="questions")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_questions",
    )
    suggestion_note = models.TextField("why it matters", blank=True)
    # Lower-cased prompt, guidance and tags, kept up to date on save, so search is one
    # indexed-table scan on SQLite and PostgreSQL alike.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[competencies, tags, red_flags], excluded_fields=["search_text"]
    )

    class Meta:
        ordering = ["category", "key"]
        indexes = [
            models.Index(fields=["status", "category", "difficulty"]),
            # Covers the bank's shape (published counts per category and stage) that the home
            # page and the dashboard read: an index-only scan instead of reading every row.
            models.Index(fields=["status", "category", "stage"]),
            # The bank's list order: a page of 25 is read in order, not sorted from all rows.
            models.Index(fields=["status", "category", "key"]),
        ]

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs) -> None:
        tag_slugs = [t.slug for t in self.tags.all()] if self.pk else []
        self.search_text = self.build_search_text(tag_slugs)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("questions:question_detail", args=[self.key])

    def missing_for_publish(self) -> list[str]:
        """What must be filled in before candidates may see this question."""
        missing = []
        if not self.assesses.strip():
            missing.append("what it assesses")
        if not self.tip.strip():
            missing.append("a tip")
        if len(self.key_points) < 3:
            missing.append("at least 3 key points")
        if len(self.follow_ups) < 1:
            missing.append("at least 1 follow-up")
        return missing

    def move_to(self, status: str, *, by=None) -> None:
        """Change status along the workflow, recording review and publication."""
        if status not in TRANSITIONS[Status(self.status)]:
            raise TransitionError(
                f"{self.key}: can't go from {self.get_status_display()} to {Status(status).label}."
            )
        if status == Status.PUBLISHED:
            missing = self.missing_for_publish()
            if missing:
                raise TransitionError(f"{self.key}: add {', '.join(missing)} before publishing.")
            self.reviewed_by = by
            self.reviewed_at = timezone.now()
            self.published_at = timezone.now()
        self.status = status
        self.save()

    def build_search_text(self, tag_slugs: list[str] | None = None) -> str:
        parts = [self.prompt, self.assesses, self.tip, *self.key_points, *(tag_slugs or [])]
        return " ".join(parts).lower()

    def refresh_search_text(self) -> None:
        """Recompute search_text from the saved tags (call after changing tags)."""
        self.search_text = self.build_search_text([t.slug for t in self.tags.all()])
        Question.objects.filter(pk=self.pk).update(search_text=self.search_text)


# How long a rendering of the bank is kept. Entries are keyed by the bank version, so this
# only frees memory: a change to the bank is seen at once.
BANK_CACHE_SECONDS = 3600


class BankState(models.Model):
    """One row whose `version` changes whenever anything shown from the bank changes.

    Pages cache what they render from the bank (the list's results and filters, a question's
    guidance) under this version, so every process sees a change at once and nobody is shown
    a stale bank: a change bumps the version, and the old cache entries are never read again.
    The bump happens in the same transaction as the change (questions/signals.py).
    """

    version = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = "bank state"

    def __str__(self) -> str:
        return f"bank version {self.version}"


def bank_version() -> int:
    """The bank's current version: one primary-key lookup.

    In plain SQL: every page of the bank reads it, and building the ORM's query for it costs
    ~0.3 ms, ten times running it (docs/performance.md).
    """
    connection = connections[router.db_for_read(BankState)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM questions_bankstate WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def bump_bank_version() -> None:
    """Invalidate every cached rendering of the bank (call after bulk writes too)."""
    if not BankState.objects.filter(pk=1).update(version=models.F("version") + 1):
        BankState.objects.get_or_create(pk=1, defaults={"version": 2})
