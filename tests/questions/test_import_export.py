"""Import and export in JSON, CSV and YAML: round trips, broken files, limits, the admin."""

import copy
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from questions import formats
from questions.models import Question
from questions.services import DATA_DIR, bank_export, bank_load
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BANK = json.loads((DATA_DIR / "bank.json").read_text(encoding="utf-8"))
FLAGS = json.loads((DATA_DIR / "red_flags.json").read_text(encoding="utf-8"))
COMPETENCIES = json.loads((DATA_DIR / "competencies.json").read_text(encoding="utf-8"))


@pytest.fixture
def taxonomy():
    bank_load(items=[], red_flags=FLAGS, competencies=COMPETENCIES)


def sample() -> list[dict]:
    """A slice of the bank plus the awkward cases: a draft with empty guidance, unicode,
    commas, quotes and a multi-line-unsafe mix of characters."""
    items = copy.deepcopy(BANK[:12])
    items.append(
        {
            "key": "draft-with-gaps",
            "prompt": 'Café, "quotes" & commas: what\'s the trade-off?',
            "category": "situational",
            "assesses": "",
            "tip": "",
            "key_points": [],
            "follow_ups": [],
            "difficulty": "mid",
            "stage": "",
            "competencies": ["ownership"],
            "tags": [],
            "red_flags": [],
            "status": "draft",
        }
    )
    return items


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", formats.FORMATS)
def test_round_trip_is_byte_identical(tmp_path, taxonomy, fmt):
    bank_load(items=sample())
    first = run("export_questions", "--format", fmt)
    Question.objects.all().delete()
    path = tmp_path / f"bank.{fmt}"
    path.write_text(first, encoding="utf-8")
    assert "13 created, 0 updated" in run("import_questions", str(path))
    assert run("export_questions", "--format", fmt) == first


@pytest.mark.parametrize("fmt", formats.FORMATS)
def test_import_creates_updates_and_never_deletes(tmp_path, taxonomy, fmt):
    bank_load(items=sample())
    items = sample()[:2]
    items[0]["tip"] = "A sharper tip."
    items.append({**sample()[2], "key": "brand-new-key"})
    path = tmp_path / f"in.{fmt}"
    path.write_text(formats.dumps(items, fmt), encoding="utf-8")
    assert "Dry run" in run("import_questions", str(path), "--dry-run")
    assert not Question.objects.filter(key="brand-new-key").exists()
    out = run("import_questions", str(path))
    assert "1 created, 1 updated, 1 unchanged" in out
    assert Question.objects.count() == 14  # nothing deleted
    assert Question.objects.get(key=items[0]["key"]).tip == "A sharper tip."


def csv_text(items):
    return formats.dumps(items, "csv")


BROKEN = {
    "unknown field": (
        "json",
        lambda: json.dumps([{**sample()[0], "colour": "blue"}]),
        "item 0",
        "unknown field(s) colour",
    ),
    "wrong category": (
        "yaml",
        lambda: formats.dumps([sample()[0], {**sample()[1], "category": "trivia"}], "yaml"),
        "item 1",
        "category 'trivia' is not one of",
    ),
    "empty prompt": (
        "csv",
        lambda: csv_text([sample()[0], {**sample()[1], "prompt": ""}]),
        "row 3",
        "prompt must be non-empty text",
    ),
    "duplicate keys": (
        "json",
        lambda: json.dumps([sample()[0], sample()[1], sample()[0]]),
        "item 2",
        "key repeats item 0",
    ),
    "duplicate keys in csv": (
        "csv",
        lambda: csv_text([sample()[0], sample()[0]]),
        "row 3",
        "key repeats row 2",
    ),
    "bad encoding": (
        "csv",
        lambda: "key,prompt\nx,caf\xe9".encode("latin-1"),
        "",
        "not UTF-8 text",
    ),
    "truncated json": ("json", lambda: json.dumps(sample())[:5000], "", "not valid JSON at line"),
    "truncated csv": (
        "csv",
        lambda: csv_text(sample())[:3000].rsplit('"', 1)[0] + '"abc',
        "row",
        "quoted cell never closes",
    ),
    "truncated yaml": ("yaml", lambda: '- key: "unterminated\n  prompt: x\n', "", "not valid YAML"),
    "not a list": ("json", lambda: json.dumps({"questions": sample()}), "", "must hold a list"),
    "missing column": (
        "csv",
        lambda: "\n".join(csv_text(sample()[:1]).split("\n")[0:1]).replace(",tip", "") + "\n",
        "row 1",
        "missing column(s) tip",
    ),
    "unknown red flag": (
        "yaml",
        lambda: formats.dumps([{**sample()[0], "red_flags": ["chews-gum"]}], "yaml"),
        "item 0",
        "unknown slug 'chews-gum'",
    ),
    "wrong cell count": (
        "csv",
        lambda: csv_text(sample()[:1]) + "only,three,cells\n",
        "row 3",
        "has 3 cells",
    ),
    "empty file": ("json", lambda: "  \n", "", "the file is empty"),
    "yaml aliases (a billion laughs)": (
        "yaml",
        lambda: f"- &first {json.dumps(sample()[0])}\n" + "- *first\n" * 3,
        "line 2",
        "aliases (*name) are not allowed",
    ),
    "nested too deeply": ("json", lambda: "[" * 100_000, "", "nests lists or objects too deeply"),
    "too many key points": (
        "json",
        lambda: json.dumps([{**sample()[0], "key_points": [f"Point {i}." for i in range(31)]}]),
        "item 0",
        "key_points: has 31 items; the limit is 30",
    ),
    "a key point too long": (
        "json",
        lambda: json.dumps([{**sample()[0], "follow_ups": ["Why? " * 201]}]),
        "item 0",
        "follow_ups: an item is longer than 1,000 characters",
    ),
    "wrong types in yaml": (
        "yaml",
        lambda: formats.dumps([{**sample()[0], "key_points": "one string"}], "yaml"),
        "item 0",
        "key_points: must be a list",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_change_nothing_and_say_where(tmp_path, taxonomy, case):
    fmt, make, where, message = BROKEN[case]
    bank_load(items=sample()[:3])
    before = bank_export()
    content = make()
    path = tmp_path / f"broken.{fmt}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_questions", str(path), stdout=StringIO())
    text = str(excinfo.value)
    assert text.startswith("Nothing was imported")
    assert message in text, text
    assert where in text, text
    assert bank_export() == before


def test_size_and_count_limits_are_named(tmp_path, taxonomy, settings, monkeypatch):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (formats.MAX_IMPORT_BYTES + 1))
    with pytest.raises(CommandError, match="the limit is 5 MB"):
        call_command("import_questions", str(big), stdout=StringIO())
    monkeypatch.setattr(formats, "MAX_IMPORT_ITEMS", 2)
    many = tmp_path / "many.json"
    many.write_text(json.dumps(sample()[:3]), encoding="utf-8")
    with pytest.raises(CommandError, match="has 3 questions; the limit is 2 per import"):
        call_command("import_questions", str(many), stdout=StringIO())
    assert Question.objects.count() == 0


