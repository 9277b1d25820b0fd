"""The question bank in a real Chromium: live search, history, filters, disclosure, no-JS."""

import re

import pytest
from playwright.sync_api import Page, expect

from questions.models import Category, Stage
from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bank():
    QuestionFactory(
        key="detect-drift",
        prompt="How would you detect data drift in production?",
        stage=Stage.MONITORING,
        key_points=["Compare input distributions", "Watch prediction shift", "Alert on thresholds"],
    )
    QuestionFactory(key="calibration", prompt="What does it mean for a model to be calibrated?")
    QuestionFactory(
        key="deadline-story",
        prompt="Tell me about a tight deadline you met.",
        category=Category.BEHAVIORAL,
        stage="",
    )
    for n in range(30):
        QuestionFactory(key=f"filler-{n:02d}", prompt=f"Filler question {n:02d} about training")


def results(page: Page):
    return page.locator("#question-results")


def test_typing_updates_results_in_place_and_the_address(live_server, page: Page, bank):
    page.goto(live_server.url + "/questions/")
    expect(page.locator("#results-count")).to_contain_text("33 questions")
    page.evaluate("window.__noReload = true")
    page.get_by_label("Search").press_sequentially("drift", delay=40)
    expect(page.locator("#results-count")).to_contain_text("1 question matches")
    expect(results(page)).to_contain_text("How would you detect data drift")
    expect(page).to_have_url(re.compile(r"/questions/\?q=drift$"))
    assert page.evaluate("window.__noReload") is True  # no full page load happened
    expect(page.get_by_label("Search")).to_be_focused()


def test_back_restores_the_previous_results(live_server, page: Page, bank):
    page.goto(live_server.url + "/questions/")
    search = page.get_by_label("Search")
    search.press_sequentially("drift", delay=40)
    expect(page).to_have_url(re.compile(r"\?q=drift$"))
    search.fill("calibrated")
    expect(page).to_have_url(re.compile(r"\?q=calibrated$"))
    expect(results(page)).to_contain_text("calibrated")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=drift$"))
    expect(results(page)).to_contain_text("detect data drift")
    expect(results(page)).not_to_contain_text("calibrated")
    expect(page.get_by_label("Search")).to_have_value("drift")
    page.reload()
    expect(results(page)).to_contain_text("detect data drift")


def test_filters_and_pagination_update_results(live_server, page: Page, bank):
    page.goto(live_server.url + "/questions/")
    page.get_by_label("Category").select_option("behavioral")
    expect(page.locator("#results-count")).to_contain_text("1 question matches")
    expect(results(page)).to_contain_text("tight deadline")
    expect(page).to_have_url(re.compile(r"\?category=behavioral$"))
    page.get_by_label("Category").select_option("")
    expect(page.locator("#results-count")).to_contain_text("page 1 of 2")
    page.get_by_role("link", name="Next →").click()
    expect(page.locator("#results-count")).to_contain_text("page 2 of 2")
    expect(page).to_have_url(re.compile(r"\?page=2$"))


def test_key_points_stay_hidden_until_asked(live_server, page: Page, bank):
    page.goto(live_server.url + "/questions/detect-drift/")
    point = page.get_by_text("Compare input distributions")
    expect(point).to_be_hidden()
    page.get_by_text("Show key points").click()
    expect(point).to_be_visible()


def test_list_page_works_without_javascript(live_server, no_js_page: Page, bank):
    page = no_js_page
    page.goto(live_server.url + "/questions/")
    page.get_by_label("Search").fill("deadline")
    page.get_by_label("Category").select_option("behavioral")
    page.get_by_role("button", name="Show questions").click()
    expect(page).to_have_url(re.compile(r"/questions/\?q=deadline&category=behavioral"))
    expect(page.locator("#results-count")).to_contain_text("1 question matches")
    page.get_by_role("link", name="Tell me about a tight deadline you met.").click()
    expect(page.locator("h1")).to_have_text("Tell me about a tight deadline you met.")
