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


def test_bench_reads_each_slice_against_the_bare_view_around_it(monkeypatch):
    """A machine that halves its speed mid-run halves the bare view around the slices too:
    the ratio stays the page's own."""
    run = _bench_script()
    eps = run.endpoints({"keys": ["k"]})
    bare, page = eps[0], next(e for e in eps if e.name == "practice page")
    speeds = iter([1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.25])  # bare, page, bare, page, ...
    calls = []

    def fake_wrk(base, endpoint, clients, duration):
        speed = next(speeds)
        rps = (2000 if endpoint is bare else 400) * speed
        calls.append((endpoint.name, duration))
        p95 = 10 / speed
        n = int(rps * duration)
        return {
            "hist": [(int(p95 * 500), n - n // 10), (int(p95 * 1000), n // 10)],
            "requests": int(rps * duration),
            "duration_us": duration * 1_000_000,
            "rps": rps,
            "p50": p95 / 2,
            "p95": p95,
            "p99": p95 * 1.2,
            "max": p95 * 2,
            "status_errors": 0,
            "socket_errors": 0,
            "stale": 0,
            "errors": 0,
        }

    monkeypatch.setattr(run, "run_wrk", fake_wrk)
    settled = []

    class Args:
        duration, rounds = 9, 3

    result = run.interleaved("http://x", page, bare, [], Args, lambda: settled.append(1))
    assert [name for name, _ in calls] == ["bare view (Django)", "practice page"] * 3 + [
        "bare view (Django)"
    ]
    assert {d for name, d in calls if name == "practice page"} == {3}
    assert len(settled) == 3
    # Each slice against the mean of the bare view before and after it: 400/1500, 200/750...
    assert [round(r["ratio"], 3) for r in result["rounds"]] == [0.267, 0.267, 0.2]
    assert round(result["ratio"], 3) == 0.267 and result["bare_rps"] == 750
    # Latencies pooled over all 2,100 requests, as one run would count them (not the median
    # slice's 20/10 ms): 1,080 at 5 ms, 660 at 10, 330 at 20, 30 at 40.
    assert result["p95_worst"] == 40
    assert result["p50"] == 5.0 and result["p95"] == 20.0 and result["p99"] == 40.0
    assert result["requests"] == 400 * 3 + 200 * 3 + 100 * 3


def test_bench_percentiles_are_wrks():
    run = _bench_script()
    hist = [(5000, 6), (1000, 94)]  # (µs, count), in any order
    assert run.percentile(hist, 50) == 1.0
    assert run.percentile(hist, 93) == 1.0  # rank 94 of 100, as wrk rounds it
    assert run.percentile(hist, 95) == 5.0
    assert run.percentile([], 95) == 0.0
