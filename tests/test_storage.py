"""The static storage keeps each file's URL, and gives exactly what whitenoise's storage gives."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from interview_prep.storage import MAX_URLS, StaticFilesStorage
from tests.test_project import production_settings

MANIFEST = {
    "paths": {
        "css/app.css": "css/app.0123456789ab.css",
        "js/app.js": "js/app.ba9876543210.js",
        "fonts/a b.woff2": "fonts/a b.feedfacecafe.woff2",
    },
    "version": "1.1",
    "hash": "deadbeef",
}
NAMES = ["css/app.css", "js/app.js", "fonts/a b.woff2", "css/app.css?v=2#top", "js/app.js#x"]


@pytest.fixture
def storages(tmp_path, settings):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    settings.DEBUG = False
    options = {"location": str(tmp_path), "base_url": "/static/"}
    return StaticFilesStorage(**options), CompressedManifestStaticFilesStorage(**options)


def test_urls_match_whitenoise_and_are_kept(storages):
    ours, theirs = storages
    for _ in range(2):  # worked out, then served from what was kept
        assert [ours.url(n) for n in NAMES] == [theirs.url(n) for n in NAMES]
    assert ours.url("css/app.css") == "/static/css/app.0123456789ab.css"
    assert set(ours._urls) == set(NAMES)


def test_a_missing_file_raises_every_time_and_is_not_kept(storages):
    ours, _ = storages
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("css/nope.css")
    assert ours._urls == {}


def test_debug_and_force_are_not_served_from_what_was_kept(storages, settings):
    ours, theirs = storages
    hashed = ours.url("css/app.css")
    settings.DEBUG = True  # Django serves unhashed names while debugging
    assert ours.url("css/app.css") == theirs.url("css/app.css") == "/static/css/app.css"
    assert ours.url("css/app.css", force=True) == hashed
    settings.DEBUG = False
    assert ours.url("css/app.css") == hashed


def test_what_is_kept_is_bounded(storages, tmp_path):
    ours, _ = storages
    paths = {f"f{i}.css": f"f{i}.0123456789ab.css" for i in range(MAX_URLS + 10)}
    (tmp_path / "staticfiles.json").write_text(json.dumps({**MANIFEST, "paths": paths}))
    ours = type(ours)(location=str(tmp_path), base_url="/static/")
    urls = [ours.url(name) for name in paths]
    assert len(ours._urls) == MAX_URLS
    assert (
        urls[-1] == ours.url(f"f{MAX_URLS + 9}.css") == f"/static/f{MAX_URLS + 9}.0123456789ab.css"
    )


def test_production_settings_use_it():
    """Without DEBUG the settings pick this storage (the suite itself runs without a manifest)."""
    [storages] = production_settings("STORAGES")
    assert storages["staticfiles"]["BACKEND"] == "interview_prep.storage.StaticFilesStorage"
