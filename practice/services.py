"""Practice workflows: start a session, save an answer, reveal, tick, rate."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Profile
from questions.models import Category, Question, RedFlag

from . import coach, scheduling
from .models import (
    STAR_PARTS,
    TEXT_FIELDS,
    TIME_BUDGETS,
    Attempt,
    Mode,
    PracticeSession,
    Rating,
    ReviewCard,
    ReviewLog,
    Story,
)

MAX_ELAPSED = 6 * 60 * 60  # a client-reported time above six hours is not believed


class NotEnoughQuestions(Exception):
    """No question matches what was asked for."""


@dataclass
class StartResult:
    session: PracticeSession
    shortfall: str = ""  # a plain sentence when fewer questions than asked were found


def _unseen_first(qs, user, limit: int, exclude: set[int]) -> list[Question]:
    seen = Attempt.objects.filter(session__user=user, question=OuterRef("pk"))
    return list(
        qs.exclude(pk__in=exclude).annotate(seen=Exists(seen)).order_by("seen", "?")[:limit]
    )


def _filtered(filters: dict) -> object:
    qs = Question.objects.published()
    for name in ("category", "difficulty", "stage"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("competency"):
        qs = qs.for_competency(filters["competency"])
    if filters.get("tag"):
        qs = qs.for_tag(filters["tag"])
    if filters.get("keys"):
        qs = qs.filter(key__in=filters["keys"])
    return qs


QUESTION_TEXTS = ("assesses", "tip", "key_points", "follow_ups", "search_text")


def due_queue(user, *, now, profile: Profile | None = None) -> list[scheduling.Planned]:
    """The user's questions due by the end of today, most urgent first (published only)."""
    profile = profile or Profile.objects.of(user)
    cards = list(
        ReviewCard.objects.filter(user=user, question__status="published")
        .select_related("question")
        # Scheduling needs the card; callers need the question's identity, not its texts.
        .defer(*(f"question__{f}" for f in QUESTION_TEXTS))
    )
    planned = scheduling.plan(
        cards, now=now, retention=profile.desired_retention, interview=profile.interview_date
    )
    return scheduling.due_now(planned, now=now)


@transaction.atomic
def session_start(*, user, mode: str, filters: dict, counts: dict[str, int]) -> StartResult:
    """Choose questions (unseen first, no repeats) and create the session.

    Raises NotEnoughQuestions when nothing matches.
    """
    chosen: list[Question] = []
    asked = sum(counts.values())
    if mode == Mode.MOCK:
        per_category = {}
        for category in Category:
            n = counts.get(category.value, 0)
            if n:
                per_category[category] = _unseen_first(
                    _filtered({**filters, "category": category}), user, n, set()
                )
        # Interleave like a real interview: behavioral, technical, situational, repeat.
        while any(per_category.values()):
            for category in Category:
                if per_category.get(category):
                    chosen.append(per_category[category].pop(0))
    elif mode == Mode.REVIEW:
        chosen = [p.card.question for p in due_queue(user, now=timezone.now())][:asked]
    else:
        chosen = _unseen_first(_filtered(filters), user, asked, set())

    if not chosen:
        if mode == Mode.REVIEW:
            if not ReviewCard.objects.filter(user=user).exists():
                raise NotEnoughQuestions(
                    "You have no rated questions to review yet. "
                    "Start with a drill or a mock interview."
                )
            raise NotEnoughQuestions(
                "Nothing is due for review today: well done. Start a drill to learn new questions."
            )
        raise NotEnoughQuestions("No published question matches these filters. Try fewer filters.")

    session = PracticeSession.objects.create(
        user=user,
        mode=mode,
        settings={"filters": {k: v for k, v in filters.items() if v}, "counts": counts},
        question_count=len(chosen),
    )
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(
            session=session,
            question=question,
            position=position,
            time_budget=TIME_BUDGETS[question.category] if mode == Mode.MOCK else None,
            started_at=now if position == 1 else None,
        )
        for position, question in enumerate(chosen, start=1)
    )
    shortfall = ""
    if len(chosen) < asked:
        shortfall = (
            f"Only {len(chosen)} question{'s' if len(chosen) != 1 else ''} matched, "
            f"so this session has {len(chosen)} instead of {asked}."
        )
    return StartResult(session=session, shortfall=shortfall)


