"""axe-core (the `axe-playwright-python` package bundles it) in Chromium finds no
accessibility violation on any public page type, wide (1280 px) and on a phone (375 px).

Every rule axe runs by default counts: WCAG 2.0, 2.1 and 2.2 A and AA, and its best
practices (one page's two search landmarks must have different names, for instance).
The API's pages (DRF's browsable API, Swagger UI) and the admin's forms, whose markup is
mostly their libraries', are held to the WCAG 2.0 and 2.1 A and AA rules: what the site
promises.
"""

from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command

from notorious.markets.models import Market
from notorious.reports.models import Report

from .public_pages import PUBLIC_PAGES, load_demo

pytestmark = pytest.mark.browser


WIDTHS = (1280, 375)
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PASSWORD = "correct-horse-battery"


def violations(axe, page, options=None):
    """One line per rule broken, with the first few elements that break it."""
    response = (axe.run(page, options=options) if options else axe.run(page)).response
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


def audit(browser, base_url, paths, wait_for=None, log_in=False):
    """{(path, width): violations} for every page at every width, empty ones left out."""
    found = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        if log_in:
            page.goto(f"{base_url}/admin/login/")
            page.fill("#id_username", "root")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(f"{base_url}/admin/")
        for path in paths:
            response = page.goto(f"{base_url}{path}")
            assert response.status == 200, path
            if wait_for and path in wait_for:
                page.locator(wait_for[path]).first.wait_for(timeout=60000)
            page.wait_for_load_state("networkidle")
            if problems := violations(Axe(), page, WCAG_AA):
                found[(path, width)] = problems
        context.close()
    return found


@pytest.mark.django_db(transaction=True)
def test_api_pages_pass_axe(live_server, browser):
    call_command("load_demo", stdout=StringIO())
    paths = ["/api/", "/api/markets/", "/api/markets/taobao/", "/api/docs/"]
    # Swagger UI draws the operations with script: wait for them before checking.
    found = audit(browser, live_server.url, paths, wait_for={"/api/docs/": ".opblock"})
    assert found == {}


@pytest.mark.django_db(transaction=True)
def test_admin_forms_and_data_checks_pass_axe(live_server, browser):
    call_command("load_demo", stdout=StringIO())
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    edition = Report.objects.latest_edition()
    market = Market.objects.get(slug="taobao")
    paths = [
        f"/admin/reports/report/{edition.pk}/change/",
        f"/admin/markets/market/{market.pk}/change/",
        "/admin/data-checks/",
    ]
    assert audit(browser, live_server.url, paths, log_in=True) == {}
