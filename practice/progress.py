"""The progress dashboard: readiness, practice over time, streaks, forecast, weak spots.

A fixed number of queries whatever the history size: settings, attempts, cards, the
competencies of the user's questions and the review log, plus the bank version; the bank's
shape and competency sizes are counted once per bank version and cached. Everything else is
computed here.

`cached_dashboard` keeps a user's board for a few minutes under a key (`progress_key`) that
two small aggregate queries derive from everything the board reads, so any rating, edit of a
rated answer, import, reset, settings change or bank change shows at once; only the slow
drift of recall with the clock waits for the cache to expire.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count
from django.utils import timezone

from accounts.models import Profile
from questions.models import BANK_CACHE_SECONDS, Category, Question, Stage, bank_version

from . import scheduling
from .models import Attempt, Rating, ReviewCard, ReviewLog
from .services import QUESTION_TEXTS

WEEKS = 12
# How long a board (and the due count) may be reused while nothing it reads has changed:
# bounds the drift of recall probabilities, which move with the clock alone.
PROGRESS_CACHE_SECONDS = 300
GOOD = {Rating.GOOD, Rating.EASY}


@dataclass
class Area:
    label: str
    slug: str
    total: int = 0
    practised: int = 0
    ready: int = 0
    recall_sum: float = 0.0

    @property
    def practised_pct(self) -> int:
        return round(100 * self.practised / self.total) if self.total else 0

    @property
    def ready_pct(self) -> int:
        return round(100 * self.ready / self.total) if self.total else 0

    @property
    def mean_recall(self) -> float:
        return self.recall_sum / self.practised if self.practised else 0.0


@dataclass
class Week:
    start: date
    attempts: int = 0
    seconds: int = 0
    words: int = 0
    star_answers: int = 0
    action_pct_sum: float = 0.0

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)

    @property
    def avg_words(self) -> int:
        return round(self.words / self.attempts) if self.attempts else 0

    @property
    def avg_speaking(self) -> int:
        return round(self.avg_words * 60 / 140)

    @property
    def avg_action_pct(self) -> int | None:
        return round(self.action_pct_sum / self.star_answers) if self.star_answers else None


@dataclass
class Dashboard:
    today: date
    profile: Profile
    total_attempts: int = 0
    total_minutes: int = 0
    practised: int = 0
    bank_size: int = 0
    ready: int = 0
    categories: list[Area] = field(default_factory=list)
    stages: list[Area] = field(default_factory=list)
    competencies: list[Area] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    heatmap: list[list[tuple[date, int]]] = field(default_factory=list)  # weeks x 7 days
    heat_max: int = 0
    streak: int = 0
    best_streak: int = 0
    ratings: list[tuple[str, int]] = field(default_factory=list)
    forecast: list[tuple[date, int]] = field(default_factory=list)
    due_today: int = 0
    weakest: list[tuple[Question, float]] = field(default_factory=list)
    weak_areas: list[Area] = field(default_factory=list)
    days_to_interview: int | None = None
    key: str = ""  # progress_key() of what it was computed from, when cached

    @property
    def week_max(self) -> int:
        return max([w.attempts for w in self.weeks] + [1])

    @property
    def forecast_max(self) -> int:
        return max([n for _, n in self.forecast] + [1])

    @property
    def review_batch(self) -> int:
        """How many to put in a one-click review session (a session holds at most 20)."""
        return min(self.due_today, 20)

    @property
    def weakest_keys(self) -> str:
        return ",".join(q.key for q, _ in self.weakest)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def streaks(days: set[date], today: date) -> tuple[int, int]:
    """Current streak (ending today, or yesterday if today has no practice yet) and best."""
    best = run = 0
    previous = None
    for day in sorted(days):
        run = run + 1 if previous == day - timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    current = 0
    day = today if today in days else today - timedelta(days=1)
    while day in days:
        current += 1
        day -= timedelta(days=1)
    return current, best


def _bank_counts() -> tuple[list, list]:
    shape = list(
        Question.objects.published()
        .values_list("category", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Competency sizes are counted by the database (a dozen rows, not one per membership).
    sizes = list(
        Question.competencies.through.objects.filter(question__status="published")
        .values_list("competency__slug", "competency__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return shape, sizes


# What progress_key reads of the user's answers and reviews, in one plain SQL statement: it
# runs on every signed-in home and progress page, and the ORM spends ~1 ms building the two
# aggregates it replaces (docs/performance.md). Rated attempts: how many, the newest rating
# time, the sum of their versions. Review log: how many rows, the newest, the sum of ratings.
_STAMP_SQL = """
SELECT rated.n_rated, rated.last_rated, rated.edits, logs.n_logs, logs.last_log, logs.ratings
FROM (
    SELECT COUNT(*) AS n_rated, MAX(a.rated_at) AS last_rated, SUM(a.version) AS edits
    FROM practice_attempt a INNER JOIN practice_practicesession s ON a.session_id = s.id
    WHERE s.user_id = %s AND a.rating <> ''
) rated, (
    SELECT COUNT(*) AS n_logs, MAX(g.id) AS last_log, SUM(g.rating) AS ratings
    FROM practice_reviewlog g INNER JOIN practice_reviewcard c ON g.card_id = c.id
    WHERE c.user_id = %s
) logs
"""


def progress_key(user, profile: Profile, now: datetime, *, version: int | None = None) -> str:
    """A cache key that changes with anything the board or the due count reads.

    Rated attempts (their number, the newest rating, and the sum of their versions, which
    every save of an answer bumps), the review log (its size, newest row and the sum of its
    ratings: every rating, correction, import and reset changes one), the settings, the
    bank's version and today's date.
    """
    connection = connections[router.db_for_read(Attempt)]
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL, [user.pk, user.pk])
        stamp = cursor.fetchone()
    parts = (
        bank_version() if version is None else version,
        timezone.localdate(now),
        profile.desired_retention,
        profile.daily_goal,
        profile.interview_date,
        *stamp,
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"progress:{user.pk}:{digest}"


def cached_dashboard(user, *, now: datetime | None = None) -> Dashboard:
    """The user's board, reused while `progress_key` is unchanged (for a few minutes)."""
    now = now or timezone.now()
    profile = Profile.objects.of(user)
    version = bank_version()
    key = progress_key(user, profile, now, version=version)
    board = cache.get(key)
    if board is None:
        board = dashboard(user, now=now, profile=profile, version=version)
        board.key = key
        cache.set(key, board, PROGRESS_CACHE_SECONDS)
    return board


