import os

import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached renderings are keyed by the bank version, which every test database starts at
    # the same value: start each test with an empty cache.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def auth_client(client, user):
    client.force_login(user)
    return client


def pytest_collection_modifyitems(config, items):
    """Browser tests need a Chromium: skip them with a how-to when there is none, except on CI."""
    from tests.browser.chromium import HOW_TO_GET_ONE, find_chromium

    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items or find_chromium() is not None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI is set, so the browser tests must run. " + HOW_TO_GET_ONE)
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=HOW_TO_GET_ONE))


@pytest.fixture
def curators_group(db):
    """The Curators group as its data migration makes it. Transactional tests flush the
    database (migration data included), so tests ask for it rather than assume it."""
    from importlib import import_module

    from django.contrib.auth.models import Group, Permission

    migration = import_module("questions.migrations.0003_curators_group")
    group, _ = Group.objects.get_or_create(name="Curators")
    codenames = [
        f"{action}_{model}"
        for _, model, actions in migration.CURATOR_PERMISSIONS
        for action in actions
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="questions", codename__in=codenames)
    )
    return group


@pytest.fixture
def curator(curators_group):
    user = UserFactory(username="curator", is_staff=True)
    user.groups.add(curators_group)
    return user
