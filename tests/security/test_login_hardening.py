"""Log-in hardening: throttling (django-axes), password rules, session rotation, cookies."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_project import production_settings

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
PASSWORD = "correct horse battery staple"


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_wrong_passwords_lock_that_username_from_that_address(client):
    user = UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "target", "guess").status_code == 200  # the form again
    locked = attempt(client, "target", "guess")
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Even the right password is refused now: guessing has stopped paying.
    right = attempt(client, "target", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # The same person from another address, and other users from this one, still get in.
    assert attempt(client, "target", PASSWORD, ip="198.51.100.1").status_code == 302
    client.logout()
    UserFactory(username="neighbour")
    assert attempt(client, "neighbour", PASSWORD).status_code == 302
    assert user.pk


@pytest.mark.parametrize(
    ("url", "field", "extra"),
    [
        (
            "password_change",
            "old_password",
            {"new_password1": "N3w-long-passphrase!", "new_password2": "N3w-long-passphrase!"},
        ),
        ("account_delete", "password", {"confirm": "on"}),
    ],
)
def test_password_checks_of_signed_in_users_are_throttled_like_log_in(client, url, field, extra):
    """A stolen session must not turn "change password" or "delete account" into a password
    oracle: wrong guesses count towards the same lockout as log-in."""
    user = UserFactory(username="victim")
    client.force_login(user)
    post = lambda password: client.post(  # noqa: E731
        reverse(url), {field: password, **extra}, REMOTE_ADDR="203.0.113.9"
    )
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = post("guess")
        assert response.status_code == 200 and "password" in response.content.decode()
    assert post("guess").status_code == 429
    assert post(PASSWORD).status_code == 429  # even the right one, while locked
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # nothing changed, nothing deleted
    # And log-in from that address is locked for that username too.
    client.logout()
    assert attempt(client, "victim", PASSWORD, ip="203.0.113.9").status_code == 429


def test_password_change_and_delete_still_work_with_the_right_password(client):
    user = UserFactory(username="owner")
    client.force_login(user)
    new = "N3w-long-passphrase!"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    client.force_login(user)
    response = client.post(reverse("account_delete"), {"password": new, "confirm": "on"})
    assert response.status_code == 302
    assert not type(user).objects.filter(pk=user.pk).exists()


def test_a_successful_log_in_resets_the_count(client):
    UserFactory(username="forgetful")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "forgetful", "guess")
    assert attempt(client, "forgetful", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "forgetful", "guess").status_code == 200
    assert attempt(client, "forgetful", PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(client, settings):
    settings.BEHIND_HTTPS_PROXY = True
    UserFactory(username="proxied")
    for i in range(settings.AXES_FAILURE_LIMIT):
        # The client forges the first address each time; the proxy appends the real one.
        client.post(
            LOGIN,
            {"username": "proxied", "password": "guess"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9",
        )
    forged = client.post(
        LOGIN,
        {"username": "proxied", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.9",
    )
    assert forged.status_code == 429


@pytest.mark.parametrize(
    "password, message",
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("48213957261", "entirely numeric"),
        ("newcomer-2026", "too similar to the username"),
    ],
)
def test_weak_passwords_are_refused_at_sign_up(client, password, message):
    response = client.post(
        reverse("signup"),
        {"username": "newcomer-2026", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_session_key_changes_at_log_in(client):
    UserFactory(username="rotated")
    session = client.session  # an anonymous session, as a visitor would have
    session["probe"] = 1
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert attempt(client, "rotated", PASSWORD).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before


def test_cookies_are_secure_and_throttling_on_under_production_settings():
    shown = production_settings(
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "DEBUG",
        "AXES_ENABLED",
    )
    assert shown == [True, True, True, True, False, True]


def test_no_cookie_is_readable_by_scripts(client):
    """The session and CSRF cookies both carry HttpOnly (htmx reads the token from the page)."""
    UserFactory(username="cookies")
    client.get(reverse("login"))  # sets the CSRF cookie
    assert attempt(client, "cookies", PASSWORD).status_code == 302
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        assert client.cookies[name]["httponly"] is True, name
