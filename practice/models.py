"""Practice sessions and the attempts (one question answered once) they are made of."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models

from interview_prep.reversing import reverse_ints
from questions.models import Category, Competency, Question, RedFlag

WORDS_PER_MINUTE = 140
MAX_ANSWER_CHARS = 20_000
STAR_PARTS = ("situation", "task", "action", "result")
TEXT_FIELDS = (*STAR_PARTS, "answer", "notes")
WORD_RE = re.compile(r"[\w'’-]+")


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text))


def mmss(seconds: int) -> str:
    """Seconds as m:ss (or h:mm:ss past an hour)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Mode(models.TextChoices):
    DRILL = "drill", "Drill"
    MOCK = "mock", "Mock interview"
    REVIEW = "review", "Review"


class Rating(models.TextChoices):
    AGAIN = "again", "Again"
    HARD = "hard", "Hard"
    GOOD = "good", "Good"
    EASY = "easy", "Easy"
    SKIPPED = "skipped", "Skipped"


RATING_MEANINGS = {
    Rating.AGAIN: "I couldn't answer it well: show it again soon.",
    Rating.HARD: "I answered, with real gaps.",
    Rating.GOOD: "A solid answer with small gaps.",
    Rating.EASY: "Confident and complete.",
}
# Worst first: the order review mode uses.
RATING_RANK = {Rating.AGAIN: 0, Rating.HARD: 1, Rating.GOOD: 2, Rating.EASY: 3}

# Mock-interview time budgets, in seconds, by category.
TIME_BUDGETS = {Category.BEHAVIORAL: 180, Category.SITUATIONAL: 180, Category.TECHNICAL: 240}


class SessionQuerySet(models.QuerySet["PracticeSession"]):
    def for_user(self, user) -> SessionQuerySet:
        return self.filter(user=user)


class PracticeSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mode = models.CharField(max_length=6, choices=Mode)
    # What the user asked for (filters, counts), kept to show on the summary and history.
    settings = models.JSONField(default=dict, blank=True)
    question_count = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse_ints("practice:session_detail", self.pk)

    def get_summary_url(self) -> str:
        return reverse_ints("practice:session_summary", self.pk)

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_timed(self) -> bool:
        return self.mode == Mode.MOCK


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def for_user(self, user) -> AttemptQuerySet:
        return self.filter(session__user=user)


class Attempt(models.Model):
    """One question within a session: the user's answer, checklist, time and rating."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="attempts")
    # PROTECT: a retired question stays readable in users' past attempts.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempts")
    position = models.PositiveSmallIntegerField()
    time_budget = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Seconds, for timed (mock) sessions."
    )
    situation = models.TextField(blank=True)
    task = models.TextField(blank=True)
    action = models.TextField(blank=True)
    result = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    # Optimistic concurrency: every save bumps it; a save carrying an older one is refused.
    version = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    covered_points = models.JSONField(default=list, blank=True, help_text="Indexes of key points.")
    red_flags = models.ManyToManyField(RedFlag, blank=True, related_name="+")
    elapsed_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Word counts kept with the text, so progress figures never re-read answers.
    word_count = models.PositiveIntegerField(default=0)
    part_word_counts = models.JSONField(default=dict, blank=True)
    rating = models.CharField(max_length=7, choices=Rating, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # The answer coach's findings at the last check: [{code, part, evidence, message}].
    coach_findings = models.JSONField(default=list, blank=True)
    coached_at = models.DateTimeField(null=True, blank=True)
    story = models.ForeignKey(
        "Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="attempt_unique_position"),
            models.UniqueConstraint(fields=["session", "question"], name="attempt_unique_question"),
        ]
        indexes = [models.Index(fields=["question", "session"])]

    def __str__(self) -> str:
        return f"{self.session} · {self.position}"

    def save(self, *args, **kwargs) -> None:
        self.count_words()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "word_count", "part_word_counts"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse_ints("practice:attempt_detail", self.session_id, self.position)

    @property
    def uses_star(self) -> bool:
        return self.question.category != Category.TECHNICAL

    @property
    def is_done(self) -> bool:
        return bool(self.rating)

    def count_words(self) -> None:
        """Refresh the stored word counts from the text (call before saving text)."""
        self.part_word_counts = self.part_words()
        self.word_count = self.total_words()

    def total_words(self) -> int:
        words = self.part_words()
        return sum(words.values()) - words.get("notes", 0)

    def part_words(self) -> dict[str, int]:
        if self.uses_star:
            return {part: count_words(getattr(self, part)) for part in STAR_PARTS}
        return {"answer": count_words(self.answer), "notes": count_words(self.notes)}

    @property
    def speaking_seconds(self) -> int:
        return round(self.total_words() * 60 / WORDS_PER_MINUTE)

    def star_balance(self) -> dict[str, int] | None:
        """Share of words (percent) per STAR part, or None when nothing is written."""
        if not self.uses_star:
            return None
        words = self.part_words()
        total = sum(words.values())
        if not total:
            return None
        return {part: round(100 * n / total) for part, n in words.items()}


def star_hint(balance: dict[str, int] | None) -> str:
    """One plain sentence on the balance of a STAR answer (the same rules as practice.js)."""
    if not balance:
        return (
            "Aim for about 60% of your words on Action and keep Situation + Task to about 20–25%."
        )
    setup = balance["situation"] + balance["task"]
    if balance["action"] < 45:
        return "Put more into Action: aim for about 60% of your words on what you did."
    if setup > 35:
        return "Situation and Task run long: trim them to about a fifth of the answer."
    if balance["result"] < 8:
        return "Say how it ended: give the Result a sentence or two, with numbers if you can."
    return "Good balance: most of the answer is about what you did."


class ReviewCard(models.Model):
    """The FSRS schedule of one question for one user (the fsrs package's Card, stored)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    # fsrs.State: 1 learning, 2 review, 3 relearning
    state = models.PositiveSmallIntegerField(default=1)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_card_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question}"


class ReviewLog(models.Model):
    """Every self-rating, so schedules can be rebuilt and audited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    attempt = models.OneToOneField(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="review"
    )
    rating = models.PositiveSmallIntegerField()  # fsrs.Rating: 1 again, 2 hard, 3 good, 4 easy
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.card} rated {self.rating} at {self.reviewed_at:%Y-%m-%d %H:%M}"


class StoryQuerySet(models.QuerySet["Story"]):
    def for_user(self, user) -> StoryQuerySet:
        return self.filter(user=user)


class Story(models.Model):
    """A reusable STAR story from the user's experience, mapped to competencies and questions."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stories"
    )
    title = models.CharField(max_length=120)
    situation = models.TextField(blank=True)
    task = models.TextField(blank=True)
    action = models.TextField(blank=True)
    result = models.TextField(blank=True)
    competencies = models.ManyToManyField(Competency, blank=True, related_name="+")
    tags = models.JSONField(default=list, blank=True)
    questions = models.ManyToManyField(Question, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_ints("stories:detail", self.pk)

    def parts(self) -> dict[str, str]:
        return {part: getattr(self, part) for part in STAR_PARTS}

    @property
    def word_count(self) -> int:
        return sum(count_words(text) for text in self.parts().values())
