"""A user's data: export (JSON, Markdown, CSV) and restore from the JSON export.

The JSON holds everything the user owns: settings, sessions with their attempts (answers,
checklists, times, ratings), the review log and the questions they suggested. Schedules are
not stored in it: they are rebuilt from the review log on import, exactly as FSRS made them.
Import is all or nothing and idempotent (sessions, attempts and reviews keep their UUIDs).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from practice.models import (
    Attempt,
    Mode,
    PracticeSession,
    Rating,
    ReviewCard,
    ReviewLog,
    Story,
)
from practice.scheduling import card_rebuild
from questions.formats import spreadsheet_safe
from questions.models import Competency, Question, RedFlag, Status

from .models import MAX_RETENTION, MIN_RETENTION, Profile

FORMAT = "interview_prep.user_data"
VERSION = 1
MAX_IMPORT_BYTES = 10 * 1024 * 1024
TEXTS = ("situation", "task", "action", "result", "answer", "notes")
MAX_STORY_TAGS = 12  # as practice.forms.StoryForm
MAX_STORY_TAG_CHARS = 300
# What one import may hold. A year of daily practice is ~2,000 answers; the caps keep one
# import's write transaction (which holds SQLite's write lock) to a few seconds.
MAX_IMPORT_ROWS = {"stories": 1_000, "sessions": 2_000, "attempts": 10_000, "review_log": 20_000}
SMALL_INT = 32_767  # PositiveSmallIntegerField, on every database
INT = 2_147_483_647  # PositiveIntegerField


class DataError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_data(user) -> dict[str, Any]:
    profile = Profile.objects.of(user)
    sessions = (
        PracticeSession.objects.for_user(user)
        .order_by("created_at", "uuid")
        .prefetch_related("attempts__question", "attempts__red_flags", "attempts__story")
    )
    stories = (
        Story.objects.for_user(user)
        .order_by("created_at", "uuid")
        .prefetch_related("competencies", "questions")
    )
    logs = (
        ReviewLog.objects.filter(card__user=user)
        .select_related("card__question", "attempt")
        .order_by("reviewed_at", "uuid")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "settings": {
            "desired_retention": profile.desired_retention,
            "daily_goal": profile.daily_goal,
            "interview_date": profile.interview_date.isoformat()
            if profile.interview_date
            else None,
        },
        "sessions": [
            {
                "uuid": str(s.uuid),
                "mode": s.mode,
                "settings": s.settings,
                "question_count": s.question_count,
                "created_at": _dt(s.created_at),
                "finished_at": _dt(s.finished_at),
                "attempts": [
                    {
                        "uuid": str(a.uuid),
                        "question": a.question.key,
                        "position": a.position,
                        "time_budget": a.time_budget,
                        **{f: getattr(a, f) for f in TEXTS},
                        "version": a.version,
                        "started_at": _dt(a.started_at),
                        "saved_at": _dt(a.saved_at),
                        "revealed_at": _dt(a.revealed_at),
                        "covered_points": a.covered_points,
                        "red_flags": sorted(f.slug for f in a.red_flags.all()),
                        "elapsed_seconds": a.elapsed_seconds,
                        "rating": a.rating,
                        "rated_at": _dt(a.rated_at),
                        "coach_findings": a.coach_findings,
                        "coached_at": _dt(a.coached_at),
                        "story": str(a.story.uuid) if a.story else None,
                    }
                    for a in sorted(s.attempts.all(), key=lambda a: a.position)
                ],
            }
            for s in sessions
        ],
        "review_log": [
            {
                "uuid": str(log.uuid),
                "question": log.card.question.key,
                "attempt": str(log.attempt.uuid) if log.attempt else None,
                "rating": log.rating,
                "reviewed_at": _dt(log.reviewed_at),
                "duration_ms": log.duration_ms,
            }
            for log in logs
        ],
        "stories": [
            {
                "uuid": str(st.uuid),
                "title": st.title,
                **st.parts(),
                "competencies": sorted(c.slug for c in st.competencies.all()),
                "tags": st.tags,
                "questions": sorted(q.key for q in st.questions.all()),
                "created_at": _dt(st.created_at),
            }
            for st in stories
        ],
        "suggested_questions": [
            {
                "prompt": q.prompt,
                "category": q.category,
                "why": q.suggestion_note,
                "status": q.status,
                "created_at": _dt(q.created_at),
            }
            for q in Question.objects.filter(suggested_by=user).order_by("created_at", "pk")
        ],
    }


def export_json(user) -> str:
    return json.dumps(export_data(user), indent=2, ensure_ascii=False) + "\n"


def export_markdown(user) -> str:
    lines = ["# My interview practice answers", ""]
    sessions = (
        PracticeSession.objects.for_user(user)
        .order_by("created_at")
        .prefetch_related("attempts__question")
    )
    for s in sessions:
        lines += [f"## {s.get_mode_display()}, {s.created_at:%d %B %Y, %H:%M}", ""]
        for a in sorted(s.attempts.all(), key=lambda a: a.position):
            lines += [f"### {a.position}. {a.question.prompt}", ""]
            meta = [f"Rating: {a.get_rating_display() or 'not rated'}"]
            if a.elapsed_seconds:
                meta.append(f"time: {a.elapsed_seconds // 60}:{a.elapsed_seconds % 60:02d}")
            meta.append(f"{a.word_count} words")
            lines += ["*" + ", ".join(meta) + "*", ""]
            parts = (
                ("situation", "task", "action", "result") if a.uses_star else ("answer", "notes")
            )
            for part in parts:
                text = getattr(a, part).strip()
                if text:
                    lines += [f"**{part.capitalize()}**", "", text, ""]
    return "\n".join(lines).rstrip() + "\n"


CSV_COLUMNS = [
    "session",
    "mode",
    "session_started",
    "position",
    "question",
    "prompt",
    "category",
    "rating",
    "rated_at",
    "elapsed_seconds",
    "words",
    "key_points_covered",
    "key_points_total",
    "red_flags_ticked",
]


def export_csv(user) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    attempts = (
        Attempt.objects.for_user(user)
        .select_related("session", "question")
        .prefetch_related("red_flags")
        .order_by("session__created_at", "position")
    )
    for a in attempts:
        row = [
            a.session.uuid,
            a.session.mode,
            _dt(a.session.created_at),
            a.position,
            a.question.key,
            a.question.prompt,
            a.question.category,
            a.rating,
            _dt(a.rated_at),
            a.elapsed_seconds if a.elapsed_seconds is not None else "",
            a.word_count,
            len(a.covered_points),
            len(a.question.key_points),
            "; ".join(sorted(f.slug for f in a.red_flags.all())),
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


# --- import -----------------------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def need(self, ok: bool, where: str, problem: str) -> bool:
        if not ok:
            self.errors.append(f"{where}: {problem}")
        return ok

    def uuid(self, value: Any, where: str) -> None:
        try:
            uuid.UUID(str(value))
        except ValueError:
            self.errors.append(f"{where}: not a valid id")

    def moment(self, value: Any, where: str, *, required: bool = False) -> None:
        if value is None and not required:
            return
        try:
            ok = isinstance(value, str) and parse_datetime(value) is not None
        except ValueError:  # well-formed but impossible, e.g. 30 February
            ok = False
        if not ok:
            self.errors.append(f"{where}: not a date and time (ISO 8601)")

    def whole(self, value: Any, where: str, *, low: int, high: int, optional: bool) -> None:
        if value is None and optional:
            return
        # bool is an int in Python; a JSON true is not a number here.
        if not (type(value) is int and low <= value <= high):
            self.errors.append(f"{where}: must be a whole number from {low:,} to {high:,}")

    def unique(self, value: Any, seen: set[str], where: str) -> None:
        if str(value) in seen:
            self.errors.append(f"{where}: this id appears twice in the file")
        seen.add(str(value))

    def at_most(self, rows: Any, name: str) -> None:
        limit = MAX_IMPORT_ROWS[name]
        if isinstance(rows, list) and len(rows) > limit:
            self.errors.append(
                f"{name}: the file has {len(rows):,}; the limit is {limit:,} per import"
            )


def _parse(value: str | None) -> datetime | None:
    """An export's date and time; one without an offset is taken as the site's time zone."""
    moment = parse_datetime(value) if value else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _known(value: Any, names: set[str]) -> bool:
    """Whether value is one of names (and text: a list or object in its place is not)."""
    return isinstance(value, str) and value in names


def _is_finding(value: Any) -> bool:
    """The shape the coach stores (practice.coach.Finding); pages index into it."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("code"), str)
        and all(isinstance(value.get(k, ""), str) for k in ("evidence", "message"))
        and (value.get("part") is None or isinstance(value["part"], str))
    )


