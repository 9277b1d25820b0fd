"""Every page's markup holds together for assistive technology.

On each page a user can reach: every form control has a label (a `<label for>`, a wrapping
`<label>`, `aria-label` or `aria-labelledby`); every id that `for`, `form`,
`aria-describedby`, `aria-labelledby` or `aria-controls` points at exists; and no id is used
twice. (A hint the page showed under an answer field was once announced by nobody: the
field's `aria-describedby`, which Django writes, named an id the hint did not have.)
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from practice.models import Story
from tests.factories import (
    AttemptFactory,
    PracticeSessionFactory,
    QuestionFactory,
    RedFlagFactory,
)

pytestmark = pytest.mark.django_db

REFERENCES = ("for", "form", "aria-describedby", "aria-labelledby", "aria-controls")
UNLABELLED_INPUTS = {"hidden", "submit", "button", "reset", "image"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.labelled_for: set[str] = set()
        self.controls: list[dict] = []
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for name in REFERENCES:
            for ref in (attrs.get(name) or "").split():
                self.references.append((tag, name, ref))
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.labelled_for.add(attrs["for"])
        is_control = tag in ("textarea", "select") or (
            tag == "input" and attrs.get("type", "text") not in UNLABELLED_INPUTS
        )
        if is_control:
            self.controls.append({**attrs, "tag": tag, "wrapped": self.open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def check(html: str) -> list[str]:
    page = _Page()
    page.feed(html)
    problems = []
    ids = set(page.ids)
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if duplicates:
        problems.append(f"ids used twice: {duplicates}")
    for tag, name, ref in page.references:
        if ref not in ids:
            problems.append(f'<{tag} {name}="{ref}"> points at no element')
    for control in page.controls:
        labelled = (
            control["wrapped"]
            or control.get("id") in page.labelled_for
            or control.get("aria-label")
            or control.get("aria-labelledby")
        )
        if not labelled:
            problems.append(f"<{control['tag']} name={control.get('name')!r}> has no label")
    return problems


def test_the_checker_finds_what_it_looks_for():
    assert check('<label for="a">A</label><input id="a"><label>B <input></label>') == []
    problems = check(
        '<input id="x" name="loose"><p aria-describedby="gone"></p><i id="x"></i>'
        '<textarea name="t" aria-describedby="x"></textarea>'
    )
    assert problems == [
        "ids used twice: ['x']",
        '<p aria-describedby="gone"> points at no element',
        "<input name='loose'> has no label",
        "<textarea name='t'> has no label",
    ]


@pytest.fixture
def pages(client, user):
    """Every page of the site, as anonymous visitors and as a signed-in user see it."""
    flag = RedFlagFactory()
    behavioral = QuestionFactory(category="behavioral", stage="", red_flags=[flag])
    technical = QuestionFactory(category="technical", red_flags=[flag])
    session = PracticeSessionFactory(user=user, mode="drill", question_count=2)
    AttemptFactory(session=session, position=1, question=behavioral, situation="At a bank.")
    AttemptFactory(session=session, position=2, question=technical, answer="I would.")
    story = Story.objects.create(user=user, title="Fraud model", situation="At a bank.")
    attempt_page = reverse("practice:attempt_detail", args=[session.pk, 1])

    anonymous = [
        reverse("home"),
        reverse("questions:question_list"),
        reverse("questions:question_list") + "?q=model",
        behavioral.get_absolute_url(),
        reverse("questions:red_flag_list"),
        reverse("login"),
        reverse("signup"),
    ]
    signed_in = [
        reverse("home"),
        behavioral.get_absolute_url(),
        reverse("questions:suggest"),
        reverse("practice:start"),
        attempt_page,
        reverse("practice:attempt_detail", args=[session.pk, 2]),
        reverse("practice:session_summary", args=[session.pk]),
        reverse("practice:history"),
        reverse("progress"),
        reverse("stories:list"),
        reverse("stories:create"),
        reverse("stories:detail", args=[story.pk]),
        reverse("account_settings"),
        reverse("account_data"),
        reverse("password_change"),
    ]
    return {"anonymous": anonymous, "signed_in": signed_in, "attempt_page": attempt_page}


def _problems_on(client, urls) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        problems = check(response.content.decode())
        if problems:
            found[url] = problems
    return found


def test_pages_anonymous_visitors_see(client, pages):
    assert _problems_on(client, pages["anonymous"]) == {}


def test_pages_a_signed_in_user_sees(client, user, pages):
    client.force_login(user)
    assert _problems_on(client, pages["signed_in"]) == {}
    # Once the guidance is revealed the page adds the checklists.
    assert client.post(pages["attempt_page"] + "reveal/", {"version": 0}).status_code == 302
    assert _problems_on(client, [pages["attempt_page"]]) == {}
