"""Workflows on the question bank: validate, load (upsert by key) and export."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import Category, Competency, Difficulty, Question, RedFlag, Stage, Status, Tag

DATA_DIR = Path(__file__).resolve().parent / "data"

# The exchange format, documented in docs/question-format.md. Order matters for export.
QUESTION_FIELDS = (
    "key",
    "prompt",
    "category",
    "assesses",
    "tip",
    "key_points",
    "follow_ups",
    "difficulty",
    "stage",
    "competencies",
    "tags",
    "red_flags",
    "status",
)
TEXT_FIELDS = ("prompt", "assesses", "tip")
LIST_FIELDS = ("key_points", "follow_ups")
RELATION_FIELDS = ("competencies", "tags", "red_flags")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_KEYS = {"suggest"}  # /questions/suggest/ is a page, not a question
MAX_TEXT = 4000
MAX_LIST_ITEMS = 30  # key points, follow-ups, tags, ... per question
MAX_ITEM_TEXT = 1000  # characters in one key point or follow-up


class BankError(Exception):
    """The input is invalid; `errors` names each problem with its item index and field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    red_flags: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0})
    competencies: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0})
    created_keys: list[str] = field(default_factory=list)
    updated_keys: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"Questions: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged. "
            f"Red flags: {self.red_flags['created']} created, {self.red_flags['updated']} updated. "
            f"Competencies: {self.competencies['created']} created, "
            f"{self.competencies['updated']} updated."
        )


def question_to_dict(question: Question) -> dict[str, Any]:
    """One question in the exchange format; expects tags, competencies and red_flags prefetched."""
    return {
        "key": question.key,
        "prompt": question.prompt,
        "category": question.category,
        "assesses": question.assesses,
        "tip": question.tip,
        "key_points": list(question.key_points),
        "follow_ups": list(question.follow_ups),
        "difficulty": question.difficulty,
        "stage": question.stage,
        "competencies": sorted(c.slug for c in question.competencies.all()),
        "tags": sorted(t.slug for t in question.tags.all()),
        "red_flags": sorted(r.slug for r in question.red_flags.all()),
        "status": question.status,
    }


def list_limit_problems(value: list[str]) -> list[str]:
    """What breaks the bank format's limits on one list field (imports and the admin form)."""
    problems = []
    if len(value) > MAX_LIST_ITEMS:
        problems.append(f"has {len(value)} items; the limit is {MAX_LIST_ITEMS}")
    if any(len(v) > MAX_ITEM_TEXT for v in value):
        problems.append(f"an item is longer than {MAX_ITEM_TEXT:,} characters")
    return problems


def _check_string_list(value: Any, *, where: str, minimum: int, slugs: bool = False) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return [f"{where}: must be a list of non-empty strings"]
    errors = [f"{where}: {problem}" for problem in list_limit_problems(value)]
    if len(value) < minimum:
        errors.append(f"{where}: needs at least {minimum} item{'s' if minimum > 1 else ''}")
    if slugs:
        errors += [
            f"{where}: {v!r} is not a lowercase-hyphenated slug"
            for v in value
            if not SLUG_RE.match(v)
        ]
    if len(set(value)) != len(value):
        errors.append(f"{where}: has repeated items")
    return errors


def validate_items(
    items: Any,
    *,
    red_flag_slugs: set[str],
    competency_slugs: set[str],
    label: Callable[[int], str] = lambda index: f"item {index}",
) -> list[str]:
    """Every problem in `items`, each naming the item (by `label`), its key and the field."""
    if not isinstance(items, list):
        return ["the file must hold a list of questions"]
    errors: list[str] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(f"{label(index)}: must be an object with the question's fields")
            continue
        where = f"{label(index)} ({item.get('key', 'no key')})"
        missing = [f for f in QUESTION_FIELDS if f not in item]
        unknown = sorted(set(item) - set(QUESTION_FIELDS))
        if missing:
            errors.append(f"{where}: missing field(s) {', '.join(missing)}")
        if unknown:
            errors.append(f"{where}: unknown field(s) {', '.join(unknown)}")
        if missing:
            continue
        key = item["key"]
        if not isinstance(key, str) or not SLUG_RE.match(key) or len(key) > 80:
            errors.append(
                f"{where}: key must be a lowercase-hyphenated slug of at most 80 characters"
            )
        elif key in RESERVED_KEYS:
            errors.append(f"{where}: key {key!r} is reserved for a page of the site")
        elif key in seen:
            errors.append(f"{where}: key repeats {label(seen[key])}")
        else:
            seen[key] = index
        for name in TEXT_FIELDS:
            value = item[name]
            required = name == "prompt" or item.get("status") == Status.PUBLISHED
            if not isinstance(value, str) or (required and not value.strip()):
                errors.append(f"{where}: {name} must be non-empty text")
            elif len(value) > MAX_TEXT:
                errors.append(f"{where}: {name} is longer than {MAX_TEXT} characters")
        # Drafts may be incomplete; what candidates see must be complete.
        complete = item["status"] == Status.PUBLISHED
        errors += _check_string_list(
            item["key_points"], where=f"{where}: key_points", minimum=3 if complete else 0
        )
        errors += _check_string_list(
            item["follow_ups"], where=f"{where}: follow_ups", minimum=1 if complete else 0
        )
        for name, choices in (
            ("category", Category.values),
            ("difficulty", Difficulty.values),
            ("status", Status.values),
            ("stage", ["", *Stage.values]),
        ):
            if item[name] not in choices:
                errors.append(
                    f"{where}: {name} {item[name]!r} is not one of {', '.join(map(repr, choices))}"
                )
        for name, known in (("competencies", competency_slugs), ("red_flags", red_flag_slugs)):
            problems = _check_string_list(item[name], where=f"{where}: {name}", minimum=0)
            errors += problems
            if not problems:
                errors += [
                    f"{where}: {name}: unknown slug {v!r}" for v in item[name] if v not in known
                ]
        errors += _check_string_list(item["tags"], where=f"{where}: tags", minimum=0, slugs=True)
    return errors


