"""Size limits on uploads and text, each refused with the limit named and nothing changed."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import data
from accounts.data import export_json
from interview_prep import uploads
from practice.models import MAX_ANSWER_CHARS, Attempt, Story
from questions import formats
from questions.models import Question
from questions.services import MAX_TEXT

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def text_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_an_oversize_data_import_is_refused_with_the_limit(world):
    assert data.MAX_IMPORT_BYTES == 10 * MB  # the page and the message say "10 MB"
    body = b" " * (data.MAX_IMPORT_BYTES + 1)
    upload = SimpleUploadedFile("data.json", body, content_type="application/json")
    page = text_of(world.client("owner").post(reverse("account_data_import"), {"file": upload}))
    assert "Nothing was imported" in page and "the limit is 10 MB" in page


def test_an_upload_past_the_cap_is_counted_and_dropped_as_it_arrives(world, monkeypatch):
    """A 30 MB file: the page names its real size and the limit, and no more than the cap
    (10 MB) of it was ever handed to Django's handlers to keep in memory or on disk."""
    from django.core.files import uploadhandler

    # A request this size goes to a temporary file (the memory handler passes it on).
    kept = {"bytes": 0}
    handler = uploadhandler.TemporaryFileUploadHandler
    receive = handler.receive_data_chunk

    def counting(self, raw_data, start):
        kept["bytes"] += len(raw_data)
        return receive(self, raw_data, start)

    monkeypatch.setattr(handler, "receive_data_chunk", counting)
    body = b" " * (30 * MB)
    upload = SimpleUploadedFile("data.json", body, content_type="application/json")
    page = text_of(world.client("owner").post(reverse("account_data_import"), {"file": upload}))
    assert "the file is 30.0 MB; the limit is 10 MB" in page
    assert 0 < kept["bytes"] <= uploads.MAX_UPLOAD_BYTES
    client = world.client("curator")
    big = SimpleUploadedFile("big.json", body)
    page = text_of(client.post(reverse("admin:questions_question_import"), {"file": big}))
    assert "The file is 30.0 MB; the limit is 5 MB." in page


