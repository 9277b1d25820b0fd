"""The shipped bank, the loader and the exporter."""

import copy
import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from questions.models import Competency, Question, RedFlag, Stage
from questions.services import DATA_DIR, QUESTION_FIELDS, BankError, bank_export, bank_load

pytestmark = pytest.mark.django_db

BANK = json.loads((DATA_DIR / "bank.json").read_text(encoding="utf-8"))
FLAGS = json.loads((DATA_DIR / "red_flags.json").read_text(encoding="utf-8"))
COMPETENCIES = json.loads((DATA_DIR / "competencies.json").read_text(encoding="utf-8"))


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_shipped_bank_meets_the_coverage_bar():
    published = [q for q in BANK if q["status"] == "published"]
    assert len(published) >= 250
    per_category = Counter(q["category"] for q in published)
    assert all(per_category[c] >= 60 for c in ("behavioral", "technical", "situational"))
    per_stage = Counter(q["stage"] for q in published if q["category"] != "behavioral")
    assert all(per_stage[s] >= 8 for s in Stage.values), per_stage
    for q in published:
        assert q["assesses"].strip() and q["tip"].strip(), q["key"]
        assert len(q["key_points"]) >= 3 and len(q["follow_ups"]) >= 1, q["key"]
        assert q["tags"] and q["difficulty"] and q["red_flags"], q["key"]
        if q["category"] != "technical":
            assert q["competencies"], q["key"]
        if q["category"] == "behavioral":
            assert q["stage"] == "", q["key"]
    assert len(FLAGS) >= 12
    seed_flags = {
        "unclear-explanation",
        "no-project-experience",
        "inconsistent-story",
        "blaming-others",
    }
    assert seed_flags <= {f["slug"] for f in FLAGS}
    # Every red flag is attached to at least one question.
    assert {f["slug"] for f in FLAGS} <= {s for q in published for s in q["red_flags"]}


def test_shipped_bank_has_no_duplicate_prompts():
    prompts = [" ".join(q["prompt"].lower().split()) for q in BANK]
    assert len(set(prompts)) == len(prompts)
    assert len({q["key"] for q in BANK}) == len(BANK)


def test_seed_sample_questions_are_in_the_bank():
    seeds = [q for q in BANK if "seed-sample" in q["tags"]]
    assert Counter(q["category"] for q in seeds) == {
        "behavioral": 3,
        "technical": 3,
        "situational": 2,
    }


def test_load_question_bank_is_idempotent_and_reports_counts():
    first = run("load_question_bank")
    assert f"Questions: {len(BANK)} created, 0 updated" in first
    assert Question.objects.count() == len(BANK)
    assert RedFlag.objects.count() == len(FLAGS)
    assert Competency.objects.count() == len(COMPETENCIES)
    second = run("load_question_bank")
    assert "Questions: 0 created, 0 updated" in second
    assert "Red flags: 0 created, 0 updated" in second
    assert Question.objects.count() == len(BANK)


def test_export_then_load_gives_the_same_bank(tmp_path):
    run("load_question_bank")
    exported = run("export_questions")
    # The shipped file is kept in canonical export form, so export reproduces it exactly.
    assert exported == (DATA_DIR / "bank.json").read_text(encoding="utf-8")
    items = json.loads(exported)
    assert all(list(item) == list(QUESTION_FIELDS) for item in items)
    Question.objects.all().delete()
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")
    assert f"{len(items)} created" in run("load_question_bank", str(path))
    assert run("export_questions") == exported


def test_export_filters_by_status():
    run("load_question_bank")
    Question.objects.filter(key=BANK[0]["key"]).update(status="retired")
    published = json.loads(run("export_questions", "--status", "published"))
    retired = json.loads(run("export_questions", "--status", "retired"))
    assert len(published) == len(BANK) - 1
    assert [q["key"] for q in retired] == [BANK[0]["key"]]


def small_bank() -> list[dict]:
    return copy.deepcopy(BANK[:3])


def test_loader_updates_changed_questions_and_never_deletes():
    bank_load(items=small_bank(), red_flags=FLAGS, competencies=COMPETENCIES)
    items = small_bank()[:2]
    items[0]["tip"] = "A better tip."
    items[1]["tags"] = [*items[1]["tags"], "brand-new-tag"]
    report = bank_load(items=items)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    assert Question.objects.count() == 3
    assert Question.objects.get(key=items[0]["key"]).tip == "A better tip."
    assert Question.objects.matching("brand-new-tag").get().key == items[1]["key"]


def test_loader_leaves_user_unrelated_rows_alone_on_reload():
    bank_load(items=small_bank(), red_flags=FLAGS, competencies=COMPETENCIES)
    before = list(Question.objects.values_list("pk", "updated_at"))
    bank_load(items=small_bank(), red_flags=FLAGS, competencies=COMPETENCIES)
    assert list(Question.objects.values_list("pk", "updated_at")) == before


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda q: q.update(category="trivia"), "category 'trivia' is not one of"),
        (lambda q: q.update(prompt="  "), "prompt must be non-empty text"),
        (lambda q: q.update(key_points=["only one"]), "key_points: needs at least 3 items"),
        (lambda q: q.update(red_flags=["no-such-flag"]), "unknown slug 'no-such-flag'"),
        (lambda q: q.update(colour="blue"), "unknown field(s) colour"),
        (lambda q: q.pop("tip"), "missing field(s) tip"),
        (lambda q: q.update(tags=["Not A Slug"]), "is not a lowercase-hyphenated slug"),
    ],
)
def test_loader_rejects_bad_items_with_index_and_changes_nothing(mutate, message):
    items = small_bank()
    mutate(items[2])
    with pytest.raises(BankError) as excinfo:
        bank_load(items=items, red_flags=FLAGS, competencies=COMPETENCIES)
    assert any(e.startswith("item 2 ") and message in e for e in excinfo.value.errors), (
        excinfo.value
    )
    assert Question.objects.count() == 0


def test_loader_rejects_duplicate_keys_in_one_file():
    items = small_bank()
    items[2]["key"] = items[0]["key"]
    with pytest.raises(BankError, match="key repeats item 0"):
        bank_load(items=items, red_flags=FLAGS, competencies=COMPETENCIES)


def test_command_reports_problems_and_loads_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"key": "x"', encoding="utf-8")
    with pytest.raises(CommandError, match="could not read the file"):
        run("load_question_bank", str(path))
    assert Question.objects.count() == 0


def test_bank_export_orders_by_key():
    bank_load(items=small_bank(), red_flags=FLAGS, competencies=COMPETENCIES)
    keys = [q["key"] for q in bank_export()]
    assert keys == sorted(keys)
