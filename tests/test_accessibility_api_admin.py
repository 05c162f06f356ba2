"""axe-core (WCAG 2.1 AA), in a real browser at a desktop and a phone width, finds nothing on
the API's pages (the API root, a browsable list, the Swagger UI documentation) nor on the
admin pages editors fill in (an edition's and a market's change forms with their inlines,
the data checks)."""

from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command

from notorious.markets.models import Market
from notorious.reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)
# The WCAG 2.0 and 2.1 A and AA rules: what the site promises.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PASSWORD = "correct-horse-battery"


def violations(page):
    """axe's violations on the page as it is now: (rule, the first offending element) pairs."""
    results = Axe().run(page, options=AXE_OPTIONS).response
    return [
        (violation["id"], node["target"], node.get("failureSummary", "")[:200])
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


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
            if problems := violations(page):
                found[(path, width)] = problems
        context.close()
    return found


def test_api_pages_pass_axe(live_server, browser):
    call_command("load_demo", stdout=StringIO())
    paths = ["/api/", "/api/markets/", "/api/markets/taobao/", "/api/docs/"]
    # Swagger UI draws the operations with script: wait for them before checking.
    found = audit(browser, live_server.url, paths, wait_for={"/api/docs/": ".opblock"})
    assert found == {}


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
