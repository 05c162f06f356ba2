"""A reader's journey in a real browser: Debian's Chromium, driven by Playwright.

From the home page, search "alibaba", open AliExpress, and see its listing timeline and
its coverage; on a phone-sized and on a wide screen, with screenshots of every step saved
under tests/artifacts/ (ignored by git) for a person to look at.
"""

import datetime

import pytest
from playwright.sync_api import expect

from tests.factories import list_market, make_article, make_company, make_market, make_outlet

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    """The demo's shape: Alibaba Group runs AliExpress and Taobao, Tencent runs WeChat;
    the 2020 and 2021 editions; one article about AliExpress."""
    alibaba = make_company("Alibaba Group", aliases="Alibaba", country="CN")
    tencent = make_company("Tencent", country="CN")
    aliexpress = make_market("AliExpress", operator=alibaba, country="CN")
    taobao = make_market("Taobao", operator=alibaba, country="CN")
    wechat = make_market("WeChat", operator=tencent, aliases="Weixin\n微信", country="CN")
    list_market(taobao, 2020, 2021)
    list_market(aliexpress, 2021)
    list_market(wechat, 2021)
    make_article(
        "The US accuses the owners of AliExpress and WeChat",
        outlet=make_outlet("TSF"),
        published_on=datetime.date(2022, 2, 18),
        markets=[aliexpress, wechat],
    )
    return {"aliexpress": aliexpress}


@pytest.mark.parametrize("width", [375, 1280])
def test_search_a_company_and_open_its_market(browser, live_server, demo, width):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.screenshot(path=ARTIFACTS / f"home-{width}.png", full_page=True)

        box = page.get_by_label("Search a company, market or coverage")
        box.fill("alibaba")
        box.press("Enter")

        page.wait_for_url("**/search/?q=alibaba")
        expect(page.get_by_role("heading", level=1)).to_contain_text("alibaba")
        markets = page.locator("#markets")
        expect(markets.get_by_role("heading", level=2)).to_contain_text("Markets (2)")
        expect(markets.get_by_role("link", name="Taobao")).to_be_visible()
        expect(page.locator("#companies").get_by_role("link", name="Alibaba Group")).to_be_visible()
        expect(page.get_by_role("link", name="WeChat", exact=True)).to_have_count(0)
        page.screenshot(path=ARTIFACTS / f"search-{width}.png", full_page=True)

        markets.get_by_role("link", name="AliExpress").click()

        page.wait_for_url(f"**{demo['aliexpress'].get_absolute_url()}")
        expect(page.get_by_role("heading", level=1)).to_have_text("AliExpress")
        timeline = page.get_by_role("list", name="Listing timeline of AliExpress")
        expect(timeline.get_by_role("listitem")).to_have_count(2)
        expect(timeline.get_by_role("listitem").nth(0)).to_contain_text("2020")
        # No edition's count is recorded, so neither is complete: the page says what is known.
        expect(timeline.get_by_role("listitem").nth(0)).to_contain_text("Not entered")
        expect(timeline.get_by_role("listitem").nth(1)).to_contain_text("2021")
        expect(timeline.get_by_role("listitem").nth(1)).to_contain_text("First entered")
        coverage = page.locator("section", has=page.locator("#coverage-heading"))
        expect(coverage.get_by_role("link", name="The US accuses the owners")).to_be_visible()
        expect(coverage).to_contain_text("TSF")
        expect(coverage).to_contain_text("18 February 2022")
        # Nothing is wider than the screen: no sideways scrolling on a phone.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.screenshot(path=ARTIFACTS / f"market-{width}.png", full_page=True)
    finally:
        context.close()
