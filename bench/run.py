"""`make bench`: load-test the app under gunicorn with wrk, against the bare-Django ceiling.

Builds (once) a separate benchmark database seeded by `manage.py seed_demo`, starts gunicorn
with production settings on a free loopback port, signs demo users in, and drives each page
with wrk at 10 concurrent connections, then the autosave endpoint with 8 concurrent writers.
Prints one table per database, checked against the targets of issue 8, and writes the raw
numbers to bench/results/<db>.json.

    .venv/bin/python bench/run.py                    # SQLite (bench/data/bench.sqlite3)
    .venv/bin/python bench/run.py --db postgres      # a throwaway PostgreSQL it starts itself
    DATABASE_URL=postgres://… .venv/bin/python bench/run.py --db postgres   # yours

Loopback only; about ten seconds per endpoint (--duration).
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import itertools
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
CLIENTS = 10
WRITERS = 8
PASSWORD = "demo-password-8"  # practice/management/commands/seed_demo.py
SEARCH_WORDS = ["drift", "latency", "metric", "leakage", "imbalance", "rollback", "feature"]
FILTER_EMPTY = "&category=&difficulty=&stage=&competency=&tag="

# Targets (issue 8): p95 in ms by kind, and the least share of the bare view's throughput.
P95_PAGE, P95_PARTIAL, P95_AUTOSAVE_WRITERS = 100.0, 50.0, 50.0
MIN_RATIO = 0.2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"== {message}", flush=True)


# --- databases ------------------------------------------------------------------------------


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster in a temporary directory on a free port, as .ci/run starts one."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        sys.exit("PostgreSQL is not installed (apt-get install postgresql), or set DATABASE_URL.")
    pg_bin = bins[-1].parent
    pg_dir = Path(tempfile.mkdtemp(prefix="interview-prep-bench-pg."))
    port = free_port()
    as_pg: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(pg_dir, "postgres", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    subprocess.run(
        [*as_pg, pg_bin / "initdb", "-D", pg_dir / "data", "-U", "postgres", "--auth=trust"],
        **quiet,
    )
    # fsync stays on: the numbers should be those of a real server (unlike CI's fsync=off).
    options = f"-p {port} -k {pg_dir} -c listen_addresses=127.0.0.1 -c max_connections=50"
    subprocess.run(
        [
            *as_pg,
            pg_bin / "pg_ctl",
            "-D",
            pg_dir / "data",
            "-l",
            pg_dir / "log",
            "-w",
            "-o",
            options,
            "start",
        ],
        **quiet,
    )
    try:
        subprocess.run(
            [
                *as_pg,
                pg_bin / "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-q",
                "-c",
                "CREATE ROLE bench LOGIN PASSWORD 'bench';",
                "-c",
                "CREATE DATABASE bench OWNER bench;",
            ],
            **quiet,
        )
        yield f"postgres://bench:bench@127.0.0.1:{port}/bench"
    finally:
        subprocess.run(
            [*as_pg, pg_bin / "pg_ctl", "-D", pg_dir / "data", "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(pg_dir, ignore_errors=True)


def server_env(database_url: str) -> dict[str, str]:
    """Production settings, except plain-HTTP cookies: the benchmark speaks HTTP on loopback."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interview_prep.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_SSL_REDIRECT": "0",
        "BENCH": "1",
        "LOG_LEVEL": "ERROR",
        # Collected files go beside the bench data, not into the checkout's staticfiles/.
        "STATIC_ROOT": str(BENCH / "data" / "static"),
    }
    if database_url.startswith("postgres"):
        env["DATABASE_POOL"] = "1"
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


PLAN_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from practice.models import Attempt
from questions.models import Question
users = []
for user in get_user_model().objects.filter(username__regex=r"^demo[0-9]{4,}$").order_by(
    "username")[:%d]:
    a = (Attempt.objects.filter(session__user=user, session__finished_at=None, rating="")
         .select_related("question").order_by("-session__created_at", "position").first())
    users.append({"username": user.username, "session": a.session_id, "position": a.position,
                  "version": a.version, "star": a.uses_star})
