"""Spaced repetition with the fsrs package (FSRS, as in modern Anki).

Every self-rating is a review of the user's card for that question; the review log is
kept so a schedule can be rebuilt from scratch. Interview questions are not flashcards, so
there are no intra-day learning steps: a question always comes back on a later day. Fuzzing
is off, so schedules are reproducible and match the fsrs package's own results.

With an interview date, nothing is left scheduled past the day before the interview:
questions FSRS would bring back later are spread over the remaining days, weakest
(lowest recall probability) first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import fsrs
from django.db import transaction
from django.utils import timezone

from .models import Rating, ReviewCard, ReviewLog

FSRS_RATINGS = {
    Rating.AGAIN: fsrs.Rating.Again,
    Rating.HARD: fsrs.Rating.Hard,
    Rating.GOOD: fsrs.Rating.Good,
    Rating.EASY: fsrs.Rating.Easy,
}
RECALLED = 0.9  # retrievability at or above which a question counts as "expected to be recalled"


def scheduler_for(retention: float) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def to_fsrs(card: ReviewCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk or 1,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=_utc(card.last_review) if card.last_review else None,
    )


def _copy_into(card: ReviewCard, source: fsrs.Card) -> None:
    card.state = int(source.state)
    card.step = source.step
    card.stability = source.stability
    card.difficulty = source.difficulty
    card.due = source.due
    card.last_review = source.last_review


@transaction.atomic
def review_record(
    *,
    user,
    question,
    rating: str,
    when: datetime,
    retention: float,
    attempt=None,
    duration_ms: int | None = None,
) -> ReviewCard:
    """Apply one self-rating to the user's card for `question` and log it."""
    card, _ = ReviewCard.objects.select_for_update().get_or_create(
        user=user, question=question, defaults={"due": when}
    )
    updated, _ = scheduler_for(retention).review_card(
        to_fsrs(card),
        FSRS_RATINGS[Rating(rating)],
        review_datetime=_utc(when),
        review_duration=duration_ms,
    )
    _copy_into(card, updated)
    card.save()
    ReviewLog.objects.create(
        card=card,
        attempt=attempt,
        rating=int(FSRS_RATINGS[Rating(rating)]),
        reviewed_at=when,
        duration_ms=duration_ms,
    )
    return card


def review_correct(log: ReviewLog, *, rating: str, retention: float) -> ReviewCard | None:
    """Change the self-rating of a logged review (or withdraw it, for a skip).

    The review keeps the time and duration it happened with; the card is replayed from its
    whole log, so later reviews of the same question stay in order. A card left with no
    reviews is deleted: the question is no longer in review, and None is returned. Call
    inside a transaction: the card is locked while it is replayed, so a review of the same
    question rated meanwhile isn't overwritten.
    """
    card = ReviewCard.objects.select_for_update().get(pk=log.card_id)
    if rating == Rating.SKIPPED:
        log.delete()
        if not card.logs.exists():
            card.delete()
            return None
    else:
        log.rating = int(FSRS_RATINGS[Rating(rating)])
        log.save(update_fields=["rating"])
    return card_rebuild(card, retention=retention)


def card_rebuild(card: ReviewCard, *, retention: float) -> ReviewCard:
    """Recompute a card from its review log alone (after a settings change, or to audit)."""
    logs = [
        fsrs.ReviewLog(
            card_id=card.pk,
            rating=fsrs.Rating(log.rating),
            review_datetime=_utc(log.reviewed_at),
            review_duration=log.duration_ms,
        )
        for log in card.logs.all()
    ]
    if not logs:
        return card
    rebuilt = scheduler_for(retention).reschedule_card(to_fsrs(card), logs)
    _copy_into(card, rebuilt)
    card.save()
    return card


def retrievability(card: ReviewCard, *, now: datetime, scheduler: fsrs.Scheduler) -> float:
    return scheduler.get_card_retrievability(to_fsrs(card), _utc(now))


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Planned:
    card: ReviewCard
    recall: float  # probability of recall now
    due: datetime  # when it comes back, after the interview-date cap


def plan(
    cards: list[ReviewCard], *, now: datetime, retention: float, interview: date | None
) -> list[Planned]:
    """Each card with its recall probability and effective due time.

    Without an interview date the effective due time is FSRS's. With one in the future,
    cards FSRS would bring back on or after the interview day come back by its eve instead,
    and enough of them are brought forward to today to cover them all in the days left,
    weakest first.
    """
    scheduler = scheduler_for(retention)
    planned = [Planned(c, retrievability(c, now=now, scheduler=scheduler), c.due) for c in cards]
    today = timezone.localdate(now)
    if interview is None or interview <= today:
        return planned
    cutoff = day_start(interview)
    eve = day_start(interview - timedelta(days=1))
    capped = [p for p in planned if p.due >= cutoff]
    for p in capped:
        p.due = max(eve, now)
    days_left = (interview - today).days
    # Spread the capped ones over the days left: today's share, weakest first, leaving out
    # those already reviewed today.
    pool = sorted(
        (p for p in capped if not p.card.last_review or p.card.last_review < day_start(today)),
        key=lambda p: p.recall,
    )
    for p in pool[: math.ceil(len(pool) / days_left)]:
        p.due = now
    return planned


def due_now(planned: list[Planned], *, now: datetime) -> list[Planned]:
    """What is due by the end of today, most urgent (lowest recall) first."""
    end = day_start(timezone.localdate(now) + timedelta(days=1))
    return sorted((p for p in planned if p.due < end), key=lambda p: (p.recall, p.card.pk))
