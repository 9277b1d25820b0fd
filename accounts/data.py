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

from django.db import transaction
from django.db.models import Q
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


class DataError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_data(user) -> dict[str, Any]:
    profile = Profile.objects.get_or_create(user=user)[0]
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
        if not isinstance(value, str) or parse_datetime(value) is None:
            self.errors.append(f"{where}: not a date and time (ISO 8601)")


def _parse(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


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
    if c.need(isinstance(stories, list), "stories", "must be a list"):
        for i, st in enumerate(stories):
            w = f"stories[{i}]"
            if not c.need(isinstance(st, dict), w, "must be an object"):
                continue
            c.uuid(st.get("uuid"), f"{w}.uuid")
            story_ids.add(str(st.get("uuid")))
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
                and all(x in competency_slugs for x in st.get("competencies") or []),
                f"{w}.competencies",
                "unknown competency",
            )
            c.need(
                isinstance(st.get("questions"), list)
                and all(x in question_keys for x in st.get("questions") or []),
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
    if c.need(isinstance(sessions, list), "sessions", "must be a list"):
        for i, s in enumerate(sessions):
            w = f"sessions[{i}]"
            if not c.need(isinstance(s, dict), w, "must be an object"):
                continue
            c.uuid(s.get("uuid"), f"{w}.uuid")
            c.need(
                s.get("mode") in Mode.values,
                f"{w}.mode",
                f"must be one of {', '.join(Mode.values)}",
            )
            c.moment(s.get("created_at"), f"{w}.created_at", required=True)
            c.moment(s.get("finished_at"), f"{w}.finished_at")
            attempts = s.get("attempts")
            if not c.need(
                isinstance(attempts, list) and attempts, f"{w}.attempts", "must be a non-empty list"
            ):
                continue
            positions = set()
            for j, a in enumerate(attempts):
                aw = f"{w}.attempts[{j}]"
                if not c.need(isinstance(a, dict), aw, "must be an object"):
                    continue
                c.uuid(a.get("uuid"), f"{aw}.uuid")
                attempt_ids.add(str(a.get("uuid")))
                c.need(
                    a.get("question") in question_keys,
                    f"{aw}.question",
                    f"unknown question {a.get('question')!r}",
                )
                pos = a.get("position")
                c.need(
                    isinstance(pos, int) and pos >= 1 and pos not in positions,
                    f"{aw}.position",
                    "must be a unique number from 1",
                )
                positions.add(pos)
                for f in TEXTS:
                    c.need(
                        isinstance(a.get(f), str) and len(a.get(f)) <= 20_000,
                        f"{aw}.{f}",
                        "must be text of at most 20,000 characters",
                    )
                c.need(a.get("rating") in ["", *Rating.values], f"{aw}.rating", "not a rating")
                c.need(
                    isinstance(a.get("covered_points"), list)
                    and all(isinstance(n, int) for n in a.get("covered_points", [])),
                    f"{aw}.covered_points",
                    "must be a list of numbers",
                )
                flags = a.get("red_flags")
                c.need(
                    isinstance(flags, list) and all(f in flag_slugs for f in flags),
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
                for name in ("elapsed_seconds", "time_budget", "version"):
                    value = a.get(name)
                    c.need(
                        value is None or (isinstance(value, int) and value >= 0),
                        f"{aw}.{name}",
                        "must be a whole number",
                    )
    logs = data.get("review_log")
    if c.need(isinstance(logs, list), "review_log", "must be a list"):
        for i, log in enumerate(logs):
            w = f"review_log[{i}]"
            if not c.need(isinstance(log, dict), w, "must be an object"):
                continue
            c.uuid(log.get("uuid"), f"{w}.uuid")
            c.need(
                log.get("question") in question_keys,
                f"{w}.question",
                f"unknown question {log.get('question')!r}",
            )
            c.need(log.get("rating") in (1, 2, 3, 4), f"{w}.rating", "must be 1 to 4")
            c.moment(log.get("reviewed_at"), f"{w}.reviewed_at", required=True)
            c.need(
                log.get("attempt") is None or str(log.get("attempt")) in attempt_ids,
                f"{w}.attempt",
                "refers to no attempt in this file",
            )
    return c.errors


@transaction.atomic
def import_data(user, raw: bytes) -> dict[str, int]:
    """Restore an export into `user`'s account; returns counts of what was added."""
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
    foreign = PracticeSession.objects.filter(uuid__in=session_ids).exclude(user=user).exists()
    if foreign:
        raise DataError(
            [
                "these sessions belong to another account on this site; "
                "delete that account first, or import into it"
            ]
        )

    settings = data["settings"]
    profile = Profile.objects.get_or_create(user=user)[0]
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
    for s in data["sessions"]:
        if uuid.UUID(s["uuid"]) in existing:
            continue
        session = PracticeSession.objects.create(
            uuid=s["uuid"],
            user=user,
            mode=s["mode"],
            settings=s.get("settings") or {},
            question_count=len(s["attempts"]),
            finished_at=_parse(s["finished_at"]),
        )
        PracticeSession.objects.filter(pk=session.pk).update(created_at=_parse(s["created_at"]))
        counts["sessions"] += 1
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
            attempt.save()
            attempt.red_flags.set([flags[f] for f in a["red_flags"]])
            attempt_pk[a["uuid"]] = attempt.pk
            counts["attempts"] += 1
    known_logs = set(ReviewLog.objects.filter(card__user=user).values_list("uuid", flat=True))
    touched: set[int] = set()
    for log in data["review_log"]:
        if uuid.UUID(log["uuid"]) in known_logs:
            continue
        when = _parse(log["reviewed_at"])
        card, _ = ReviewCard.objects.get_or_create(
            user=user, question=questions[log["question"]], defaults={"due": when}
        )
        ReviewLog.objects.create(
            uuid=log["uuid"],
            card=card,
            rating=log["rating"],
            reviewed_at=when,
            duration_ms=log.get("duration_ms"),
            attempt_id=attempt_pk.get(str(log["attempt"])) if log.get("attempt") else None,
        )
        touched.add(card.pk)
        counts["reviews"] += 1
    for card in ReviewCard.objects.filter(pk__in=touched).prefetch_related("logs"):
        card_rebuild(card, retention=profile.desired_retention)
    return counts