keys = list(Question.objects.published().exclude(key__startswith="demo-q-")
            .order_by("key").values_list("key", flat=True)[:60])
print(json.dumps({"users": users, "keys": keys}))
"""


def prepare_database(env: dict[str, str], *, seed_args: list[str]) -> dict:
    manage(env, "migrate", "--no-input", "-v0")
    count = manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model;"
        "print(get_user_model().objects.filter(username__regex=r'^demo[0-9]{4,}$').count())",
        capture=True,
    )
    if int(count.strip().splitlines()[-1]) == 0:
        log("Seeding the benchmark database (once): manage.py seed_demo " + " ".join(seed_args))
        manage(env, "seed_demo", *seed_args)
    output = manage(env, "shell", "-c", PLAN_SCRIPT % CLIENTS, capture=True)
    plan = json.loads(output.strip().splitlines()[-1])
    if len(plan["users"]) < CLIENTS:
        sys.exit(f"The benchmark needs at least {CLIENTS} demo users.")
    return plan


# --- the server ---------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int):
    process = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "interview_prep.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--error-logfile",
            str(BENCH / "data" / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench/ok", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit("gunicorn did not start: see bench/data/gunicorn.log")
                time.sleep(0.2)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Client:
    """A signed-in demo user: cookies, CSRF token and the attempt it practises."""

    username: str
    session: int
    position: int
    version: int
    star: bool
    cookie: str = ""
    csrf: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def attempt_url(self) -> str:
        return f"/practice/sessions/{self.session}/questions/{self.position}/"


def version_in(page: str) -> int:
    """The answer's current version, from the page's hidden `version` input."""
    return int(re.search(r'name="version" value="(\d+)"', page).group(1))


def sign_in(base: str, user: dict) -> Client:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": user["username"], "password": PASSWORD}
    ).encode()
    opener.open(urllib.request.Request(base + "/accounts/login/", data=data)).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        sys.exit(f"Could not sign in as {user['username']}.")
    client = Client(**user)
    client.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    # The token the page itself hands htmx (hx-headers on <body>), for the autosave POSTs.
    page = opener.open(base + client.attempt_url).read().decode()
    client.csrf = re.search(r'"x-csrftoken": "([^"]+)"', page).group(1)
    client.version = version_in(page)
    return client


def fetch(base: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request) as response:
        return response.status, response.read()


# --- wrk ------------------------------------------------------------------------------------

LUA = r"""
-- Generated by bench/run.py. One wrk thread per connection, so each connection is one user.
local clients = %(clients)s
local method, paths, hx, body_kind = %(method)s, %(paths)s, %(hx)s, %(body_kind)s
local n_threads, threads = 0, {}

function setup(thread)
  n_threads = n_threads + 1
  thread:set("index", n_threads)
  table.insert(threads, thread)
end

