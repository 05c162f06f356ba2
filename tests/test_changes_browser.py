"""The changes pages in a real browser (Debian's Chromium, Playwright), JavaScript off:
from an edition's page to what it changed, then any two editions through the form."""

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS
from tests.factories import list_market, make_listing, make_market, make_report

pytestmark = [
    pytest.mark.browser,
]


@pytest.fixture
def editions(transactional_db):
    """2018 to 2021, each marked all entered, so every change is a fact."""
    reports = {
        year: make_report(year, online_all_entered=True, completeness_note="Checked.")
        for year in (2018, 2019, 2020, 2021)
    }
    list_market(make_market("Steady"), 2018, 2019, 2020, 2021)
    list_market(make_market("Comeback"), 2018, 2021)
    list_market(make_market("Leaver"), 2019, 2020)
    # No edition before 2018 is on record: Fresh is new because a source says so.
    make_listing(make_market("Fresh"), reports[2021], source_says_first=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_from_an_edition_to_its_changes_and_any_two_editions(browser, live_server, editions, width):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/reports/2021/")
        page.get_by_role("link", name="What changed since the 2020 review").click()
        page.wait_for_url("**/reports/2021/changes/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "What changed from the 2020 to the 2021 review"
        )
        added = page.locator("section", has=page.locator("#added-heading"))
        expect(added.get_by_role("link", name="Fresh", exact=True)).to_be_visible()
        returning = page.locator("section", has=page.locator("#returning-heading"))
        expect(returning.get_by_role("link", name="Comeback", exact=True)).to_be_visible()
        dropped = page.locator("section", has=page.locator("#dropped-heading"))
        expect(dropped.get_by_role("link", name="Leaver", exact=True)).to_be_visible()
        page.screenshot(path=ARTIFACTS / f"changes-{width}.png", full_page=True)

        # The form, without JavaScript: choose two editions further apart and submit.
        page.get_by_label("From the edition").select_option("2018")
        page.get_by_label("To the edition").select_option("2021")
        page.get_by_role("button", name="Compare").click()
        page.wait_for_url("**/compare/?from=2018&to=2021")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "What changed from the 2018 to the 2021 review"
        )
        expect(page.locator("#added-heading")).to_contain_text("Added (1)")  # Fresh
        expect(page.locator("#returning-heading")).to_contain_text("Returning (0)")
        expect(page.locator("#dropped-heading")).to_contain_text("Dropped (0)")

        # The wrong way round: a message, and a link that swaps them.
        page.get_by_label("From the edition").select_option("2021")
        page.get_by_label("To the edition").select_option("2019")
        page.get_by_role("button", name="Compare").click()
        expect(page.get_by_role("alert")).to_contain_text("the first edition must be the earlier")
        page.get_by_role("link", name="Compare them the other way round").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "What changed from the 2019 to the 2021 review"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