def dashboard(
    user,
    *,
    now: datetime | None = None,
    profile: Profile | None = None,
    version: int | None = None,
) -> Dashboard:
    now = now or timezone.now()
    version = bank_version() if version is None else version
    today = timezone.localdate(now)
    profile = profile or Profile.objects.of(user)
    board = Dashboard(today=today, profile=profile)
    if profile.interview_date and profile.interview_date >= today:
        board.days_to_interview = (profile.interview_date - today).days

    attempts = list(
        Attempt.objects.for_user(user)
        .exclude(rating="")
        .values_list("rated_at", "rating", "elapsed_seconds", "word_count", "part_word_counts")
    )
    cards = list(
        ReviewCard.objects.filter(user=user, question__status="published")
        .select_related("question")
        .defer(*(f"question__{f}" for f in QUESTION_TEXTS))
    )
    # The bank's shape and competency sizes are the same for everyone: counted once per bank
    # version (questions.models.BankState) and cached.
    shape, sizes = cache.get_or_set(
        f"bank:{version}:dashboard-shape", _bank_counts, BANK_CACHE_SECONDS
    )
    through = Question.competencies.through.objects.filter(question__status="published")
    # Only the memberships of questions the user has cards for are fetched.
    membership = list(
        through.filter(question_id__in=[c.question_id for c in cards]).values_list(
            "question_id", "competency__slug"
        )
    )

    # --- readiness ------------------------------------------------------------------------
    categories = {c.value: Area(c.label, c.value) for c in Category}
    stages = {s.value: Area(s.label, s.value) for s in Stage}
    for category, stage, n in shape:
        categories[category].total += n
        if stage:
            stages[stage].total += n
    competencies: dict[str, Area] = {}
    comps_of: dict[int, list[str]] = defaultdict(list)
    for slug, name, n in sizes:
        competencies[slug] = Area(name, slug, total=n)
    for question_id, slug in membership:
        comps_of[question_id].append(slug)
    planned = scheduling.plan(
        cards, now=now, retention=profile.desired_retention, interview=profile.interview_date
    )
    last_rating = _last_ratings(cards)
    for p in planned:
        q = p.card.question
        ready = p.recall >= scheduling.RECALLED or last_rating.get(p.card.pk) in GOOD
        areas = [categories[q.category]]
        if q.stage:
            areas.append(stages[q.stage])
        areas += [competencies[s] for s in comps_of.get(q.pk, []) if s in competencies]
        for area in areas:
            area.practised += 1
            area.ready += ready
            area.recall_sum += p.recall
        board.ready += ready
    board.categories = list(categories.values())
    board.stages = list(stages.values())
    board.competencies = sorted(competencies.values(), key=lambda a: a.label)
    board.practised = len(planned)
    board.bank_size = sum(a.total for a in board.categories)

    # --- practice over time ---------------------------------------------------------------
    first_week = week_start(today) - timedelta(weeks=WEEKS - 1)
    weeks = {
        first_week + timedelta(weeks=n): Week(first_week + timedelta(weeks=n)) for n in range(WEEKS)
    }
    per_day: Counter[date] = Counter()
    rating_counts: Counter[str] = Counter()
    for rated_at, rating, seconds, words, parts in attempts:
        day = timezone.localdate(rated_at)
        rating_counts[rating] += 1
        board.total_attempts += 1
        board.total_minutes += seconds or 0
        if rating == Rating.SKIPPED:
            continue
        per_day[day] += 1
        week = weeks.get(week_start(day))
        if week is None:
            continue
        week.attempts += 1
        week.seconds += seconds or 0
        week.words += words
        star_total = sum(parts.get(k, 0) for k in ("situation", "task", "action", "result"))
        if star_total:
            week.star_answers += 1
            week.action_pct_sum += 100 * parts.get("action", 0) / star_total
    board.total_minutes = round(board.total_minutes / 60)
    board.weeks = list(weeks.values())
    board.heatmap = [
        [
            (w.start + timedelta(days=d), per_day.get(w.start + timedelta(days=d), 0))
            for d in range(7)
        ]
        for w in board.weeks
    ]
    board.heat_max = max(per_day.values(), default=0)
    board.streak, board.best_streak = streaks(set(per_day), today)
    board.ratings = [
        (r.label, rating_counts[r])
        for r in (Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY, Rating.SKIPPED)
    ]

    # --- what comes next ------------------------------------------------------------------
    due = scheduling.due_now(planned, now=now)
    board.due_today = len(due)
    due_ids = {p.card.pk for p in due}
    forecast = Counter({today: len(due)})
    for p in planned:
        day = timezone.localdate(p.due)
        if p.card.pk not in due_ids and today < day < today + timedelta(days=14):
            forecast[day] += 1
    board.forecast = [
        (today + timedelta(days=n), forecast[today + timedelta(days=n)]) for n in range(14)
    ]
    weakest = sorted(planned, key=lambda p: (p.recall, p.card.question.key))[:5]
    board.weakest = [(p.card.question, p.recall) for p in weakest]
    practised_areas = [
        a for a in [*board.categories, *board.stages, *board.competencies] if a.practised
    ]
    board.weak_areas = sorted(practised_areas, key=lambda a: (a.mean_recall, a.label))[:5]
    return board


def _last_ratings(cards: list[ReviewCard]) -> dict[int, str]:
    """The last self-rating of each card, from the card's own state: FSRS stores the last
    review time; the rating itself comes from the newest log, fetched in one query."""
    names = {1: Rating.AGAIN, 2: Rating.HARD, 3: Rating.GOOD, 4: Rating.EASY}
    latest: dict[int, str] = {}
    for card_id, rating in (
        ReviewLog.objects.filter(card__in=[c.pk for c in cards])
        .order_by("card_id", "reviewed_at", "pk")
        .values_list("card_id", "rating")
    ):
        latest[card_id] = names[rating]
    return latest