def test_the_cap_covers_every_upload_limit_and_passes_files_under_it_untouched():
    assert max(data.MAX_IMPORT_BYTES, formats.MAX_IMPORT_BYTES) <= uploads.MAX_UPLOAD_BYTES
    assert settings.FILE_UPLOAD_HANDLERS[0] == "interview_prep.uploads.CappedUploadHandler"
    from django.test import RequestFactory
    from django.test.client import encode_multipart

    first = bytes(range(256)) * (6 * MB // 256)  # 6 MB, under the cap
    second = b"x" * (5 * MB)  # 11 MB together: past it
    boundary = "BoUnDaRy"
    body = encode_multipart(
        boundary,
        {
            "a": SimpleUploadedFile("a.bin", first),
            "b": SimpleUploadedFile("b.bin", second),
            "note": "kept",
        },
    )
    request = RequestFactory().generic(
        "POST", "/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert request.FILES["a"].read() == first
    dropped = request.FILES["b"]
    assert isinstance(dropped, uploads.OversizeUpload)
    assert dropped.size == 11 * MB  # the request's files together: past every page's limit
    with pytest.raises(ValueError, match="uploads are limited to 10 MB a request"):
        dropped.read()
    assert request.POST["note"] == "kept"


def test_what_was_kept_of_a_dropped_upload_is_deleted_at_once(world, settings, tmp_path):
    """Django's temporary file for the first 10 MB is closed (so deleted) when the cap is
    passed, not left for the garbage collector: automatic collection is off here."""
    import gc

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client = world.client("owner")
    gc.disable()
    try:
        for n in range(3):
            upload = SimpleUploadedFile(f"data{n}.json", b" " * (11 * MB))
            page = text_of(client.post(reverse("account_data_import"), {"file": upload}))
            assert "the file is 11.0 MB; the limit is 10 MB" in page
            assert list(tmp_path.iterdir()) == []
    finally:
        gc.enable()


def test_a_small_file_after_the_cap_is_refused_too(world):
    """Crafted: a 10 MB field of junk first, then the import's own small file. The file is
    dropped with the request's size, so the page refuses it rather than import nothing."""
    from django.test.client import encode_multipart

    boundary = "BoUnDaRy"
    body = encode_multipart(
        boundary,
        {
            "junk": SimpleUploadedFile("junk.bin", b"j" * (10 * MB)),
            "file": SimpleUploadedFile("data.json", b"{}"),
        },
    )
    response = world.client("owner").generic(
        "POST",
        reverse("account_data_import"),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert "the limit is 10 MB" in text_of(response)


def test_oversize_admin_imports_are_refused_with_the_limit(world):
    client = world.client("curator")
    url = reverse("admin:questions_question_import")
    big = SimpleUploadedFile("big.json", b" " * (formats.MAX_IMPORT_BYTES + 1))
    page = text_of(client.post(url, {"file": big}))
    assert f"the limit is {formats.MAX_IMPORT_BYTES // MB} MB" in page
    many = json.dumps([{}] * (formats.MAX_IMPORT_ITEMS + 1)).encode()
    page = text_of(client.post(url, {"file": SimpleUploadedFile("many.json", many)}))
    assert f"the limit is {formats.MAX_IMPORT_ITEMS:,} per import" in page
    assert Question.objects.count() == 3  # the world's, nothing imported


def test_an_oversize_admin_import_text_is_refused_with_the_limit(world):
    item = {
        "key": "too-long",
        "prompt": "x" * (MAX_TEXT + 1),
        "category": "technical",
        "assesses": "",
        "tip": "",
        "key_points": [],
        "follow_ups": [],
        "difficulty": "mid",
        "stage": "",
        "competencies": [],
        "tags": [],
        "red_flags": [],
        "status": "draft",
    }
    upload = SimpleUploadedFile("one.json", json.dumps([item]).encode())
    url = reverse("admin:questions_question_import")
    page = text_of(world.client("curator").post(url, {"file": upload}))
    assert f"prompt is longer than {MAX_TEXT} characters" in page


def test_an_oversize_answer_is_refused_with_the_limit_and_the_text_kept(world):
    too_long = "word " * (MAX_ANSWER_CHARS // 5) + "x"
    url = world.attempt.get_absolute_url() + "save/"
    page = text_of(world.client("owner").post(url, {"version": 0, "action": too_long}))
    assert f"the limit is {MAX_ANSWER_CHARS:,}" in page
    assert Attempt.objects.get(pk=world.attempt.pk).action == ""


def test_oversize_story_fields_are_refused_with_the_limit(world):
    client = world.client("owner")
    body = {"title": "t" * 121, "action": "a" * (MAX_ANSWER_CHARS + 1), "tags": "x" * 301}
    page = text_of(client.post(reverse("stories:create"), body))
    assert f"The limit is {MAX_ANSWER_CHARS:,} characters" in page
    assert "at most 120 characters" in page and "at most 300 characters" in page
    assert Story.objects.count() == 1  # the world's


def test_oversize_suggestions_are_refused_with_the_limit(world):
    body = {"prompt": "p" * 1001, "category": "technical", "why": "w" * 2001}
    page = text_of(world.client("owner").post(reverse("questions:suggest"), body))
    assert "at most 1000 characters" in page and "at most 2000 characters" in page
    assert not Question.objects.filter(suggested_by__isnull=False).exists()


def test_oversize_texts_in_a_data_import_are_refused_with_the_limit(world):
    export = json.loads(export_json(world.users["owner"]))
    export["stories"][0]["action"] = "a" * 20_001
    export["stories"][0]["title"] = "t" * 121
    world.story.delete()  # so the file is importable apart from its sizes
    upload = SimpleUploadedFile("data.json", json.dumps(export).encode())
    page = text_of(world.client("owner").post(reverse("account_data_import"), {"file": upload}))
    assert "at most 20,000 characters" in page and "1 to 120 characters" in page
    assert not Story.objects.exists()


def test_request_bodies_over_djangos_limits_are_refused(world):
    client = world.client("owner")
    url = world.attempt.get_absolute_url() + "save/"
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert client.post(url, {"version": 0, "notes": huge}).status_code == 400
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert client.post(url, {"version": 0, **fields}).status_code == 400
    assert Attempt.objects.get(pk=world.attempt.pk).version == 0
