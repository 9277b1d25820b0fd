import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-passphrase-42"


def test_signup_logs_in_and_follows_next(client):
    response = client.post(
        reverse("signup") + "?next=/practice/history/",
        {
            "username": "ada",
            "email": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "/practice/history/",
        },
    )
    assert response["Location"] == "/practice/history/"
    assert client.get("/practice/history/").status_code == 200


def test_signup_refuses_weak_passwords_and_keeps_the_username(client):
    response = client.post(
        reverse("signup"), {"username": "ada", "password1": "123", "password2": "123"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'value="ada"' in html
    assert "too short" in html or "too common" in html
    assert not get_user_model().objects.exists()


def test_signup_ignores_offsite_next(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "ada",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("practice:start")


def test_login_and_logout(client, user):
    response = client.post(
        reverse("login") + "?next=/practice/",
        {
            "username": user.username,
            "password": "correct horse battery staple",
            "next": "/practice/",
        },
    )
    assert response["Location"] == "/practice/"
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST
    assert client.post(reverse("logout"))["Location"] == "/"
    assert client.get("/practice/").status_code == 302


def test_pages_render_in_house_style(client, user):
    for name in ("login", "signup", "password_reset"):
        html = client.get(reverse(name)).content.decode()
        assert html.count("<h1") == 1 and "site-header" in html
    client.force_login(user)
    assert "Change your password" in client.get(reverse("password_change")).content.decode()


def test_password_reset_sends_a_working_link(client, user):
    client.post(reverse("password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert done["Location"] == reverse("password_reset_complete")
    logged_in = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert logged_in.status_code == 302 and "_auth_user_id" in client.session


def test_password_reset_mail_is_limited_per_address_and_client(client, user):
    """A few mails an hour per address and per client; over that the page looks the same
    (it never says whether an address has an account) but nothing is sent."""
    from accounts.security import RESET_MAILS_PER_ADDRESS, RESET_MAILS_PER_CLIENT
    from tests.factories import UserFactory

    url = reverse("password_reset")
    for _ in range(RESET_MAILS_PER_ADDRESS + 2):
        response = client.post(url, {"email": user.email.upper()}, REMOTE_ADDR="203.0.113.5")
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == RESET_MAILS_PER_ADDRESS
    # Other addresses from other clients are unaffected; one client can't spray addresses.
    other = UserFactory(email="someone@example.com")
    client.post(url, {"email": other.email}, REMOTE_ADDR="198.51.100.2")
    assert len(mail.outbox) == RESET_MAILS_PER_ADDRESS + 1
    for n in range(RESET_MAILS_PER_CLIENT + 2):
        UserFactory(email=f"spray{n}@example.com")
        client.post(url, {"email": f"spray{n}@example.com"}, REMOTE_ADDR="192.0.2.9")
    assert len(mail.outbox) == RESET_MAILS_PER_ADDRESS + 1 + RESET_MAILS_PER_CLIENT


def test_change_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response["Location"] == reverse("password_change_done")
