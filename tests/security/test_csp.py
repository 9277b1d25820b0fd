"""A strict Content-Security-Policy on every response: pages, partials, redirects, errors."""

import pytest
from django.urls import reverse

from tests.security.urls import named_patterns, url_for

pytestmark = pytest.mark.django_db

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'")


def csp_problems(response) -> list[str]:
    header = response.get("Content-Security-Policy")
    if not header:
        return ["no Content-Security-Policy header"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    problems = [f"{word} is allowed" for word in UNSAFE if word in header]
    scripts = directives.get("script-src", directives.get("default-src"))
    if not scripts:
        problems.append("no script-src or default-src")
    elif any(s in ("*", "http:", "https:", "data:", "blob:") for s in scripts):
        problems.append(f"script-src too wide: {' '.join(scripts)}")
    if directives.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {directives.get('object-src')}, not 'none'")
    if directives.get("base-uri") not in (["'none'"], ["'self'"]):
        problems.append(f"base-uri is {directives.get('base-uri')}, not 'none' or 'self'")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')}, not 'none'")
    return problems


def check(found: list[str], label: str, response) -> None:
    for problem in csp_problems(response):
        found.append(f"{label} ({response.status_code}): {problem}")


def test_every_url_for_every_kind_of_visitor_carries_a_strict_csp(world):
    """GET and POST of every named URL: pages, downloads, redirects, 403, 404 and 405."""
    found: list[str] = []
    for role in ("anonymous", "owner", "other", "curator"):
        client = world.client(role)
        for named in named_patterns():
            url = url_for(named, world)
            check(found, f"{role} GET {url}", client.get(url))
    csrf_client = world.client("owner", csrf=True)
    for named in named_patterns():
        url = url_for(named, world)
        check(found, f"POST without CSRF token {url}", csrf_client.post(url))
    assert not found, "\n".join(found)


def test_htmx_partials_and_error_pages_carry_a_strict_csp(world):
    owner = world.client("owner")
    attempt = world.attempt.get_absolute_url()
    responses = {
        "search partial": owner.get(
            reverse("questions:question_list") + "?q=drift",
            headers={"HX-Request": "true", "HX-Target": "question-results"},
        ),
        "attempt partial": owner.get(
            attempt, headers={"HX-Request": "true", "HX-Target": "attempt-body"}
        ),
        "story picker partial": owner.get(
            attempt + "stories/", headers={"HX-Request": "true", "HX-Target": "story-picker"}
        ),
        "autosave partial": owner.post(
            attempt + "save/",
            {"version": 0, "situation": "I was on call."},
            headers={"HX-Request": "true"},
        ),
        "coach partial": owner.post(
            attempt + "check/", {"version": 1, "force": "on"}, headers={"HX-Request": "true"}
        ),
        "story coach partial": owner.get(
            world.story.get_absolute_url() + "?check=1",
            headers={"HX-Request": "true", "HX-Target": "coach"},
        ),
        "htmx redirect": owner.post(
            attempt + "rate/", {"version": 2, "rating": "good"}, headers={"HX-Request": "true"}
        ),
        "unknown page": owner.get("/no-such-page/"),
        "someone else's attempt": world.client("other").get(attempt),
    }
    found: list[str] = []
    for label, response in responses.items():
        assert response.status_code in (200, 404), (label, response.status_code)
        check(found, label, response)
    assert not found, "\n".join(found)