def validate(
    data: Any, *, question_keys: set[str], flag_slugs: set[str], competency_slugs: set[str]
) -> list[str]:
    c = _Checker()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return ['this is not an interview_prep data export (its "format" is missing or different)']
    if data.get("version") != VERSION:
        return [f"export version {data.get('version')!r} is not supported (expected {VERSION})"]
    settings = data.get("settings")
    if c.need(isinstance(settings, dict), "settings", "missing"):
        r = settings.get("desired_retention")
        c.need(
            isinstance(r, int | float) and MIN_RETENTION <= r <= MAX_RETENTION,
            "settings.desired_retention",
            f"must be between {MIN_RETENTION} and {MAX_RETENTION}",
        )
        g = settings.get("daily_goal")
        c.need(isinstance(g, int) and 1 <= g <= 50, "settings.daily_goal", "must be 1 to 50")
        d = settings.get("interview_date")
        if d is not None:
            try:
                date.fromisoformat(d)
            except (TypeError, ValueError):
                c.errors.append("settings.interview_date: not a date (YYYY-MM-DD)")
    stories = data.get("stories", [])
    story_ids: set[str] = set()
    for name in ("stories", "sessions", "review_log"):  # answers are counted per session
        c.at_most(data.get(name), name)
    if c.errors:
        return c.errors
    if c.need(isinstance(stories, list), "stories", "must be a list"):
        for i, st in enumerate(stories):
            w = f"stories[{i}]"
            if not c.need(isinstance(st, dict), w, "must be an object"):
                continue
            c.uuid(st.get("uuid"), f"{w}.uuid")
            c.unique(st.get("uuid"), story_ids, f"{w}.uuid")
            c.need(
                isinstance(st.get("title"), str) and 0 < len(st["title"]) <= 120,
                f"{w}.title",
                "must be text of 1 to 120 characters",
            )
            for part in ("situation", "task", "action", "result"):
                c.need(
                    isinstance(st.get(part), str) and len(st[part]) <= 20_000,
                    f"{w}.{part}",
                    "must be text of at most 20,000 characters",
                )
            c.need(
                isinstance(st.get("competencies"), list)
                and all(_known(x, competency_slugs) for x in st.get("competencies") or []),
                f"{w}.competencies",
                "unknown competency",
            )
            c.need(
                isinstance(st.get("questions"), list)
                and all(_known(x, question_keys) for x in st.get("questions") or []),
                f"{w}.questions",
                "unknown question",
            )
            tags = st.get("tags")
            if c.need(
                isinstance(tags, list) and all(isinstance(x, str) for x in tags),
                f"{w}.tags",
                "must be a list of text",
            ):
                c.need(  # what the story form allows
                    len(tags) <= MAX_STORY_TAGS and len(", ".join(tags)) <= MAX_STORY_TAG_CHARS,
                    f"{w}.tags",
                    f"at most {MAX_STORY_TAGS} tags, {MAX_STORY_TAG_CHARS} characters in all",
                )
            c.moment(st.get("created_at"), f"{w}.created_at", required=True)
    sessions = data.get("sessions")
    attempt_ids: set[str] = set()
    session_ids: set[str] = set()
    n_attempts = 0
    if c.need(isinstance(sessions, list), "sessions", "must be a list"):
        for i, s in enumerate(sessions):
            w = f"sessions[{i}]"
            if not c.need(isinstance(s, dict), w, "must be an object"):
                continue
            c.uuid(s.get("uuid"), f"{w}.uuid")
            c.unique(s.get("uuid"), session_ids, f"{w}.uuid")
            c.need(
                _known(s.get("mode"), set(Mode.values)),
                f"{w}.mode",
                f"must be one of {', '.join(Mode.values)}",
            )
            c.moment(s.get("created_at"), f"{w}.created_at", required=True)
            c.moment(s.get("finished_at"), f"{w}.finished_at")
            c.need(
                s.get("settings") is None or isinstance(s["settings"], dict),
                f"{w}.settings",
                "must be an object",
            )
            attempts = s.get("attempts")
            if not c.need(
                isinstance(attempts, list) and attempts, f"{w}.attempts", "must be a non-empty list"
            ):
                continue
            positions, asked = set(), set()
            n_attempts += len(attempts)
            if n_attempts > MAX_IMPORT_ROWS["attempts"]:
                limit = MAX_IMPORT_ROWS["attempts"]
                c.errors.append(f"{w}.attempts: more than {limit:,} answers in all; the limit")
                break
            for j, a in enumerate(attempts):
                aw = f"{w}.attempts[{j}]"
                if not c.need(isinstance(a, dict), aw, "must be an object"):
                    continue
                c.uuid(a.get("uuid"), f"{aw}.uuid")
                c.unique(a.get("uuid"), attempt_ids, f"{aw}.uuid")
                if c.need(
                    _known(a.get("question"), question_keys),
                    f"{aw}.question",
                    f"unknown question {a.get('question')!r}",
                ):
                    c.need(
                        a["question"] not in asked,
                        f"{aw}.question",
                        "appears twice in this session",
                    )
                    asked.add(a["question"])
                pos = a.get("position")
                c.whole(pos, f"{aw}.position", low=1, high=SMALL_INT, optional=False)
                if type(pos) is int:
                    c.need(pos not in positions, f"{aw}.position", "appears twice in this session")
                    positions.add(pos)
                for f in TEXTS:
                    c.need(
                        isinstance(a.get(f), str) and len(a.get(f)) <= 20_000,
                        f"{aw}.{f}",
                        "must be text of at most 20,000 characters",
                    )
                c.need(
                    _known(a.get("rating"), {"", *Rating.values}), f"{aw}.rating", "not a rating"
                )
                points = a.get("covered_points")
                c.need(
                    isinstance(points, list)
                    and len(points) <= 100
                    and all(type(n) is int and 0 <= n < 100 for n in points),
                    f"{aw}.covered_points",
                    "must be a list of key-point numbers (0 to 99)",
                )
                flags = a.get("red_flags")
                c.need(
                    isinstance(flags, list) and all(_known(f, flag_slugs) for f in flags),
                    f"{aw}.red_flags",
                    "unknown red flag",
                )
                c.need(
                    a.get("story") is None or str(a.get("story")) in story_ids,
                    f"{aw}.story",
                    "refers to no story in this file",
                )
                findings = a.get("coach_findings", [])
                c.need(
                    isinstance(findings, list) and all(map(_is_finding, findings)),
                    f"{aw}.coach_findings",
                    "must be a list of findings (objects with text code, part, evidence, message)",
                )
                for name in ("started_at", "saved_at", "revealed_at", "rated_at", "coached_at"):
                    c.moment(a.get(name), f"{aw}.{name}")
                for name, high in (("elapsed_seconds", INT), ("time_budget", SMALL_INT)):
                    c.whole(a.get(name), f"{aw}.{name}", low=0, high=high, optional=True)
                c.whole(a.get("version"), f"{aw}.version", low=0, high=INT, optional=True)
    logs = data.get("review_log")
    log_ids: set[str] = set()
    reviewed_attempts: set[str] = set()  # an answer has at most one review
    if c.need(isinstance(logs, list), "review_log", "must be a list"):
        for i, log in enumerate(logs):
            w = f"review_log[{i}]"
            if not c.need(isinstance(log, dict), w, "must be an object"):
                continue
            c.uuid(log.get("uuid"), f"{w}.uuid")
            c.unique(log.get("uuid"), log_ids, f"{w}.uuid")
            c.need(
                _known(log.get("question"), question_keys),
                f"{w}.question",
                f"unknown question {log.get('question')!r}",
            )
            c.whole(log.get("rating"), f"{w}.rating", low=1, high=4, optional=False)
            c.whole(log.get("duration_ms"), f"{w}.duration_ms", low=0, high=INT, optional=True)
            c.moment(log.get("reviewed_at"), f"{w}.reviewed_at", required=True)
            if (
                c.need(
                    log.get("attempt") is None or str(log.get("attempt")) in attempt_ids,
                    f"{w}.attempt",
                    "refers to no attempt in this file",
                )
                and log.get("attempt") is not None
            ):
                c.unique(log["attempt"], reviewed_attempts, f"{w}.attempt")
    return c.errors


