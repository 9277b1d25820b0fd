"""Template context shared by every page."""

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The navigation's links, by the name base.html uses for each.
NAV_URLS = {
    "home": "home",
    "questions": "questions:question_list",
    "red_flags": "questions:red_flag_list",
    "practice": "practice:start",
    "progress": "progress",
    "stories": "stories:list",
    "history": "practice:history",
    "curate": "admin:index",
    "settings": "account_settings",
    "login": "login",
    "logout": "logout",
    "signup": "signup",
}

_nav_by_prefix: dict[str, dict[str, str]] = {}


def nav(request: HttpRequest) -> dict:
    """The navigation's URLs, reversed once per process (and script prefix), not per page.

    `{% url %}` costs ~60 µs a tag; the frame has a dozen, about a quarter of what an empty
    signed-in page costs to render (docs/performance.md).
    """
    prefix = get_script_prefix()
    urls = _nav_by_prefix.get(prefix)
    if urls is None:
        urls = _nav_by_prefix[prefix] = {key: reverse(name) for key, name in NAV_URLS.items()}
    return {"nav": urls}
