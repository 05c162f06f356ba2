"""The filter forms' name boxes in a real browser (Debian's Chromium, driven by Playwright):
the autocomplete by keyboard and by mouse, the slug in the address, no Content Security
Policy violation, and the same filter without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import list_market, make_article, make_company, make_market

pytestmark = pytest.mark.browser


@pytest.fixture
def names(transactional_db):
    alibaba = make_company("Alibaba Group", aliases="Alibaba")
    make_company("Alibaba Pictures", parent=alibaba)
    tencent = make_company("Tencent")
    taobao = make_market("Taobao", operator=alibaba)
    wechat = make_market("WeChat", operator=tencent, aliases="Weixin")
    list_market(taobao, 2021)
    list_market(wechat, 2021)
    make_article("A story about WeChat", markets=[wechat])
    make_article("A story about Taobao", markets=[taobao])


def watch_policy(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_pick_a_company_by_keyboard_and_the_address_keeps_its_slug(browser, live_server, names):
    page = browser.new_page()
    violations = watch_policy(page)
    page.goto(live_server.url + "/markets/")
    box = page.get_by_role("combobox", name="Company")
    box.fill("alib")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option")).to_have_text(["Alibaba Group", "Alibaba Pictures"])
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="suggestions")).to_contain_text(
        "2 suggestions"
    )

    box.press("ArrowDown")
    expect(suggestions.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"lookup-list-\d+-0"))
    box.press("Enter")  # picks; does not submit
    expect(box).to_have_value("Alibaba Group")
    expect(suggestions).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"/markets/\?.*company=alibaba-group"))
    expect(page.get_by_role("link", name="Taobao", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="WeChat", exact=True)).to_have_count(0)
    # The box shows the name of the company chosen, not its slug.
    expect(page.get_by_role("combobox", name="Company")).to_have_value("Alibaba Group")
    assert violations == []


def test_pick_a_market_by_mouse_and_escape_closes(browser, live_server, names):
    page = browser.new_page()
    violations = watch_policy(page)
    page.goto(live_server.url + "/coverage/")
    box = page.get_by_role("combobox", name="Market")
    box.fill("weix")  # an alias
    option = page.get_by_role("option", name="WeChat")
    expect(option).to_be_visible()
    box.press("Escape")
    expect(option).to_be_hidden()
    box.fill("wech")
    page.get_by_role("option", name="WeChat").click()
    expect(box).to_have_value("WeChat")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"/coverage/\?.*market=wechat"))
    expect(page.get_by_role("link", name="A story about WeChat")).to_be_visible()
    expect(page.get_by_role("link", name="A story about Taobao")).to_have_count(0)
    assert violations == []


def test_without_javascript_the_box_takes_a_typed_name(browser, live_server, names):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/timeline/events/")
        box = page.get_by_label("Company (with its subsidiaries)")
        expect(box).not_to_have_attribute("role", "combobox")  # a plain text box
        box.fill("alibaba group")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url(re.compile(r"company=alibaba\+group"))
        expect(page.get_by_label("Company (with its subsidiaries)")).to_have_value("Alibaba Group")
        expect(page.locator("main")).to_contain_text("Taobao")
        expect(page.locator("main")).not_to_contain_text("WeChat")
    finally:
        context.close()
