"""Progress in a real Chromium: practise, see the dashboard change, set an interview date."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_practice import bank, sign_up  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_moves_with_practice_and_interview_date(live_server, page: Page, bank):  # noqa: F811
    sign_up(page, live_server.url, "progressor")
    page.goto(live_server.url + "/progress/")
    practised = page.locator(".stats > div").filter(has_text=re.compile(r"^Practised"))
    expect(practised).to_contain_text("0 of 3")

    page.goto(live_server.url + "/practice/")
    drill = page.locator("#mode-drill")
    drill.get_by_label("Questions").fill("2")
    drill.get_by_role("button", name="Start practice").click()
    expect(page).to_have_url(re.compile(r"/questions/1/$"))
    page.locator("h1").click()
    page.keyboard.press("1")  # Again
    expect(page).to_have_url(re.compile(r"/questions/2/$"))
    page.locator("h1").click()
    page.keyboard.press("4")  # Easy
    expect(page.locator("h1")).to_have_text("Session summary")

    page.get_by_role("link", name="Progress", exact=True).click()
    expect(practised).to_contain_text("2 of 3")
    expect(page.locator(".rating-dist")).to_contain_text("Again 1")
    expect(page.locator(".rating-dist")).to_contain_text("Easy 1")
    expect(page.locator(".stats > div").filter(has_text="Streak")).to_contain_text("1 day")

    interview = timezone.localdate() + timedelta(days=3)
    page.get_by_role("link", name="progressor").click()
    page.get_by_label("Interview date").fill(interview.isoformat())
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="3 days to your interview")).to_be_visible()
    page.goto(live_server.url + "/progress/")
    expect(page.locator(".lede")).to_contain_text("3 days to your interview")
    # Both were just reviewed, so none is due today; both come back before the interview,
    # none after it.
    forecast = page.locator(
        "section", has=page.get_by_role("heading", name="Due in the next 14 days")
    )
    forecast.get_by_text("As a table").click()
    before = after = 0
    for row in forecast.locator("tbody tr").all():
        day, due = row.locator("td").all_inner_texts()
        n = int(due)
        today = timezone.localdate()
        when = timezone.datetime.strptime(f"{day} {today.year}", "%a %d %b %Y").date()
        if when < today:  # the 14 days run into next year
            when = when.replace(year=today.year + 1)
        if when < interview:
            before += n
        else:
            after += n
    assert (before, after) == (2, 0)