def test_unknown_extension_needs_a_format(tmp_path, taxonomy):
    path = tmp_path / "bank.txt"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="Can't tell the format"):
        call_command("import_questions", str(path), stdout=StringIO())


# --- the admin --------------------------------------------------------------------------


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


IMPORT = reverse("admin:questions_question_import")


def test_admin_import_previews_then_confirms(curator_client, taxonomy):
    bank_load(items=sample()[:2])
    items = sample()[:3]
    items[0]["tip"] = "Changed in the upload."
    upload = SimpleUploadedFile("batch.yaml", formats.dumps(items, "yaml").encode())
    preview = curator_client.post(IMPORT, {"file": upload})
    html = preview.content.decode()
    assert "create <strong>1</strong>, update <strong>1</strong>" in html
    assert items[2]["key"] in html and "Confirm import" in html
    assert Question.objects.count() == 2  # nothing yet
    done = curator_client.post(IMPORT, {"confirm": "1"}, follow=True)
    assert "1 created, 1 updated, 1 unchanged" in done.content.decode()
    assert Question.objects.get(key=items[0]["key"]).tip == "Changed in the upload."


def test_admin_import_shows_every_error_and_changes_nothing(curator_client, taxonomy):
    bad = [{**sample()[0], "category": "trivia"}, {**sample()[1], "prompt": ""}]
    upload = SimpleUploadedFile("bad.csv", formats.dumps(bad, "csv").encode())
    html = curator_client.post(IMPORT, {"file": upload}).content.decode()
    assert "Nothing was imported" in html and "row 2" in html and "row 3" in html
    assert Question.objects.count() == 0
    assert (
        "Nothing to import"
        in curator_client.post(IMPORT, {"confirm": "1"}, follow=True).content.decode()
    )


def test_admin_export_downloads_the_filtered_list(curator_client, taxonomy):
    bank_load(items=sample())
    url = reverse("admin:questions_question_export")
    response = curator_client.get(url, {"status__exact": "draft", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="questions.csv"' in response["Content-Disposition"]
    rows = formats.loads(response.content, "csv")
    assert [r["key"] for r in rows] == ["draft-with-gaps"]
    everything = json.loads(curator_client.get(url, {"format": "json"}).content)
    assert len(everything) == 13


def test_admin_export_action_on_selected(curator_client, taxonomy):
    bank_load(items=sample())
    chosen = list(Question.objects.order_by("key").values_list("pk", flat=True)[:2])
    response = curator_client.post(
        reverse("admin:questions_question_changelist"),
        {"action": "export_yaml", "_selected_action": chosen},
    )
    assert len(formats.loads(response.content, "yaml")) == 2


def test_ordinary_staff_cannot_import(client, taxonomy):
    client.force_login(UserFactory(is_staff=True))
    upload = SimpleUploadedFile("b.json", json.dumps(sample()).encode())
    assert client.post(IMPORT, {"file": upload}).status_code == 403
    assert Question.objects.count() == 0
