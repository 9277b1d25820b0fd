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
MAX_PREFIXES = 8

# Which navigation link is the current page's (aria-current), by the view's URL name, or by its
# namespace for whole sections.
SECTION_BY_NAME = {
    "question_list": "questions",
    "question_detail": "questions",
    "red_flag_list": "red_flags",
    "progress": "progress",
    "history": "history",
    "question_history": "history",
    "account_settings": "settings",
    "account_data": "settings",
    "login": "login",
    "signup": "signup",
}
SECTION_BY_NAMESPACE = {"practice": "practice", "stories": "stories"}


def nav_section(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return SECTION_BY_NAME.get(match.url_name) or SECTION_BY_NAMESPACE.get(match.namespace, "")


def nav(request: HttpRequest) -> dict:
    """The navigation's URLs, reversed once per process (and script prefix), not per page,
    and which of them is the current page's section.

    `{% url %}` costs ~60 µs a tag; the frame has a dozen, about a quarter of what an empty
    signed-in page costs to render (docs/performance.md).
    """
    prefix = get_script_prefix()
    urls = _nav_by_prefix.get(prefix)
    if urls is None:
        urls = {key: reverse(name) for key, name in NAV_URLS.items()}
        # A site has one prefix (two while tests switch it); never let the requests' own
        # SCRIPT_NAMEs grow this without bound.
        if len(_nav_by_prefix) < MAX_PREFIXES:
            _nav_by_prefix[prefix] = urls
    return {"nav": urls, "nav_section": nav_section(request)}
