"""`/timeline/` in a real browser (Debian's Chromium, Playwright), JavaScript off, on the
demo data: one row per edition that opens to its details, then every event one by one."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS

pytestmark = [
    pytest.mark.browser,
]


@pytest.mark.parametrize("width", [375, 1280])
def test_timeline_rows_open_to_their_details(browser, live_server, transactional_db, width):
    call_command("load_demo", stdout=StringIO())
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/timeline/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
        rows = page.locator("ol.edition-rows > li")
        first = rows.locator("details").first
        changes = first.get_by_role("link", name="What changed in the")
        expect(changes).to_be_hidden()
        first.locator("summary").click()
        expect(changes).to_be_visible()
        # Nothing is wider than the screen: no sideways scrolling on a phone.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.screenshot(path=ARTIFACTS / f"timeline-{width}.png", full_page=True)
        page.get_by_role("link", name="Every event, one by one").click()
        page.wait_for_url("**/timeline/events/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Timeline: every event")
        expect(page.get_by_role("link", name="Download every event (CSV)")).to_be_visible()
    finally:
        context.close()
