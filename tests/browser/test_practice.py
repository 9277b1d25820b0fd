"""Practice journeys in a real Chromium, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from practice.models import Attempt
from questions.models import Category
from tests.factories import QuestionFactory, RedFlagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def bank():
    flag = RedFlagFactory(title="Blames the team", how_to_avoid="Own your part.")
    QuestionFactory(
        key="b-story",
        category=Category.BEHAVIORAL,
        stage="",
        red_flags=[flag],
        prompt="Tell me about a model you rescued.",
        key_points=["Names the metric", "Says what I did", "Gives the result"],
    )
    QuestionFactory(key="t-drift", prompt="How do you detect drift?")
    QuestionFactory(key="s-drop", category=Category.SITUATIONAL, prompt="Accuracy fell. What now?")


def sign_up(page: Page, base: str, name: str = "candidate") -> None:
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Practice")


def start_mock(page: Page) -> None:
    mock = page.locator("#mode-mock")
    mock.get_by_label("Behavioral").fill("1")
    mock.get_by_label("Technical").fill("1")
    mock.get_by_label("Situational").fill("1")
    mock.get_by_role("button", name="Start practice").click()
    expect(page).to_have_url(re.compile(r"/practice/sessions/\d+/questions/1/$"))


STAR = {
    "Situation": "Our fraud model missed a new attack.",
    "Task": "I had to restore recall within a week.",
    "Action": "I traced the gap to a stale feature, rebuilt the pipeline, retrained and "
    "shadow-tested the model, then rolled it out behind a flag with alerts.",
    "Result": "Recall went from 61% to 84% and losses fell by a third.",
}


def test_mock_interview_journey_with_javascript(live_server, page: Page, bank):
    sign_up(page, live_server.url)
    start_mock(page)
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    expect(page.locator("#timer")).to_contain_text("Time left")
    for label, text in STAR.items():
        page.get_by_label(label, exact=True).fill(text)
    expect(page.locator('[data-count-for="action"]')).to_have_text("25 words")
    expect(page.locator("[data-total-words]")).to_have_text("52")
    expect(page.locator("[data-speaking]")).to_have_text("0:22")
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=4000)

    page.reload()
    expect(page.get_by_label("Action", exact=True)).to_have_value(STAR["Action"])

    page.get_by_role("button", name="Reveal guidance").click()
    expect(page.get_by_text("Key points: which did your answer cover?")).to_be_visible()
    page.get_by_label("Names the metric").check()
    page.get_by_label(re.compile("Blames the team")).check()
    expect(page.locator("#save-status")).to_contain_text("Saved")

    page.evaluate("window.__noReload = true")
    page.locator("h1").click()  # not typing: the number keys rate
    page.keyboard.press("3")
    expect(page).to_have_url(re.compile(r"/questions/2/$"))
    expect(page.locator("h1")).to_have_text("How do you detect drift?")
    assert page.evaluate("window.__noReload") is True  # swapped in with htmx
    page.get_by_label("Your answer").fill("Compare input distributions with PSI and alert.")
    page.locator("h1").click()
    page.keyboard.press("1")
    expect(page.locator("h1")).to_have_text("Accuracy fell. What now?")
    page.locator("h1").click()
    page.keyboard.press("4")

    expect(page).to_have_url(re.compile(r"/summary/$"))
    expect(page.locator("h1")).to_have_text("Session summary")
    stats = page.locator(".stats")
    expect(stats).to_contain_text("3 of 3")
    expect(stats).to_contain_text("Again 1")
    expect(stats).to_contain_text("Good 1")
    expect(stats).to_contain_text("Easy 1")
    first = page.locator(".summary-item").first
    expect(first).to_contain_text("1 of 3")  # key points covered
    expect(first).to_contain_text("1: Blames the team")
    expect(page.get_by_role("button", name="Practise these again")).to_be_visible()
    attempt = Attempt.objects.get(question__key="b-story")
    assert attempt.rating == "good" and attempt.covered_points == [0]
    assert attempt.elapsed_seconds is not None and attempt.elapsed_seconds >= 1


def test_mock_interview_journey_without_javascript(live_server, no_js_page: Page, bank):
    page = no_js_page
    sign_up(page, live_server.url, "nojs")
    start_mock(page)
    for label, text in STAR.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Action", exact=True)).to_have_value(STAR["Action"])
    page.get_by_role("button", name="Reveal guidance").click()
    page.get_by_label("Names the metric").check()
    page.get_by_label(re.compile("Blames the team")).check()
    page.get_by_role("button", name=re.compile("Good")).click()
    expect(page).to_have_url(re.compile(r"/questions/2/$"))
    page.get_by_role("button", name=re.compile("Again")).click()
    page.get_by_role("button", name="Skip this question").click()
    expect(page.locator("h1")).to_have_text("Session summary")
    expect(page.locator(".stats")).to_contain_text("2 of 3")
    expect(page.locator(".stats")).to_contain_text("1 skipped")
    expect(page.locator(".summary-item").first).to_contain_text("1 of 3")
    attempt = Attempt.objects.get(question__key="b-story")
    assert attempt.action == STAR["Action"] and attempt.covered_points == [0]
    assert attempt.red_flags.count() == 1


def test_back_button_inside_a_session(live_server, page: Page, bank):
    sign_up(page, live_server.url, "backer")
    start_mock(page)
    page.locator("h1").click()
    page.keyboard.press("2")
    expect(page).to_have_url(re.compile(r"/questions/2/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/questions/1/$"))
    expect(page.locator("h1")).to_have_text("Tell me about a model you rescued.")
    expect(page.locator(".pill-rated")).to_have_text("Rated: Hard")
    page.go_forward()
    expect(page.locator("h1")).to_have_text("How do you detect drift?")


def test_two_tabs_never_silently_overwrite_each_other(live_server, page: Page, bank):
    sign_up(page, live_server.url, "twotabs")
    start_mock(page)
    url = page.url
    other = page.context.new_page()
    other.set_default_timeout(10_000)
    other.goto(url)
    page.get_by_label("Action", exact=True).fill("Written in the first tab.")
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=4000)
    other.get_by_label("Action", exact=True).fill("Written in the second tab.")
    expect(other.locator("#save-status")).to_contain_text("changed in another tab", timeout=4000)
    expect(other.get_by_label("Action", exact=True)).to_have_value("Written in the second tab.")
    assert Attempt.objects.get(question__key="b-story").action == "Written in the first tab."
    other.get_by_role("button", name="Keep this version").click()
    expect(other.locator("#save-status")).to_contain_text("Saved")
    assert Attempt.objects.get(question__key="b-story").action == "Written in the second tab."


def test_rating_buttons_and_skip_send_their_value_with_javascript(live_server, page: Page, bank):
    """The buttons carry no hx-vals: htmx sends the clicked button's rating=… itself."""
    sign_up(page, live_server.url, "clicker")
    start_mock(page)
    page.get_by_label("Action", exact=True).fill("I rebuilt the feature pipeline.")
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name=re.compile("Good")).click()
    expect(page).to_have_url(re.compile(r"/questions/2/$"))
    page.get_by_role("button", name="Skip this question").click()
    expect(page).to_have_url(re.compile(r"/questions/3/$"))
    assert page.evaluate("window.__noReload") is True  # both swapped in with htmx
    ratings = dict(Attempt.objects.values_list("question__key", "rating"))
    assert ratings == {"b-story": "good", "t-drift": "skipped", "s-drop": ""}
    assert Attempt.objects.get(question__key="b-story").action == "I rebuilt the feature pipeline."
