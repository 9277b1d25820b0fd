"""The story bank in a real Chromium: write a story, see the grid fill, use it, get coached."""

import re

import pytest
from playwright.sync_api import Page, expect

from questions.models import Category
from tests.browser.test_practice import sign_up
from tests.factories import CompetencyFactory, QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bank():
    ownership = CompetencyFactory(slug="ownership", name="Ownership")
    CompetencyFactory(slug="conflict", name="Conflict")
    QuestionFactory(
        key="owned-outage",
        category=Category.BEHAVIORAL,
        stage="",
        competencies=[ownership],
        prompt="Tell me about a time you owned an outage end to end.",
    )
    QuestionFactory(
        key="slipped-launch",
        category=Category.SITUATIONAL,
        prompt="What would you do if a launch slipped a week before the deadline?",
    )


def test_story_journey(live_server, page: Page, bank):
    sign_up(page, live_server.url, "storyteller")
    page.get_by_role("link", name="Stories").click()
    expect(page.get_by_text("You have 0 stories")).to_be_visible()
    page.get_by_role("link", name="Write a story").click()
    page.get_by_label("Title").fill("Fraud model rescue")
    page.get_by_label("Situation").fill("Our fraud model missed a new card-testing attack.")
    page.get_by_label("Task").fill("I owned getting recall back before the holiday peak.")
    page.get_by_label("Action").fill(
        "We traced the gap to a stale merchant feature. We rebuilt the pipeline and we retrained."
    )
    page.get_by_label("Result").fill("The fraud team was happy and the holiday peak went smoothly.")
    page.get_by_label("Ownership").check()
    # The long list of questions narrows as you type; ticked ones stay in view.
    outage = "Tell me about a time you owned an outage end to end."
    page.get_by_label("Filter the list").fill("outage owned")
    expect(page.locator("[data-picker-count]")).to_have_text("1 of 2 shown")
    expect(page.get_by_text("What would you do if a launch slipped")).to_be_hidden()
    page.get_by_label(outage).check()
    page.get_by_label("Filter the list").fill("no such words anywhere")
    expect(page.get_by_label(outage)).to_be_visible()
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_text("Story saved.")).to_be_visible()
    expect(page.locator("section", has_text="Used in")).to_contain_text(outage)

    page.get_by_role("link", name="Story bank").click()
    ownership_row = page.locator(
        "tr", has=page.get_by_role("rowheader", name=re.compile("^Ownership"))
    )
    expect(ownership_row.locator("td.tick")).to_have_text("✓")
    expect(page.locator("tr.gap", has_text="Conflict")).to_be_visible()

    page.goto(live_server.url + "/practice/")
    page.locator("#mode-drill").get_by_label("Category").select_option("behavioral")
    page.locator("#mode-drill").get_by_role("button", name="Start practice").click()
    expect(page.locator("h1")).to_have_text("Tell me about a time you owned an outage end to end.")
    page.get_by_role("link", name="Use a story").click()
    picker = page.locator("#story-picker")
    expect(picker).to_contain_text("matches 1 competency")
    picker.get_by_role("button", name="Use this story").click()
    expect(page.get_by_label("Action", exact=True)).to_have_value(re.compile("We traced the gap"))
    expect(page.get_by_text("Started from your story")).to_be_visible()

    page.get_by_role("button", name="Check my answer").click()
    coach = page.locator("#coach")
    expect(coach.locator('mark[data-code="we_instead_of_i"]')).to_have_text(
        re.compile("^We traced the gap")
    )
    expect(coach.locator('mark[data-code="result_not_quantified"]')).to_have_text(
        "The fraud team was happy and the holiday peak went smoothly."
    )
    expect(coach).to_contain_text("Result not measured")
