"""What every signed-in request pays for: its session, its user and the site's navigation.

These are read in plain SQL (accounts/sessions.py, accounts/backends.py) and reversed once
(interview_prep/context_processors.py) for speed; the tests hold them to what Django's own
session backend, ModelBackend and `{% url %}` give.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from accounts.backends import ModelBackend
from accounts.sessions import SessionStore
from interview_prep.context_processors import NAV_URLS, nav
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _saved_session(**data) -> SessionStore:
    store = SessionStore()
    store.update(data)
    store.save()
    return store


def test_a_saved_session_loads_in_one_query(django_assert_num_queries):
    key = _saved_session(answer="kept", n=3).session_key
    with django_assert_num_queries(1):
        loaded = SessionStore(key).load()
    assert loaded == {"answer": "kept", "n": 3}


def test_an_expired_session_is_not_loaded_and_its_key_is_dropped():
    store = _saved_session(answer="old")
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    again = SessionStore(store.session_key)
    assert again.load() == {}
    assert again.session_key is None


def test_a_session_about_to_expire_still_loads():
    store = _saved_session(answer="fresh")
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=30)
    )
    assert SessionStore(store.session_key).load() == {"answer": "fresh"}


def test_an_unknown_or_forged_session_key_loads_nothing():
    _saved_session(answer="someone else's")
    for key in ("x" * 32, "' OR '1'='1' --" + "a" * 20):
        store = SessionStore(key)
        assert store.load() == {}


def test_the_backend_gives_the_same_user_as_djangos(django_assert_num_queries):
    user = UserFactory(email="ada@example.com", first_name="Ada")
    user.last_login = timezone.now()
    user.save()
    with django_assert_num_queries(1):
        ours = ModelBackend().get_user(user.pk)
    theirs = DjangoModelBackend().get_user(user.pk)
    for field in get_user_model()._meta.concrete_fields:
        mine, django = getattr(ours, field.attname), getattr(theirs, field.attname)
        assert mine == django and type(mine) is type(django), field.name
    assert ours.last_login.tzinfo is not None
    assert not ours._state.adding and ours._state.db == "default"
    assert ours.get_session_auth_hash() == theirs.get_session_auth_hash()


def test_the_backend_refuses_inactive_and_unknown_users():
    user = UserFactory(is_active=False)
    assert ModelBackend().get_user(user.pk) is None
    assert ModelBackend().get_user(user.pk + 1000) is None


def test_a_password_change_elsewhere_still_signs_the_session_out(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("progress")).status_code == 200
    user.set_password("a-brand-new-passphrase-77")
    user.save()
    response = client.get(reverse("progress"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_navigation_urls_are_the_reversed_ones_under_any_script_prefix():
    request = RequestFactory().get("/")
    assert nav(request)["nav"] == {key: reverse(name) for key, name in NAV_URLS.items()}
    set_script_prefix("/prep/")
    try:
        urls = nav(request)["nav"]
        assert urls == {key: reverse(name) for key, name in NAV_URLS.items()}
        assert all(url.startswith("/prep/") for url in urls.values())
    finally:
        clear_script_prefix()
    assert nav(request)["nav"]["home"] == "/"


@pytest.mark.parametrize(
    "url, current",
    [
        (reverse("home"), None),
        (reverse("questions:question_list"), "Questions"),
        (reverse("questions:red_flag_list"), "Red flags"),
        (reverse("practice:start"), "Practice"),
        (reverse("practice:history"), "History"),
        (reverse("progress"), "Progress"),
        (reverse("stories:list"), "Stories"),
        (reverse("stories:create"), "Stories"),
        (reverse("account_data"), "ada"),
    ],
)
def test_the_navigation_marks_the_current_section(client, url, current):
    client.force_login(UserFactory(username="ada"))
    html = client.get(url).content.decode()
    nav_html = html[html.index('<ul class="nav">') : html.index("</nav>")]
    marked = re.findall(r'aria-current="page"[^>]*>([^<]+)<', nav_html)
    assert marked == ([current] if current else [])


def test_the_navigation_marks_login_and_signup_for_visitors(client):
    for name, label in (("login", "Log in"), ("signup", "Sign up")):
        html = client.get(reverse(name)).content.decode()
        assert re.findall(r'aria-current="page"[^>]*>([^<]+)<', html) == [label]


def test_navigation_urls_cache_keeps_a_bounded_number_of_prefixes(monkeypatch):
    from interview_prep import context_processors

    monkeypatch.setattr(context_processors, "_nav_by_prefix", {})
    request = RequestFactory().get("/")
    try:
        for i in range(50):
            set_script_prefix(f"/p{i}/")
            assert nav(request)["nav"]["home"] == f"/p{i}/"
    finally:
        clear_script_prefix()
    assert len(context_processors._nav_by_prefix) == context_processors.MAX_PREFIXES
