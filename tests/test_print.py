"""Printing (static/css/site.css, `@media print`), in Chromium with print media emulated:
the timeline reads without backgrounds (browsers do not print them), forms and navigation
are left off, link addresses are printed, entries are kept whole, and a printed list says
which filters it shows. A PDF and a print-media screenshot of a market page are saved
under tests/artifacts/ for a person to look at."""

import pytest

from .conftest import ARTIFACTS
from .public_pages import load_demo

pytestmark = pytest.mark.browser

BLACK = "rgb(0, 0, 0)"
NO_BACKGROUND = "rgba(0, 0, 0, 0)"


def style(page, selector, *properties, pseudo=None):
    """The computed `properties` of the first element matching `selector`."""
    return page.eval_on_selector(
        selector,
        """(element, [properties, pseudo]) => {
            const style = getComputedStyle(element, pseudo);
            return Object.fromEntries(properties.map(p => [p, style.getPropertyValue(p)]));
        }""",
        [list(properties), pseudo],
    )


@pytest.fixture
def printed(browser, live_server, transactional_db):
    """A page opened as for printing: `printed(url)`."""
    load_demo()
    context = browser.new_context(viewport={"width": 1000, "height": 1200})
    page = context.new_page()
    page.emulate_media(media="print")

    def open_page(url):
        page.goto(live_server.url + url)
        return page

    yield open_page
    context.close()


def test_a_printed_market_page_keeps_its_timeline_legible(printed):
    page = printed("/markets/aliexpress/")

    listed = style(
        page, ".cell--listed", "color", "background-color", "background-image",
        "border-top-style", "border-top-width",
    )  # fmt: skip
    assert listed == {
        "color": BLACK,
        "background-color": NO_BACKGROUND,
        "background-image": "none",
        "border-top-style": "solid",
        "border-top-width": "3px",
    }
    assert page.inner_text(".cell--listed .cell-state") == "Listed"
    assert style(page, ".cell--listed .cell-year", "color")["color"] == BLACK
    not_entered = style(page, ".cell--not-entered", "color", "background-image", "border-top-style")
    assert not_entered == {"color": BLACK, "background-image": "none", "border-top-style": "dotted"}
    assert page.inner_text(".cell--not-entered .cell-state").lower() == "not entered"

    # Navigation and the search form are not printed; the footer says where the page is.
    for selector in (".site-header nav", ".site-search"):
        assert style(page, selector, "display")["display"] == "none", selector
    assert page.is_visible("text=Printed from")

    # A link's address follows it; an entry is not split across pages.
    operator = page.locator("main a[href^='/companies/']").first
    href = operator.get_attribute("href")
    after = style(page, f"main a[href='{href}']", "content", pseudo="::after")["content"]
    assert href in after
    assert style(page, ".listing", "break-inside")["break-inside"] == "avoid"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "print-market.png", full_page=True)
    pdf = page.pdf(path=ARTIFACTS / "print-market.pdf", format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_a_printed_strip_shows_each_state_in_black_with_its_border(printed):
    page = printed("/companies/alibaba-group/")
    listed = style(page, ".strip-cell--listed", "color", "background-color", "border-top-width")
    assert listed == {
        "color": BLACK,
        "background-color": NO_BACKGROUND,
        "border-top-width": "3px",
    }
    assert style(page, ".strip-cell--not-entered", "border-top-style")["border-top-style"] == (
        "dotted"
    )
    assert style(page, ".legend", "display")["display"] != "none"  # the key to the letters


def test_a_printed_list_states_its_filters_and_leaves_the_form_off(printed):
    page = printed("/markets/?kind=online&sort=-years_listed")
    assert style(page, ".filters", "display")["display"] == "none"
    assert page.inner_text(".filters-applied") == (
        "Filtered by: Kind: Online; Sort by: Years listed (descending)."
    )
    assert page.is_visible(".filters-applied")

    page.goto(page.url.split("?")[0])
    assert page.inner_text(".filters-applied") == "No filters applied: the whole list."

    # On screen the form says it, and the line is not shown.
    page.emulate_media(media="screen")
    page.goto(page.url + "?kind=online")
    assert not page.is_visible(".filters-applied")
    assert page.is_visible(".filters")
