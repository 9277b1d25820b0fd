"""Near-duplicate prompts, by rapidfuzz's token-set ratio.

Threshold tuned on the shipped bank: its 301 distinct questions (45,150 pairs) score at
most 81, while rewordings of the same question score 83 to 100 ("How do you handle tight
deadlines?" vs "Tell me how you handle a tight deadline." scores 83). 82 sits between.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from .models import Question

THRESHOLD = 82


@dataclass(frozen=True)
class Twin:
    key: str
    prompt: str
    status: str
    score: int


def find_twins(prompt: str, *, exclude_pk: int | None = None, limit: int = 5) -> list[Twin]:
    """Existing questions (any status) whose prompt closely matches `prompt`, closest first."""
    rows = Question.objects.exclude(pk=exclude_pk).values_list("pk", "key", "prompt", "status")
    choices = {pk: text for pk, _, text, _ in rows}
    meta = {pk: (key, text, status) for pk, key, text, status in rows}
    matches = process.extract(
        prompt,
        choices,
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        score_cutoff=THRESHOLD,
        limit=limit,
    )
    return [Twin(*meta[pk], score=round(score)) for _, score, pk in matches]


def all_pairs(threshold: int = THRESHOLD) -> list[tuple[int, str, str]]:
    """Every pair of questions at or above the threshold: (score, key, key), closest first."""
    rows = list(Question.objects.order_by("key").values_list("key", "prompt"))
    texts = [utils.default_process(prompt) for _, prompt in rows]
    pairs = []
    for i, text in enumerate(texts):
        later = dict(enumerate(texts[i + 1 :], start=i + 1))
        for _, score, j in process.extract(
            text, later, scorer=fuzz.token_set_ratio, score_cutoff=threshold, limit=None
        ):
            pairs.append((round(score), rows[i][0], rows[j][0]))
    return sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))
