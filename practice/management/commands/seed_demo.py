"""A large, realistic demo data set for load tests (`make bench`), made in seconds.

Users demo0001…, each with practice sessions spread over the last twelve weeks, answers
with word counts, self-ratings, and the FSRS review cards and logs those ratings produce, so
every page (history, dashboard, review queue) has real data to show. The full bank is
loaded, plus generated published questions (keys demo-q-00001…).

Fast because it never saves row by row: bulk inserts in batches, one password hash shared
by every demo user, and FSRS run in memory. Deterministic: the same --seed gives the same data.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta

import fsrs
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Profile
from practice import scheduling
from practice.models import (
    STAR_PARTS,
    TIME_BUDGETS,
    Attempt,
    Mode,
    PracticeSession,
    Rating,
    ReviewCard,
    ReviewLog,
)
from questions.models import (
    Category,
    Competency,
    Difficulty,
    Question,
    Stage,
    Status,
    Tag,
    bump_bank_version,
)
from questions.services import bank_load_files

DEMO_USER_REGEX = r"^demo[0-9]{4,}$"
DEMO_QUESTION_PREFIX = "demo-q-"
DEMO_PASSWORD = "demo-password-8"
BATCH = 2000
DAYS = 84  # twelve weeks of history, what the dashboard shows

# Rating mix of a typical learner, and how many attempts a session holds by mode.
RATINGS = [Rating.AGAIN] * 10 + [Rating.HARD] * 25 + [Rating.GOOD] * 45 + [Rating.EASY] * 15
RATINGS += [Rating.SKIPPED] * 5
SESSION_SIZES = {Mode.DRILL: (3, 8), Mode.MOCK: (4, 6), Mode.REVIEW: (3, 8)}

VERBS = [
    "How would you",
    "Walk me through how you would",
    "Explain how you would",
    "Tell me about a time you had to",
    "What would you do to",
    "Describe how your team should",
]
TASKS = [
    "detect data drift",
    "choose an evaluation metric",
    "reduce inference latency",
    "handle class imbalance",
    "debug a training run that diverges",
    "roll back a bad model release",
    "design a feature store",
    "explain a model to a sceptical stakeholder",
    "label data on a tight budget",
    "monitor a recommender",
    "frame a churn problem",
    "compare two ranking models online",
    "shrink a model for mobile",
    "find leakage between train and test",
    "plan a retraining schedule",
]
CONTEXTS = [
    "for a fraud model",
    "in a search ranking system",
    "when labels arrive a month late",
    "with a tiny GPU budget",
    "for a model serving ten thousand requests a second",
    "after a product launch changed user behaviour",
    "with a team that has never shipped ML",
    "under a regulator's scrutiny",
]
SENTENCES = [
    "I started by agreeing on the business metric with the product owner.",
    "The model's offline AUC looked fine but conversion dropped after launch.",
    "I wrote a small script to compare feature distributions week over week.",
    "We had two weeks before the quarterly review and no labelled holdout set.",
    "I owned the evaluation plan and the rollout decision.",
    "I set up a shadow deployment and logged predictions next to the old model.",
    "Latency went from 180 ms to 40 ms at the 95th percentile.",
    "I traced the leak to a timestamp that was computed after the label.",
    "I explained the trade-off between precision and recall with a cost table.",
    "The retrained model recovered 3 points of recall within a week.",
    "I would first check whether the data pipeline changed upstream.",
    "Then I would add alerts on prediction drift and on input null rates.",
    "A simple baseline is worth building before anything deep.",
    "I learned to write the rollback plan before the launch plan.",
    "The stakeholders agreed to a staged rollout at five percent of traffic.",
    "I paired with the data engineer to backfill the missing features.",
]


@contextmanager
def _keep_given_dates(model: type[models.Model], *names: str) -> Iterator[None]:
    """Let bulk_create store the dates we give, not now (auto_now_add would overwrite)."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = (
        "Create demo users (demo0001…, password demo-password-8) with sessions, attempts, "
        "review cards and logs, plus generated published questions, for load tests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=1000)
        parser.add_argument("--attempts", type=int, default=100_000, help="in total")
        parser.add_argument("--extra-questions", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=8, help="random seed (default 8)")
        parser.add_argument(
            "--replace", action="store_true", help="delete existing demo users and their data first"
        )

    def handle(self, *args, **options) -> None:
        users, attempts = options["users"], options["attempts"]
        if users < 1 or attempts < 0 or options["extra_questions"] < 0:
            raise CommandError("--users must be at least 1; counts can't be negative.")
        self.rng = random.Random(options["seed"])
        started = time.monotonic()
        User = get_user_model()
        existing = User.objects.filter(username__regex=DEMO_USER_REGEX)
        if existing.exists():
            if not options["replace"]:
                raise CommandError(
                    f"{existing.count()} demo users exist already. "
                    "Use --replace to delete them (and their practice data) first."
                )
            self._delete_demo_users(existing)

        report = bank_load_files()
        self.stdout.write(f"Bank: {report} ({time.monotonic() - started:.1f} s)")
        with transaction.atomic():
            made = self._extra_questions(options["extra_questions"])
            self.stdout.write(f"Generated questions: {made} created")
            self._users_and_practice(users, attempts)
            bump_bank_version()  # bulk_create sends no signals
        # Fresh planner statistics after a bulk load, as a long-running database would have.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {users} users and {attempts} attempts "
                f"in {time.monotonic() - started:.1f} s (password: {DEMO_PASSWORD})"
            )
        )

    def _delete_demo_users(self, users: models.QuerySet) -> None:
        ids = list(users.values_list("pk", flat=True))
        with transaction.atomic():
            ReviewLog.objects.filter(card__user__in=ids).delete()
            ReviewCard.objects.filter(user__in=ids).delete()
            Attempt.red_flags.through.objects.filter(attempt__session__user__in=ids).delete()
            Attempt.objects.filter(session__user__in=ids).delete()
            PracticeSession.objects.filter(user__in=ids).delete()
            get_user_model().objects.filter(pk__in=ids).delete()
        self.stdout.write(f"Deleted {len(ids)} demo users and their data")

    # --- questions --------------------------------------------------------------------------

    def _extra_questions(self, wanted: int) -> int:
        """Published generated questions demo-q-00001…; only the missing ones are made."""
        rng = self.rng
        have = Question.objects.filter(key__startswith=DEMO_QUESTION_PREFIX).count()
        tags = list(Tag.objects.exclude(slug="seed-sample"))
        competencies = list(Competency.objects.all())
        now = timezone.now()
        new: list[tuple[Question, list[Tag], list[Competency]]] = []
        for n in range(have + 1, wanted + 1):
            category = rng.choice(list(Category))
            q_tags = rng.sample(tags, min(2, len(tags)))
            question = Question(
                key=f"{DEMO_QUESTION_PREFIX}{n:05d}",
                prompt=f"{rng.choice(VERBS)} {rng.choice(TASKS)} {rng.choice(CONTEXTS)}?",
                category=category,
                assesses="Structured thinking about a realistic ML engineering problem.",
                tip="Name the metric first, then the simplest thing that could work.",
                key_points=rng.sample(SENTENCES, 3),
                follow_ups=["What would you do differently next time?"],
                difficulty=rng.choice(list(Difficulty)),
                stage=rng.choice(list(Stage)),
                status=Status.PUBLISHED,
                published_at=now,
            )
            question.search_text = question.build_search_text([t.slug for t in q_tags])
            picked = rng.sample(competencies, min(rng.randint(1, 2), len(competencies)))
            new.append((question, q_tags, picked))
        Question.objects.bulk_create([q for q, _, _ in new], batch_size=BATCH)
        Question.tags.through.objects.bulk_create(
            [Question.tags.through(question=q, tag=t) for q, ts, _ in new for t in ts],
            batch_size=BATCH,
        )
        Question.competencies.through.objects.bulk_create(
            [
                Question.competencies.through(question=q, competency=c)
                for q, _, cs in new
                for c in cs
            ],
            batch_size=BATCH,
        )
        return len(new)

    # --- users, sessions, attempts, reviews -----------------------------------------------

    def _users_and_practice(self, n_users: int, n_attempts: int) -> None:
        rng = self.rng
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)  # hashing is slow: once, shared by all
        width = max(4, len(str(n_users)))
        now = timezone.now()
        users = User.objects.bulk_create(
            [
                User(
                    username=f"demo{i:0{width}d}",
                    email=f"demo{i:0{width}d}@example.com",
                    password=password,
                    date_joined=now - timedelta(days=DAYS + 7),
                )
                for i in range(1, n_users + 1)
            ],
            batch_size=BATCH,
        )
        Profile.objects.bulk_create(
            [Profile(user=u, daily_goal=rng.choice([3, 5, 5, 10])) for u in users],
            batch_size=BATCH,
        )
        pool = list(Question.objects.published().only("pk", "key", "category", "key_points"))
        bank = [q for q in pool if not q.key.startswith(DEMO_QUESTION_PREFIX)] or pool

        sessions: list[PracticeSession] = []
        attempts: list[Attempt] = []
        per_user = [n_attempts // n_users + (i < n_attempts % n_users) for i in range(n_users)]
        for user, count in zip(users, per_user, strict=True):
            # Most practice returns to a personal set of questions (so cards see several
            # reviews); the rest is new questions from the whole bank.
            focus = rng.sample(bank, min(len(bank), 40)) + rng.sample(pool, min(len(pool), 20))
            focus = list(dict.fromkeys(focus))
            plans = []
            while count > 0:
                mode = rng.choice([Mode.DRILL, Mode.DRILL, Mode.MOCK, Mode.REVIEW])
                size = min(count, rng.randint(*SESSION_SIZES[mode]))
                plans.append((mode, size))
                count -= size
            starts = sorted(
                now - timedelta(days=DAYS) + timedelta(seconds=rng.randint(0, DAYS * 86400 - 7200))
                for _ in plans
            )
            for index, ((mode, size), start) in enumerate(zip(plans, starts, strict=True)):
                last = index == len(plans) - 1
                session = PracticeSession(
                    user=user,
                    mode=mode,
                    settings={"filters": {}, "counts": {"total": size}, "demo": True},
                    question_count=size,
                    created_at=start,
                    # The newest session is left half done, as a user mid-practice.
                    finished_at=None if last else start + timedelta(minutes=4 * size),
                )
                sessions.append(session)
                source = focus if rng.random() < 0.7 else pool
                chosen = rng.sample(source, min(size, len(source)))
                for position, question in enumerate(chosen, start=1):
                    rated = not last or position <= size // 2
                    attempts.append(
                        self._attempt(session, question, position, start, mode, rated=rated)
                    )
        with _keep_given_dates(PracticeSession, "created_at"):
            PracticeSession.objects.bulk_create(sessions, batch_size=BATCH)
        for attempt in attempts:
            # Re-assign so the new session pk is copied in and the session stays cached.
            attempt.session = attempt.session
        Attempt.objects.bulk_create(attempts, batch_size=BATCH)
        self._reviews(users, attempts)
        self.stdout.write(f"Sessions: {len(sessions)}, attempts: {len(attempts)}")

    def _attempt(
        self, session, question, position: int, start, mode: str, *, rated: bool
    ) -> Attempt:
        rng = self.rng
        began = start + timedelta(minutes=4 * (position - 1))
        elapsed = rng.randint(45, 420)
        attempt = Attempt(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            session=session,
            question=question,
            position=position,
            time_budget=TIME_BUDGETS[question.category] if mode == Mode.MOCK else None,
            started_at=began,
        )
        if rated or rng.random() < 0.5:
            # Written (every rated one, and half the unrated): a short real-looking answer.
            if attempt.uses_star:
                for part in STAR_PARTS:
                    n = 4 if part == "action" else 1
                    setattr(attempt, part, " ".join(rng.sample(SENTENCES, rng.randint(1, n))))
            else:
                attempt.answer = " ".join(rng.sample(SENTENCES, rng.randint(2, 6)))
            attempt.version = rng.randint(1, 12)
            attempt.saved_at = began + timedelta(seconds=elapsed)
            attempt.elapsed_seconds = elapsed
        attempt.count_words()
        if rated:
            attempt.rating = rng.choice(RATINGS)
            attempt.rated_at = began + timedelta(seconds=elapsed + 5)
            attempt.revealed_at = began + timedelta(seconds=elapsed)
            points = range(len(question.key_points))
            attempt.covered_points = sorted(rng.sample(points, rng.randint(0, len(points))))
        return attempt

    def _reviews(self, users: list, attempts: list[Attempt]) -> None:
        """Replay every rating through FSRS, as the app does, in time order per user."""
        scheduler = scheduling.scheduler_for(0.9)
        by_user: dict[int, list[Attempt]] = {u.pk: [] for u in users}
        for a in attempts:
            if a.rating and a.rating != Rating.SKIPPED:
                by_user[a.session.user_id].append(a)
        cards: list[ReviewCard] = []
        logs: list[tuple[int, ReviewLog]] = []  # (index into cards, log)
        for user_id, rated in by_user.items():
            mine: dict[int, tuple[int, fsrs.Card]] = {}
            for a in sorted(rated, key=lambda a: a.rated_at):
                index, card = mine.get(a.question_id, (len(cards) + len(mine), None))
                if card is None:
                    # An explicit id: fsrs.Card() would sleep 1 ms to make one up.
                    card = fsrs.Card(card_id=index + 1, due=a.rated_at.astimezone(UTC))
                when = a.rated_at.astimezone(UTC)
                ms = a.elapsed_seconds * 1000 if a.elapsed_seconds else None
                card, _ = scheduler.review_card(
                    card, scheduling.FSRS_RATINGS[Rating(a.rating)], when, ms
                )
                mine[a.question_id] = (index, card)
                logs.append(
                    (
                        index,
                        ReviewLog(
                            uuid=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                            attempt=a,
                            rating=int(scheduling.FSRS_RATINGS[Rating(a.rating)]),
                            reviewed_at=a.rated_at,
                            duration_ms=ms,
                        ),
                    )
                )
            for question_id, (_, card) in sorted(mine.items(), key=lambda kv: kv[1][0]):
                row = ReviewCard(user_id=user_id, question_id=question_id)
                scheduling._copy_into(row, card)
                cards.append(row)
        ReviewCard.objects.bulk_create(cards, batch_size=BATCH)
        for index, log in logs:
            log.card = cards[index]
        ReviewLog.objects.bulk_create([log for _, log in logs], batch_size=BATCH)
        self.stdout.write(f"Review cards: {len(cards)}, review logs: {len(logs)}")