class StaleAnswer(Exception):
    """The answer was saved elsewhere (another tab) since this copy was loaded."""

    def __init__(self, saved_at) -> None:
        super().__init__("stale answer")
        self.saved_at = saved_at


def _elapsed(attempt: Attempt, reported: int | None) -> int:
    if reported is not None and 0 <= reported <= MAX_ELAPSED:
        return reported
    if attempt.started_at is None:
        return attempt.elapsed_seconds or 0
    # Without a client timer, count wall time, but not a night away from the desk.
    wall = (timezone.now() - attempt.started_at) // timedelta(seconds=1)
    return min(wall, 60 * 60)


def _update_attempt(pk: int, version: int | None, updates: dict) -> int:
    """One conditional UPDATE, `version` bumped: the check and the write are atomic, whatever
    the database. Returns 1, or 0 if the row's version is no longer `version` (None: any).

    What `Attempt.objects.filter(pk=pk, version=version).update(version=F("version") + 1,
    **updates)` sends, values prepared for the database by each field as the ORM prepares
    them, written out here: autosave runs every second or so of typing, and building the
    query through the ORM was a seventh of its time (docs/performance.md).
    """
    meta = Attempt._meta
    version_field = meta.get_field("version")
    if version is not None:
        low, high = connection.ops.integer_field_range(version_field.get_internal_type())
        if not (low is None or low <= version) or not (high is None or version <= high):
            # No row can hold it (and SQLite cannot even be sent it): as the ORM does for an
            # out-of-range integer lookup, nothing matches.
            return 0
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in updates]
    version_column = quote(version_field.column)
    assignments = [f"{quote(f.column)} = %s" for f in fields]
    assignments.append(f"{version_column} = ({version_column} + 1)")
    params = [f.get_db_prep_save(updates[f.name], connection=connection) for f in fields]
    params.append(pk)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    if version is not None:
        sql += f" AND {version_column} = %s"
        params.append(version)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@transaction.atomic
def attempt_save(
    *,
    attempt: Attempt,
    texts: dict[str, str],
    version: int,
    force: bool = False,
    elapsed: int | None = None,
) -> Attempt:
    """Save the answer text if `version` is current (or `force`); bumps the version."""
    fields = [f for f in TEXT_FIELDS if f in texts]
    now = timezone.now()
    updates = {f: texts[f] for f in fields}
    merged = Attempt(
        question=attempt.question, **{f: texts.get(f, getattr(attempt, f)) for f in TEXT_FIELDS}
    )
    merged.count_words()
    updates["word_count"] = merged.word_count
    updates["part_word_counts"] = merged.part_word_counts
    updates["saved_at"] = now
    if elapsed is not None and 0 <= elapsed <= MAX_ELAPSED:
        updates["elapsed_seconds"] = elapsed
    if attempt.started_at is None:
        updates["started_at"] = now
    if connection.vendor == "postgresql":
        # A draft saved every second or so need not wait for its commit to reach the disk:
        # PostgreSQL writes it within 3 x wal_writer_delay (0.6 s by default), so only a crash
        # of PostgreSQL or the machine could lose the last fraction of a second of typing,
        # and never corrupts anything. A crash of the app server loses no acknowledged save.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    changed = _update_attempt(attempt.pk, None if force else version, updates)
    if not changed:
        current = Attempt.objects.only("saved_at").get(pk=attempt.pk)
        raise StaleAnswer(current.saved_at)
    # The row now holds exactly what was written: no need to read it back.
    for name, value in updates.items():
        setattr(attempt, name, value)
    if force:
        attempt.refresh_from_db(fields=["version"])
    else:
        attempt.version = version + 1
    return attempt


@transaction.atomic
def attempt_reveal(*, attempt: Attempt) -> Attempt:
    """Mark the guidance as shown (idempotent)."""
    if attempt.revealed_at is None:
        attempt.revealed_at = timezone.now()
        attempt.save(update_fields=["revealed_at"])
    return attempt


