"""The load benchmark's bare baselines exist only with BENCH=1 (interview_prep/bench.py)."""

import importlib

import pytest
from django.urls import clear_url_caches

import interview_prep.urls
from interview_prep.bench import RAW_OK_PATH, with_raw_ok


@pytest.fixture
def bench_urls(settings):
    settings.BENCH = True
    importlib.reload(interview_prep.urls)
    clear_url_caches()
    yield
    settings.BENCH = False
    importlib.reload(interview_prep.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_bench_view_does_not_exist_by_default(client):
    assert client.get("/__bench/ok").status_code == 404


def test_bench_view_says_ok_without_touching_the_database(bench_urls, client):
    # No django_db mark: any query would fail the test.
    response = client.get("/__bench/ok")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_wsgi_application_is_unwrapped_by_default(settings):
    settings.SECRET_KEY = "a-test-secret-key-" + "k" * 40  # a server refuses the dev key
    from interview_prep import wsgi

    assert wsgi.application.__class__.__name__ == "WSGIHandler"


def test_raw_wsgi_baseline_answers_before_django_and_passes_the_rest_on():
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("404 Not Found", [])
        return [b""]

    wrapped = with_raw_ok(app)
    statuses = []
    body = wrapped({"PATH_INFO": RAW_OK_PATH}, lambda status, headers: statuses.append(status))
    assert (statuses, body, calls) == (["200 OK"], [b"ok"], [])
    wrapped({"PATH_INFO": "/questions/"}, lambda status, headers: statuses.append(status))
    assert calls == ["/questions/"]


@pytest.mark.django_db
def test_bench_empty_page_is_the_signed_in_frame(bench_urls, auth_client, user):
    response = auth_client.get("/__bench/page")
    assert response.status_code == 200
    html = response.content.decode()
    assert user.username in html and "Log out" in html
    assert '<main id="main" class="wrap" tabindex="-1">' in html


@pytest.mark.django_db
def test_bench_empty_page_does_not_exist_by_default(auth_client):
    assert auth_client.get("/__bench/page").status_code == 404


def _bench_script():
    """bench/run.py, loaded as a module (it is a script, not a package)."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_run", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["bench_run"]
    return module


def test_bench_only_keeps_the_baselines_and_the_named_endpoints():
    run = _bench_script()
    eps = run.endpoints({"keys": ["k"]})
    assert run.selected(eps, None) == eps
    names = [e.name for e in run.selected(eps, "practice, Autosave POST")]
    assert names == [
        "bare view (Django)",
        "raw WSGI (no Django)",
        "empty signed-in page",
        "practice page",
        "autosave POST (htmx)",
    ]
    with pytest.raises(SystemExit, match="no endpoint starts with nothing"):
        run.selected(eps, "practice,nothing")
