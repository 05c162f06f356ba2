"""The corrections log in a real browser (Debian's Chromium, Playwright), on a phone-sized and
a wide screen: /corrections/ lists the notes newest first, each links to the note on the
corrected entry's page. Screenshots under tests/artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_correction, make_listing, make_market, make_report

from .admin_forms import make_editor
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

MARKET_NOTE = "Its country had been entered as Hong Kong; the review names mainland China."
LISTING_NOTE = "The 2019 listing had been entered under the 2018 review."


@pytest.fixture
def corrected(transactional_db):
    market = make_market("Corrected Bazaar With A Rather Long Name For A Phone", country="CN")
    listing = make_listing(market, make_report(2019), reasons="Sells counterfeits.")
    make_correction(market, MARKET_NOTE)
    make_correction(listing, LISTING_NOTE)
    return market


@pytest.mark.parametrize("width", [375, 1280])
def test_the_log_links_each_correction_to_its_entry(browser, live_server, corrected, width):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/corrections/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Corrections")
        expect(page.get_by_role("heading", name="2 corrections")).to_be_visible()
        items = page.locator("ol.corrections > li")
        expect(items).to_have_count(2)
        expect(items.nth(0)).to_contain_text(LISTING_NOTE)  # the newer first
        expect(items.nth(0)).to_contain_text("Listing: Corrected Bazaar")
        expect(items.nth(1)).to_contain_text(MARKET_NOTE)
        page.screenshot(path=ARTIFACTS / f"corrections-{width}.png", full_page=True)
        overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        assert page.evaluate(overflow) <= 0

        items.nth(1).get_by_role("link").click()
        page.wait_for_url(f"**{corrected.get_absolute_url()}#correction-market-*")
        section = page.locator("#corrections")
        expect(section.get_by_role("heading", name="Corrections")).to_be_visible()
        expect(section.locator("li")).to_have_count(2)
        expect(section.locator("li").nth(0)).to_contain_text(
            f"{corrected.name} in the 2019 review: {LISTING_NOTE}"
        )
        expect(section.locator("li").nth(1)).to_contain_text(MARKET_NOTE)
        expect(section.locator("li").nth(1)).to_be_in_viewport()  # the link's target
        page.screenshot(path=ARTIFACTS / f"corrections-market-{width}.png", full_page=True)
        section.screenshot(path=ARTIFACTS / f"corrections-market-section-{width}.png")
        assert page.evaluate(overflow) <= 0
    finally:
        context.close()


def test_an_editor_marks_a_correction_in_the_admin(browser, live_server, transactional_db):
    """The admin flow as an editor meets it: the Correction section on a published market's
    form, the note required, then the note on the market's page."""
    market = make_market("Admin Bazaar")
    editor, _ = make_editor("browser-editor")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", editor.username)
        page.fill("#id_password", "correct-horse-battery")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        change = f"{live_server.url}/admin/markets/market/{market.pk}/change/"
        page.goto(change)
        page.fill("#id_city", "Shenzhen")
        page.get_by_label("This change is a correction").check()
        page.locator("input[name=_continue]").first.click()
        page.wait_for_url(change)
        expect(page.locator(".errorlist")).to_contain_text("Say what was corrected")
        page.get_by_label("Public note").fill("Its city had been left out.")
        page.locator("#id_correction_note").scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "corrections-admin-1280.png")
        page.locator("input[name=_save]").first.click()
        page.wait_for_url(f"{live_server.url}/admin/markets/market/")

        page.goto(f"{live_server.url}{market.get_absolute_url()}")
        expect(page.locator("#corrections")).to_contain_text("Its city had been left out.")
        # An ordinary edit afterwards adds nothing public.
        page.goto(change)
        page.fill("#id_city", "Guangzhou")
        page.locator("input[name=_save]").first.click()
        page.wait_for_url(f"{live_server.url}/admin/markets/market/")
        page.goto(f"{live_server.url}/corrections/")
        expect(page.locator("ol.corrections > li")).to_have_count(1)
    finally:
        page.close()