@transaction.atomic
def attempt_checklist(*, attempt: Attempt, covered: list[int], red_flags: list[RedFlag]) -> Attempt:
    """Store which key points the answer covered and which red flags it shows."""
    attempt.covered_points = sorted(set(covered))
    attempt.save(update_fields=["covered_points"])
    attempt.red_flags.set(red_flags)
    return attempt


@transaction.atomic
def attempt_rate(*, attempt: Attempt, rating: str, elapsed: int | None = None) -> Attempt | None:
    """Record the self-rating (or a skip); returns the next unrated attempt, if any.

    Rating an answer again (the page shows its buttons after rating, and a double click posts
    twice) corrects the rating already logged instead of logging a second review; when it
    was rated and how long it took stay as they were.
    """
    # Serialise ratings of one answer (two tabs, a double click) on PostgreSQL too.
    Attempt.objects.select_for_update().filter(pk=attempt.pk).values_list("pk").first()
    now = timezone.now()
    # A correction changes the rating only: when it was answered, and how long it took, stay.
    correcting = attempt.rating not in ("", Rating.SKIPPED)
    attempt.rating = rating
    if not correcting:
        attempt.rated_at = now
        attempt.elapsed_seconds = _elapsed(attempt, elapsed)
    if attempt.started_at is None:
        attempt.started_at = now
    attempt.save(update_fields=["rating", "rated_at", "elapsed_seconds", "started_at"])
    session = attempt.session
    profile = Profile.objects.of(session.user)
    logged = ReviewLog.objects.filter(attempt=attempt).first()
    if logged is not None:
        scheduling.review_correct(logged, rating=rating, retention=profile.desired_retention)
    elif rating != Rating.SKIPPED:
        scheduling.review_record(
            user=session.user,
            question=attempt.question,
            rating=rating,
            when=now,
            retention=profile.desired_retention,
            attempt=attempt,
            duration_ms=attempt.elapsed_seconds * 1000 if attempt.elapsed_seconds else None,
        )
    remaining = session.attempts.filter(rating="").order_by("position")
    upcoming = remaining.filter(position__gt=attempt.position).first() or remaining.first()
    if upcoming is None:
        if session.finished_at is None:
            session.finished_at = now
            session.save(update_fields=["finished_at"])
    elif upcoming.started_at is None:
        upcoming.started_at = now
        upcoming.save(update_fields=["started_at"])
    return upcoming


# --- stories and the coach ----------------------------------------------------------------


@transaction.atomic
def story_from_attempt(*, attempt: Attempt) -> Story:
    """Save a STAR answer as a new story, with the question's competencies and the question."""
    question = attempt.question
    story = Story.objects.create(
        user=attempt.session.user,
        title=question.prompt[:117] + ("…" if len(question.prompt) > 117 else ""),
        **{part: getattr(attempt, part) for part in STAR_PARTS},
    )
    story.competencies.set(question.competencies.all())
    story.questions.add(question)
    return story


@transaction.atomic
def attempt_use_story(*, attempt: Attempt, story: Story, version: int) -> Attempt:
    """Fill the answer's STAR fields from a story (to adapt), remembering which one."""
    attempt_save(attempt=attempt, texts=story.parts(), version=version)
    Attempt.objects.filter(pk=attempt.pk).update(story=story)
    story.questions.add(attempt.question)
    attempt.refresh_from_db()
    return attempt


@transaction.atomic
def attempt_coach(*, attempt: Attempt) -> list[dict]:
    """Run the answer coach on the saved answer and keep its findings with the attempt."""
    parts = (
        {part: getattr(attempt, part) for part in STAR_PARTS}
        if attempt.uses_star
        else {"answer": attempt.answer}
    )
    findings = [asdict(f) for f in coach.analyze(parts)]
    attempt.coach_findings = findings
    attempt.coached_at = timezone.now()
    attempt.save(update_fields=["coach_findings", "coached_at"])
    return findings
