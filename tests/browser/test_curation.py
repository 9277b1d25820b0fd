"""A curator takes a user's suggestion through review to published, in a real Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import QuestionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def log_in(page: Page, base: str, username: str, admin: bool = False) -> None:
    page.goto(base + ("/admin/login/" if admin else "/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_curator_publishes_a_suggestion_and_it_appears_in_search(live_server, browser, curator):
    QuestionFactory(prompt="An unrelated published question about calibration?")
    UserFactory(username="candidate")

    candidate = browser.new_context().new_page()
    candidate.set_default_timeout(10_000)
    log_in(candidate, live_server.url, "candidate")
    candidate.goto(live_server.url + "/questions/suggest/")
    candidate.get_by_label("Your question").fill(
        "How would you decide when a feature store is worth its cost?"
    )
    candidate.get_by_label("Category").select_option("technical")
    candidate.get_by_label("Why it matters").fill("Asked at a fintech onsite.")
    candidate.get_by_role("button", name="Send suggestion").click()
    expect(candidate.get_by_text("Waiting for review")).to_be_visible()

    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "curator", admin=True)
    page.goto(live_server.url + "/admin/questions/question/?origin=suggested")
    page.get_by_role("link", name=re.compile("^How would you decide when a feature store")).click()
    expect(page.get_by_text("Suggested by candidate")).to_be_visible()
    expect(page.get_by_text("Before this question can be published")).to_be_visible()
    page.get_by_label("Assesses").fill("Cost-benefit judgement about ML infrastructure.")
    page.get_by_label("Tip").fill(
        "Start from the pain: duplicated features and training/serving skew."
    )
    page.get_by_label("Key points").fill(
        "Counts teams and features\nWeighs skew incidents\nPrices the platform"
    )
    page.get_by_label("Follow ups").fill("What would you build first?")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("is now in review")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("is now published")

    candidate.goto(live_server.url + "/questions/")
    candidate.get_by_label("Search").press_sequentially("feature store", delay=30)
    expect(candidate.locator("#question-results")).to_contain_text(
        "How would you decide when a feature store is worth its cost?"
    )
    candidate.goto(live_server.url + "/questions/suggest/")
    expect(candidate.get_by_text("Published", exact=True)).to_be_visible()
