"""axe-core (the `axe-playwright-python` package bundles it) in Chromium finds no
accessibility violation on any public page type, wide (1280 px) and on a phone (375 px).

Every rule axe runs by default counts: WCAG 2.0, 2.1 and 2.2 A and AA, and its best
practices (one page's two search landmarks must have different names, for instance).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .public_pages import PUBLIC_PAGES, load_demo

pytestmark = pytest.mark.browser


def violations(axe, page):
    """One line per rule broken, with the first few elements that break it."""
    response = axe.run(page).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        for v in response["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_no_public_page_type_has_an_accessibility_violation(
    browser, live_server, transactional_db, width
):
    load_demo()
    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = []
    try:
        for name, url, status in PUBLIC_PAGES:
            response = page.goto(live_server.url + url)
            assert response.status == status, (name, url, response.status)
            found += [f"{name} ({url}): {line}" for line in violations(axe, page)]
    finally:
        context.close()
    assert not found, f"axe-core at {width} px:\n" + "\n".join(found)


def test_axe_really_runs_and_finds_a_violation(browser, live_server, transactional_db):
    """The check is not empty: an image with no text alternative is found."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(live_server.url + "/no-such-page/")
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend',"
            " '<img src=\"/static/none.png\">')"
        )
        assert any(line.startswith("image-alt") for line in violations(Axe(), page))
    finally:
        context.close()