def import_data(user, raw: bytes) -> dict[str, int]:
    """Restore an export into `user`'s account; returns counts of what was added.

    All or nothing: any problem raises DataError naming where, and changes nothing.
    """
    try:
        return _import_data(user, raw)
    except IntegrityError as exc:  # a clash validation can't see, e.g. an edited file's ids
        raise DataError(
            ["some ids in the file clash with data already on this site; nothing was imported"]
        ) from exc


@transaction.atomic
def _import_data(user, raw: bytes) -> dict[str, int]:
    if len(raw) > MAX_IMPORT_BYTES:
        raise DataError([f"the file is {len(raw) / 1024 / 1024:.1f} MB; the limit is 10 MB"])
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DataError(["the file is not UTF-8 text"]) from exc
    except json.JSONDecodeError as exc:
        raise DataError(
            [
                f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg} "
                "(is the file complete?)"
            ]
        ) from exc
    except RecursionError as exc:
        raise DataError(["the file nests lists or objects too deeply to be an export"]) from exc
    # Only questions a candidate can have met: published, retired (past answers stay readable)
    # or already practised here. Drafts and suggestions must not be reachable by naming them.
    visible = Q(status__in=[Status.PUBLISHED, Status.RETIRED]) | Q(attempts__session__user=user)
    questions = {
        q.key: q for q in Question.objects.filter(visible).distinct().only("pk", "key", "category")
    }
    flags = {slug: pk for slug, pk in RedFlag.objects.values_list("slug", "pk")}
    competencies = {c.slug: c for c in Competency.objects.all()}
    errors = validate(
        data,
        question_keys=set(questions),
        flag_slugs=set(flags),
        competency_slugs=set(competencies),
    )
    if errors:
        raise DataError(errors)
    # A file exported from another account that still exists here can't be restored twice.
    session_ids = [s["uuid"] for s in data["sessions"]]
    attempt_ids = [a["uuid"] for s in data["sessions"] for a in s["attempts"]]
    log_ids = [log["uuid"] for log in data["review_log"]]
    foreign = (
        PracticeSession.objects.filter(uuid__in=session_ids).exclude(user=user).exists()
        or Attempt.objects.filter(uuid__in=attempt_ids).exclude(session__user=user).exists()
        or ReviewLog.objects.filter(uuid__in=log_ids).exclude(card__user=user).exists()
    )
    if foreign:
        raise DataError(
            [
                "these sessions belong to another account on this site; "
                "delete that account first, or import into it"
            ]
        )

    settings = data["settings"]
    profile = Profile.objects.of(user)
    profile.desired_retention = settings["desired_retention"]
    profile.daily_goal = settings["daily_goal"]
    profile.interview_date = (
        date.fromisoformat(settings["interview_date"]) if settings["interview_date"] else None
    )
    profile.save()

    counts = {"sessions": 0, "attempts": 0, "reviews": 0, "stories": 0}
    story_pk: dict[str, int] = {
        str(u): pk for u, pk in Story.objects.for_user(user).values_list("uuid", "pk")
    }
    for st in data.get("stories", []):
        if st["uuid"] in story_pk:
            continue
        if Story.objects.filter(uuid=st["uuid"]).exists():
            raise DataError(["these stories belong to another account on this site"])
        story = Story.objects.create(
            uuid=st["uuid"],
            user=user,
            title=st["title"],
            tags=st["tags"],
            **{part: st[part] for part in ("situation", "task", "action", "result")},
        )
        Story.objects.filter(pk=story.pk).update(created_at=_parse(st["created_at"]))
        story.competencies.set([competencies[slug] for slug in st["competencies"]])
        story.questions.set([questions[key] for key in st["questions"]])
        story_pk[st["uuid"]] = story.pk
        counts["stories"] += 1
    existing = set(
        PracticeSession.objects.filter(uuid__in=session_ids).values_list("uuid", flat=True)
    )
    attempt_pk: dict[str, int] = {
        str(u): pk for u, pk in Attempt.objects.filter(session__user=user).values_list("uuid", "pk")
    }
    new_sessions = [s for s in data["sessions"] if uuid.UUID(s["uuid"]) not in existing]
    sessions = PracticeSession.objects.bulk_create(
        [
            PracticeSession(
                uuid=s["uuid"],
                user=user,
                mode=s["mode"],
                settings=s.get("settings") or {},
                question_count=len(s["attempts"]),
                finished_at=_parse(s["finished_at"]),
            )
            for s in new_sessions
        ],
        batch_size=500,
    )
    for session, s in zip(sessions, new_sessions, strict=True):
        session.created_at = _parse(s["created_at"])  # auto_now_add set it to now
    PracticeSession.objects.bulk_update(sessions, ["created_at"], batch_size=500)
    counts["sessions"] = len(sessions)
    new_attempts: list[tuple[str, Attempt, list[str]]] = []
    for session, s in zip(sessions, new_sessions, strict=True):
        for a in s["attempts"]:
            attempt = Attempt(
                uuid=a["uuid"],
                session=session,
                question=questions[a["question"]],
                position=a["position"],
                time_budget=a.get("time_budget"),
                **{f: a[f] for f in TEXTS},
                version=a.get("version") or 0,
                started_at=_parse(a.get("started_at")),
                saved_at=_parse(a.get("saved_at")),
                revealed_at=_parse(a.get("revealed_at")),
                covered_points=a["covered_points"],
                elapsed_seconds=a.get("elapsed_seconds"),
                rating=a["rating"],
                rated_at=_parse(a.get("rated_at")),
                coach_findings=a.get("coach_findings", []),
                coached_at=_parse(a.get("coached_at")),
                story_id=story_pk.get(str(a.get("story"))) if a.get("story") else None,
            )
            attempt.count_words()  # what save() would do; bulk_create doesn't call it
            new_attempts.append((a["uuid"], attempt, a["red_flags"]))
    # In bulk: one import holds SQLite's write lock, and row-by-row inserts held it for a
    # minute at 20,000 answers (found in review).
    Attempt.objects.bulk_create([attempt for _, attempt, _ in new_attempts], batch_size=500)
    Attempt.red_flags.through.objects.bulk_create(
        [
            Attempt.red_flags.through(attempt_id=attempt.pk, redflag_id=flags[slug])
            for _, attempt, slugs in new_attempts
            for slug in slugs
        ],
        batch_size=1000,
    )
    for key, attempt, _ in new_attempts:
        attempt_pk[key] = attempt.pk
    counts["attempts"] = len(new_attempts)
    known_logs = set(ReviewLog.objects.filter(card__user=user).values_list("uuid", flat=True))
    new_logs = [log for log in data["review_log"] if uuid.UUID(log["uuid"]) not in known_logs]
    cards = {card.question_id: card for card in ReviewCard.objects.filter(user=user)}
    first_review: dict[int, datetime] = {}
    for log in new_logs:
        question_id = questions[log["question"]].pk
        when = _parse(log["reviewed_at"])
        if question_id not in cards:
            first_review[question_id] = min(when, first_review.get(question_id, when))
    created = ReviewCard.objects.bulk_create(
        [ReviewCard(user=user, question_id=q, due=when) for q, when in first_review.items()],
        batch_size=500,
    )
    cards.update((card.question_id, card) for card in created)
    ReviewLog.objects.bulk_create(
        [
            ReviewLog(
                uuid=log["uuid"],
                card=cards[questions[log["question"]].pk],
                rating=log["rating"],
                reviewed_at=_parse(log["reviewed_at"]),
                duration_ms=log.get("duration_ms"),
                attempt_id=attempt_pk.get(str(log["attempt"])) if log.get("attempt") else None,
            )
            for log in new_logs
        ],
        batch_size=500,
    )
    touched = {cards[questions[log["question"]].pk].pk for log in new_logs}
    counts["reviews"] = len(new_logs)
    for card in ReviewCard.objects.filter(pk__in=touched).prefetch_related("logs"):
        card_rebuild(card, retention=profile.desired_retention)
    return counts
