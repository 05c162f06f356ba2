"""The Content Security Policy allows what the pages use and nothing more: in a real browser,
no public page, admin page or the API documentation trips it."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def visit_all(browser, base_url, paths, log_in_as=None):
    """Open each page; return the CSP violations the browser reported, by page."""
    page = browser.new_page()
    violations = []
    current = {"path": None}

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append((current["path"], message.text))

    page.on("console", on_console)
    if log_in_as:
        page.goto(f"{base_url}/admin/login/")
        page.fill("#id_username", log_in_as)
        page.fill("#id_password", "correct-horse-battery")
        page.click("input[type=submit]")
        page.wait_for_url(f"{base_url}/admin/")
    for path in paths:
        current["path"] = path
        response = page.goto(f"{base_url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    return violations


def test_public_pages_and_api_docs_trip_no_policy(live_server, browser):
    call_command("load_demo", stdout=StringIO())
    market = Market.objects.get(slug="taobao")
    paths = [
        "/",
        "/markets/",
        market.get_absolute_url(),
        market.operator.get_absolute_url(),
        "/companies/",
        "/reports/",
        Report.objects.latest_edition().get_absolute_url(),
        "/coverage/",
        Article.objects.first().get_absolute_url(),
        "/timeline/",
        "/timeline/events/",
        "/search/?q=alibaba",
        "/admin/login/",
        "/api/docs/",
        "/api/markets/",  # the browsable API
        f"/api/markets/{market.slug}/",
    ]
    assert visit_all(browser, live_server.url, paths) == []


def test_admin_pages_trip_no_policy(live_server, browser):
    call_command("load_demo", stdout=StringIO())
    root = User.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    superuser_request = RequestFactory().get("/admin/")
    superuser_request.user = root
    paths = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(superuser_request):
            paths.append(reverse(f"{prefix}_add"))
        first = model.objects.first()
        if first is not None:
            paths.append(reverse(f"{prefix}_change", args=[first.pk]))
    violations = visit_all(browser, live_server.url, paths, log_in_as="root")
    assert violations == []