function init(args)
  me = clients[((index - 1) %% #clients) + 1]
  n, stale, version = 0, 0, me.version
end

local function headers()
  local h = {}
  if me.cookie ~= "" then h["Cookie"] = me.cookie end
  if hx then
    h["HX-Request"] = "true"
    h["HX-Target"] = hx.target
    h["HX-Trigger"] = hx.trigger
    h["HX-Current-URL"] = "http://127.0.0.1" .. me.page
  end
  return h
end

function request()
  n = n + 1
  local h = headers()
  if body_kind == "autosave" then
    h["Content-Type"] = "application/x-www-form-urlencoded"
    h["X-CSRFToken"] = me.csrf
    h["Origin"] = me.origin
    local words = "I measured the drift weekly and rolled back the release " .. n
    local body
    if me.star then
      body = "situation=" .. words .. "&task=I+owned+it&action=" .. words .. "&result=Recall+up"
    else
      body = "answer=" .. words .. "&notes="
    end
    body = body .. "&version=" .. version .. "&elapsed=" .. (60 + n) ..
           "&csrfmiddlewaretoken=" .. me.csrf
    return wrk.format("POST", me.save, h, (body:gsub(" ", "+")))
  end
  local list = me.paths or paths
  return wrk.format(method, list[(n %% #list) + 1], h)
end

if body_kind == "autosave" then
  -- The page keeps the version the last save handed back (an out-of-band input); do the same.
  function response(status, headers, body)
    local v = body:match('id="id_version" value="(%%d+)"')
    if v then version = tonumber(v) else stale = stale + 1 end
  end
end

function done(summary, latency, requests)
  local stale_total = 0
  for _, t in ipairs(threads) do stale_total = stale_total + (t:get("stale") or 0) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "bytes": %%d, "p50": %%d, "p95": %%d, ' ..
    '"p99": %%d, "max": %%d, "status_errors": %%d, "socket_errors": %%d, "stale": %%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, e.status,
    e.connect + e.read + e.write + e.timeout, stale_total))
  -- Every latency seen (µs) and how often, so slices can be pooled into exact percentiles.
  local hist = {}
  for i = 1, #latency do
    local value, count = latency(i)
    hist[#hist + 1] = string.format("%%d:%%d", value, count)
  end
  io.write("HIST " .. table.concat(hist, ",") .. "\n")
end
"""


def lua_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nil"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "{" + ", ".join(lua_value(v) for v in value) + "}"
    return "{" + ", ".join(f"[{json.dumps(k)}] = {lua_value(v)}" for k, v in value.items()) + "}"


@dataclass
class Endpoint:
    name: str
    kind: str  # "baseline", "page", "partial", "write"
    paths: list[str]
    per_client_paths: bool = False  # the practice page: each user opens their own attempt
    hx: dict | None = None
    body_kind: str = ""
    anonymous: bool = False
    connections: int = CLIENTS
    compare_to: str = ""  # the full page whose bytes a partial is compared with
    # Measured in slices between slices of the bare view, its ratio read against those
    # (interleaved()); the two baselines themselves in one run.
    bracketed: bool = True


def run_wrk(base: str, endpoint: Endpoint, clients: list[Client], duration: int) -> dict:
    origin = base
    rows = []
    for c in clients:
        rows.append(
            {
                "cookie": "" if endpoint.anonymous else c.cookie,
                "csrf": c.csrf,
                "origin": origin,
                "version": c.version,
                "star": c.star,
                "page": c.attempt_url if endpoint.body_kind else endpoint.paths[0],
                "save": c.attempt_url + "save/",
                **({"paths": [c.attempt_url]} if endpoint.per_client_paths else {}),
            }
        )
    script = LUA % {
        "clients": lua_value(rows),
        "method": lua_value("GET"),
        "paths": lua_value(endpoint.paths),
        "hx": lua_value(endpoint.hx),
        "body_kind": lua_value(endpoint.body_kind),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        n = endpoint.connections
        out = subprocess.run(
            ["wrk", f"-t{n}", f"-c{n}", f"-d{duration}s", "--timeout", "10s", "-s", f.name, base],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    hist = next(x for x in out.splitlines() if x.startswith("HIST "))[len("HIST ") :]
    result["hist"] = [tuple(map(int, pair.split(":"))) for pair in hist.split(",") if pair]
    seconds = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / seconds
    for p in ("p50", "p95", "p99", "max"):
        result[p] = result[p] / 1000  # µs -> ms
    result["errors"] = result["status_errors"] + result["socket_errors"] + result["stale"]
    return result


def endpoints(plan: dict) -> list[Endpoint]:
    keys = plan["keys"]
    searches = [f"/questions/?q={urllib.parse.quote(w)}{FILTER_EMPTY}" for w in SEARCH_WORDS]
    hx_search = {"target": "question-results", "trigger": "question-filters"}
    return [
        Endpoint(
            "bare view (Django)", "baseline", ["/__bench/ok"], anonymous=True, bracketed=False
        ),
        Endpoint(
            "raw WSGI (no Django)",
            "reference",
            ["/__bench/wsgi-ok"],
            anonymous=True,
            bracketed=False,
        ),
        Endpoint("empty signed-in page", "reference", ["/__bench/page"]),
        Endpoint("home", "page", ["/"]),
        Endpoint("question list", "page", ["/questions/"]),
        Endpoint("search (full page)", "page", searches),
        Endpoint(
            "search (htmx partial)",
            "partial",
            searches,
            hx=hx_search,
            compare_to="search (full page)",
        ),
        Endpoint("question detail", "page", [f"/questions/{k}/" for k in keys]),
        Endpoint("practice page", "page", ["/"], per_client_paths=True),
        Endpoint(
            "autosave POST (htmx)",
            "partial",
            ["/"],
            hx={"target": "save-status", "trigger": "answer-form"},
            body_kind="autosave",
            compare_to="practice page",
        ),
        Endpoint("dashboard /progress/", "page", ["/progress/"]),
        Endpoint(
            f"autosave, {WRITERS} writers",
            "write",
            ["/"],
            hx={"target": "save-status", "trigger": "answer-form"},
            body_kind="autosave",
            connections=WRITERS,
        ),
    ]


def selected(eps: list[Endpoint], only: str | None) -> list[Endpoint]:
    """The endpoints named (comma-separated, by the start of their names) in `--only`, with
    the three baselines the table is read against, always measured in the same run."""
    if not only:
        return eps
    wanted = [w.strip().lower() for w in only.split(",") if w.strip()]
    keep = [
        e
        for e in eps
        if e.kind in ("baseline", "reference") or any(e.name.lower().startswith(w) for w in wanted)
    ]
    unknown = [w for w in wanted if not any(e.name.lower().startswith(w) for e in eps)]
    if unknown:
        names = ", ".join(e.name for e in eps)
        sys.exit(f"--only: no endpoint starts with {', '.join(unknown)} (there are: {names})")
    return keep


def body_bytes(base: str, endpoint: Endpoint, client: Client) -> int | None:
    """Uncompressed body size of one response, as a browser would get it."""
    if endpoint.body_kind:
        return None  # measured from the POST below
    headers = {} if endpoint.anonymous else {"Cookie": client.cookie}
    if endpoint.hx:
        headers |= {"HX-Request": "true", "HX-Target": endpoint.hx["target"]}
    path = client.attempt_url if endpoint.per_client_paths else endpoint.paths[0]
    return len(fetch(base, path, headers)[1])


def page_version(base: str, client: Client) -> int:
    return version_in(fetch(base, client.attempt_url, {"Cookie": client.cookie})[1].decode())


def autosave_bytes(base: str, client: Client) -> int:
    fields = (
        {"situation": "s", "task": "t", "action": "a", "result": "r"}
        if client.star
        else {"answer": "a", "notes": ""}
    )
    # A save wrk sent just before it stopped can still be in a worker when this one is
    # sent: it is refused as stale (no new version in the response), so read the current
    # version and send it again.
    for _ in range(5):
        data = urllib.parse.urlencode(
            {**fields, "version": client.version, "csrfmiddlewaretoken": client.csrf}
        ).encode()
        request = urllib.request.Request(
            base + client.attempt_url + "save/",
            data=data,
            headers={
                "Cookie": client.cookie,
                "X-CSRFToken": client.csrf,
                "HX-Request": "true",
                "HX-Target": "save-status",
                "Origin": base,
            },
        )
        with urllib.request.urlopen(request) as response:
            body = response.read()
        saved = re.search(rb'id="id_version" value="(\d+)"', body)
        if saved:
            client.version = int(saved.group(1))
            return len(body)
        time.sleep(0.2)
        client.version = page_version(base, client)
    sys.exit(f"Autosave kept being refused for {client.username}: {body[:300]!r}")


def bench_one(label: str, database_url: str, args) -> dict:
    env = server_env(database_url)
    log(f"{label}: preparing the database")
    seed = ["--users", str(args.users), "--attempts", str(args.attempts)]
    seed += ["--extra-questions", str(args.extra_questions)]
    plan = prepare_database(env, seed_args=seed)
    manage(env, "collectstatic", "--no-input", "-v0")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    results: dict[str, dict] = {}
    with gunicorn(env, port):
        log(f"{label}: gunicorn (2 sync workers) on {base}; signing in {CLIENTS} demo users")
        clients = [sign_in(base, u) for u in plan["users"]]
        eps = selected(endpoints(plan), args.only)
        bare = eps[0]
        for endpoint in eps:
            size = body_bytes(base, endpoint, clients[0])
            if endpoint.body_kind:
                size = autosave_bytes(base, clients[0])
                for c in clients[1:]:
                    autosave_bytes(base, c)  # the current versions, for the Lua scripts
            # Warm up both workers (templates compiled, connections open) before measuring.
            for c in clients[:4]:
                if not endpoint.body_kind:
                    body_bytes(base, endpoint, c)

            def settle(endpoint=endpoint) -> None:
                if endpoint.body_kind:
                    time.sleep(0.5)  # saves still in the workers when wrk stopped
                    for c in clients:  # the scripts moved the versions on: fetch them again
                        c.version = page_version(base, c)

            if endpoint.bracketed:
                result = interleaved(base, endpoint, bare, clients, args, settle)
            else:
                result = run_wrk(base, endpoint, clients, args.duration)
                settle()
            result["body_bytes"] = size
            result.pop("hist", None)  # pooled above; not kept in the results file
            results[endpoint.name] = {"kind": endpoint.kind, **result}
            around = (
                f"  (bare view around it {result['bare_rps']:.0f})" if endpoint.bracketed else ""
            )
            print(
                f"   {endpoint.name:<24} {result['rps']:8.0f} req/s  "
                f"p95 {result['p95']:7.1f} ms  errors {result['errors']}{around}",
                flush=True,
            )
        for endpoint in eps:
            if endpoint.compare_to in results:
                results[endpoint.name]["compare_to"] = endpoint.compare_to
    return results


def percentile(hist: list[tuple[int, int]], p: float) -> float:
    """The p-th percentile (ms) of a latency histogram of (µs, count), as wrk computes it."""
    total = sum(count for _, count in hist)
    rank = math.floor(p / 100 * total + 0.5 + 0.5)  # C's round(p / 100 * total + 0.5)
    seen = 0
    for value, count in sorted(hist):
        seen += count
        if seen >= rank:
            return value / 1000
    return 0.0


def interleaved(base: str, endpoint: Endpoint, bare: Endpoint, clients, args, settle) -> dict:
    """The endpoint in `--rounds` slices, each between two slices of the bare view.

    This VM's speed drifts, by up to 3x within one run (the bare view measured 691 to 2,945
    req/s in a run of 2026-12-07), so a ratio read against a bare view measured minutes
    earlier measures the drift as much as the page. Each slice's ratio is read against the
    bare view just before and just after it, and the median of those ratios is reported.
    Latencies are the percentiles of all the slices' requests pooled, as one run would give
    them; the worst slice's p95 is kept beside them.
    """
    piece = max(2, round(args.duration / args.rounds))
    bare_piece = max(1, piece // 2)
    bares = [run_wrk(base, bare, clients, bare_piece)]
    parts = []
    for _ in range(args.rounds):
        parts.append(run_wrk(base, endpoint, clients, piece))
        settle()
        bares.append(run_wrk(base, bare, clients, bare_piece))
    around = [(a["rps"] + b["rps"]) / 2 for a, b in itertools.pairwise(bares)]
    ratios = [p["rps"] / r for p, r in zip(parts, around, strict=True)]
    result = {
        key: sum(p[key] for p in parts)
        for key in ("requests", "duration_us", "status_errors", "socket_errors", "stale")
    }
    result["errors"] = sum(p["errors"] for p in parts)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    pooled = [pair for p in parts for pair in p["hist"]]
    for key in ("p50", "p95", "p99"):
        result[key] = percentile(pooled, float(key[1:]))
    result["p95_worst"] = max(p["p95"] for p in parts)
    result["max"] = max(p["max"] for p in parts)
    result["bare_rps"] = statistics.median(around)
    result["ratio"] = statistics.median(ratios)
    result["rounds"] = [
        {"rps": p["rps"], "p95": p["p95"], "bare_rps": r, "ratio": x}
        for p, r, x in zip(parts, around, ratios, strict=True)
    ]
    return result


def table(label: str, results: dict) -> tuple[str, list[str]]:
    bare = results["bare view (Django)"]["rps"]
    raw = results["raw WSGI (no Django)"]["rps"]
    lines = [
        f"### {label}",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | p95 ms, worst slice "
        "| bare view around it, req/s | × bare view | × raw WSGI | body bytes | errors | targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    missed = []
    for name, r in results.items():
        around = r.get("bare_rps")
        ratio = r.get("ratio", r["rps"] / bare)
        checks = []
        if r["kind"] in ("page", "partial"):
            limit = P95_PAGE if r["kind"] == "page" else P95_PARTIAL
            checks.append((f"p95 ≤ {limit:.0f}", r["p95"] <= limit))
            checks.append((f"≥ {MIN_RATIO} × bare", ratio >= MIN_RATIO))
        if r["kind"] == "write":
            checks.append((f"p95 ≤ {P95_AUTOSAVE_WRITERS:.0f}", r["p95"] <= P95_AUTOSAVE_WRITERS))
        if r.get("compare_to"):
            full = results[r["compare_to"]]["body_bytes"]
            checks.append((f"≤ ½ of {full} B", r["body_bytes"] * 2 <= full))
        if r["kind"] != "reference":
            checks.append(("0 errors", r["errors"] == 0))
        verdict = ", ".join(("✓ " if ok else "✗ ") + text for text, ok in checks) or "baseline"
        missed += [f"{label}: {name}: {text}" for text, ok in checks if not ok]
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} "
            f"| {f'{r["p95_worst"]:.1f}' if 'p95_worst' in r else '–'} "
            f"| {f'{around:.0f}' if around else '–'} | {ratio:.2f} | {r['rps'] / raw:.2f} "
            f"| {r['body_bytes']} | {r['errors']} "
            f"| {verdict} |"
        )
    return "\n".join(lines), missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres", "both"],
        default="both" if on_postgres else "sqlite",
        help="default: sqlite, or both when DATABASE_URL is a PostgreSQL URL",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument(
        "--rounds",
        type=lambda v: max(1, int(v)),
        default=3,
        help="slices each endpoint is measured in, between slices of the bare view",
    )
    parser.add_argument(
        "--only",
        help="comma-separated endpoints, by the start of their names (e.g. 'practice,autosave "
        "post'); the bare view and the other baselines are always measured",
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--extra-questions", type=int, default=10_000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        log("Installing wrk (apt-get)")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)
    (BENCH / "data").mkdir(exist_ok=True)
    (BENCH / "results").mkdir(exist_ok=True)
    tables, missed = [], []
    runs = []
    if args.db in ("sqlite", "both"):
        runs.append(("SQLite", f"sqlite:///{BENCH / 'data' / 'bench.sqlite3'}"))
    if args.db in ("postgres", "both"):
        runs.append(("PostgreSQL", os.environ.get("DATABASE_URL", "")))
    for label, url in runs:
        with contextlib.ExitStack() as stack:
            if label == "PostgreSQL" and not url.startswith("postgres"):
                url = stack.enter_context(throwaway_postgres())
            results = bench_one(label, url, args)
        (BENCH / "results" / f"{label.lower()}.json").write_text(json.dumps(results, indent=2))
        text, miss = table(label, results)
        tables.append(text)
        missed += miss
    print()
    print("\n\n".join(tables))
    print()
    if missed:
        print("Targets missed:\n  " + "\n  ".join(missed))
    else:
        print("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
