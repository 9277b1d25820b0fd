"""Project-wide rules: migrations, headings, security headers, deploy checks, admin."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import QuestionFactory, RedFlagFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7!kq2-production-like-secret-key-for-the-deploy-check-0a9s8d7f6g5h4j3k2l1",
    "ALLOWED_HOSTS": "prep.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "EMAIL_HOST": "smtp.example.com",
}


def production_settings(*names: str) -> list:
    """The named settings as the production environment makes them, read in a new process
    (the environment's own overrides of the defaults checked here are left out)."""
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "interview_prep.settings"}
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATIC_MANIFEST"):
        env.pop(name, None)
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps([getattr(settings, name) for name in {list(names)!r}]))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(shown.stdout)


def test_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_deploy_check_is_clean_with_production_settings():
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module", ["interview_prep.wsgi", "interview_prep.asgi"])
def test_a_server_without_debug_refuses_the_development_secret_key(module):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    load = [sys.executable, "-c", f"import {module}"]
    refused = subprocess.run(load, cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "SECRET_KEY is not set" in refused.stderr
    for allowed in ({**env, **PRODUCTION_ENV}, {**env, "DEBUG": "1"}):
        started = subprocess.run(load, cwd=ROOT, env=allowed, capture_output=True, text=True)
        assert started.returncode == 0, started.stderr


def page_urls() -> list[str]:
    question = QuestionFactory(red_flags=[RedFlagFactory()])
    return [
        reverse("home"),
        reverse("questions:question_list"),
        reverse("questions:question_list") + "?q=nothing",
        question.get_absolute_url(),
        reverse("questions:red_flag_list"),
        "/no-such-page/",
    ]


def test_every_page_has_exactly_one_h1_and_a_title(client):
    for url in page_urls():
        html = client.get(url).content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        assert re.search(r"<title>[^<]+ · interview_prep</title>", html), url


def test_csp_header_is_strict_on_every_page(client):
    for url in page_urls():
        csp = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp, url
        assert "base-uri 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_pages_have_no_inline_scripts_or_handlers(client):
    for url in page_urls():
        html = client.get(url).content.decode()
        assert not re.search(r"\son[a-z]+=", html), url
        assert "hx-on" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or "nonce=" in tag, (url, tag)


def test_body_carries_csrf_token_for_htmx(client):
    html = client.get(reverse("home")).content.decode()
    assert re.search(
        r"<body hx-headers='\{&quot;x-csrftoken&quot;: &quot;\w+&quot;\}'>|"
        r"<body hx-headers='\{\"x-csrftoken\": \"\w+\"\}'>",
        html,
    )


def test_htmx_comes_from_our_own_static_files(client):
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx[\w.-]*\.js"', html)
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_500_page_renders_in_house_style():
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_admin_lists_questions_for_staff(client, staff_user):
    QuestionFactory.create_batch(3)
    client.force_login(staff_user)
    for name in ("question", "redflag", "competency", "tag"):
        assert client.get(reverse(f"admin:questions_{name}_changelist")).status_code == 200
    response = client.get(reverse("admin:questions_question_changelist"), {"q": "question"})
    assert response.status_code == 200


def test_admin_refuses_anonymous_and_ordinary_users(client, user):
    url = reverse("admin:questions_question_changelist")
    assert client.get(url).status_code == 302
    client.force_login(user)
    assert client.get(url).status_code == 302


def test_logged_in_pages_have_exactly_one_h1(client, user):
    from tests.factories import AttemptFactory, PracticeSessionFactory

    session = PracticeSessionFactory(user=user)
    attempt = AttemptFactory(session=session, position=1)
    client.force_login(user)
    urls = [
        reverse("practice:start"),
        attempt.get_absolute_url(),
        session.get_summary_url(),
        reverse("practice:history"),
        reverse("practice:question_history", args=[attempt.question.key]),
        reverse("password_change"),
        attempt.question.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