def _upsert_simple(
    model: type, rows: list[dict[str, str]], fields: tuple[str, ...]
) -> dict[str, int]:
    counts = {"created": 0, "updated": 0}
    existing = {obj.slug: obj for obj in model.objects.all()}
    for row in rows:
        obj = existing.get(row["slug"])
        if obj is None:
            model.objects.create(**{f: row[f] for f in ("slug", *fields)})
            counts["created"] += 1
        elif any(getattr(obj, f) != row[f] for f in fields):
            for f in fields:
                setattr(obj, f, row[f])
            obj.save()
            counts["updated"] += 1
    return counts


@transaction.atomic
def bank_load(
    *,
    items: Any,
    red_flags: list[dict[str, str]] | None = None,
    competencies: list[dict[str, str]] | None = None,
    label: Callable[[int], str] = lambda index: f"item {index}",
    dry_run: bool = False,
) -> LoadReport:
    """Create or update questions by key (never delete); all or nothing. Raises BankError."""
    report = LoadReport()
    if red_flags is not None:
        report.red_flags = _upsert_simple(
            RedFlag, red_flags, ("title", "looks_like", "why_it_hurts", "how_to_avoid")
        )
    if competencies is not None:
        report.competencies = _upsert_simple(Competency, competencies, ("name", "description"))

    flags = {r.slug: r for r in RedFlag.objects.all()}
    comps = {c.slug: c for c in Competency.objects.all()}
    errors = validate_items(
        items, red_flag_slugs=set(flags), competency_slugs=set(comps), label=label
    )
    if errors:
        raise BankError(errors)

    tags = {t.slug: t for t in Tag.objects.all()}
    for slug in sorted({s for item in items for s in item["tags"]} - set(tags)):
        if not dry_run:
            tags[slug] = Tag.objects.create(slug=slug)

    existing = {
        q.key: q
        for q in Question.objects.filter(key__in=[i["key"] for i in items]).prefetch_related(
            "tags", "competencies", "red_flags"
        )
    }
    for item in items:
        wanted = {
            **item,
            **{name: sorted(item[name]) for name in RELATION_FIELDS},
        }
        question = existing.get(item["key"])
        if question is not None and question_to_dict(question) == wanted:
            report.unchanged += 1
            continue
        if question is None:
            question = Question(key=item["key"])
            report.created += 1
            report.created_keys.append(item["key"])
        else:
            report.updated += 1
            report.updated_keys.append(item["key"])
        if dry_run:
            continue
        for name in QUESTION_FIELDS:
            if name not in RELATION_FIELDS and name != "key":
                setattr(question, name, item[name])
        question.save()
        question.tags.set([tags[s] for s in item["tags"]])
        question.competencies.set([comps[s] for s in item["competencies"]])
        question.red_flags.set([flags[s] for s in item["red_flags"]])
        question.refresh_search_text()
    return report


def bank_load_files(path: Path | None = None) -> LoadReport:
    """Load the shipped taxonomy (red flags, competencies) and a bank file (default: ours)."""
    red_flags = json.loads((DATA_DIR / "red_flags.json").read_text(encoding="utf-8"))
    competencies = json.loads((DATA_DIR / "competencies.json").read_text(encoding="utf-8"))
    items = json.loads((path or DATA_DIR / "bank.json").read_text(encoding="utf-8"))
    return bank_load(items=items, red_flags=red_flags, competencies=competencies)


def bank_export(*, status: str | None = None, within=None) -> list[dict[str, Any]]:
    """Questions in the exchange format, ordered by key (optionally only those in `within`)."""
    qs = Question.objects.prefetch_related("tags", "competencies", "red_flags").order_by("key")
    if status:
        qs = qs.filter(status=status)
    if within is not None:
        qs = qs.filter(pk__in=within.values("pk"))
    return [question_to_dict(q) for q in qs]


SUGGESTIONS_PER_DAY = 5


class SuggestionLimit(Exception):
    """The user has reached the daily number of suggestions."""


@transaction.atomic
def suggestion_submit(*, user, prompt: str, category: str, why: str) -> Question:
    """File a user's suggested question as a draft for curators, marked with its author."""
    # One user's suggestions are counted and filed one at a time: without this lock on their
    # row, requests sent at once on PostgreSQL would each count the same few and all be filed
    # (SQLite's IMMEDIATE transactions serialise them anyway). A no-key lock, so the user's
    # other writes (autosaves, ratings: rows that point at the user) are not held up.
    users = get_user_model().objects.select_for_update(no_key=True)
    list(users.filter(pk=user.pk).values_list("pk", flat=True))
    since = timezone.now() - timedelta(days=1)
    if (
        Question.objects.filter(suggested_by=user, created_at__gte=since).count()
        >= SUGGESTIONS_PER_DAY
    ):
        raise SuggestionLimit(
            f"You've sent {SUGGESTIONS_PER_DAY} suggestions in the last 24 hours, the daily "
            "limit. Thank you! Please send more tomorrow."
        )
    base = slugify(prompt)[:60].strip("-") or "suggestion"
    key = f"{base}-{secrets.token_hex(3)}"
    while Question.objects.filter(key=key).exists():
        key = f"{base}-{secrets.token_hex(3)}"
    return Question.objects.create(
        key=key,
        prompt=prompt,
        category=category,
        difficulty=Difficulty.MID,
        status=Status.DRAFT,
        suggested_by=user,
        suggestion_note=why,
    )
