"""Who may do what: every role against every admin area and every draft page.

Anonymous readers see published content only; Editors manage content, not accounts;
admins manage everything. Each case's id reads as one cell of the table, e.g.
`editor-auth.user-changelist-403` or `anonymous-draft-market-404`.
"""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from notorious.companies.models import Company
from notorious.core.edit_history import pk_filter
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

from .admin_forms import editors_group, form_data
from .factories import (
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)

pytestmark = pytest.mark.django_db

ANONYMOUS, EDITOR, ADMIN = "anonymous", "editor", "admin"
ROLES = (ANONYMOUS, EDITOR, ADMIN)

CONTENT_MODELS = (Company, Market, Report, Listing, Outlet, Article, Figure)
# Admin pages of one content model; `entry` and `version` need an existing entry.
MODEL_PAGES = ("changelist", "add", "change", "history", "version", "recover")

# What each role gets: "login" is a redirect to the admin's login page.
EXPECTED = {
    "content": {ANONYMOUS: "login", EDITOR: 200, ADMIN: 200},
    "accounts": {ANONYMOUS: "login", EDITOR: 403, ADMIN: 200},
    "draft": {ANONYMOUS: 404, EDITOR: 200, ADMIN: 200},
}


@pytest.fixture
def drafts():
    """One draft of every content model (a listing's page is its market's)."""
    report = make_report(2021, is_published=False)
    market = make_market("Draft Market", is_published=False)
    article = make_article("Draft Article", is_published=False)
    entries = [
        make_company("Draft Company", is_published=False),
        market,
        report,
        make_listing(market, report, is_published=False),
        make_outlet("Draft Outlet", is_published=False),
        article,
        make_figure(source_report=report, is_published=False),
    ]
    return {type(entry): entry for entry in entries}


def model_page_url(model, page, drafts):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    entry = drafts[model]
    if page == "version":
        record = entry.edit_history.earliest("history_date")
        return reverse(f"{prefix}_simple_history", args=[entry.pk, record.history_id])
    if page in ("change", "history"):
        return reverse(f"{prefix}_{page}", args=[entry.pk])
    return reverse(f"{prefix}_{page}")


def _areas():
    """(area id, kind, url builder) for every admin area and draft page."""
    areas = [("admin-index", "content", lambda d: reverse("admin:index"))]
    for model in CONTENT_MODELS:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        for page in MODEL_PAGES:
            areas.append(
                (f"{label}-{page}", "content", lambda d, m=model, p=page: model_page_url(m, p, d))
            )
    areas += [
        ("import-listings", "content", lambda d: reverse("admin:reports_report_import_listings")),
        ("data-checks", "content", lambda d: reverse("admin_data_checks")),
        (
            "publish-edition",
            "content",
            lambda d: reverse("admin:reports_report_publish", args=[d[Report].pk]),
        ),
        (
            "unpublish-edition",
            "content",
            lambda d: reverse("admin:reports_report_unpublish", args=[d[Report].pk]),
        ),
    ]
    for model in ("user", "group"):
        for page in ("changelist", "add"):
            areas.append(
                (
                    f"auth.{model}-{page}",
                    "accounts",
                    lambda d, m=model, p=page: reverse(f"admin:auth_{m}_{p}"),
                )
            )
    for model in CONTENT_MODELS:
        if model is Listing:
            continue  # no page of its own: shown on its market's
        areas.append(
            (
                f"draft-{model._meta.model_name}",
                "draft",
                lambda d, m=model: d[m].get_absolute_url(),
            )
        )
    return areas


CASES = [
    pytest.param(role, kind, url_for, id=f"{role}-{area}-{EXPECTED[kind][role]}")
    for area, kind, url_for in _areas()
    for role in ROLES
]


@pytest.fixture
def client_as(client):
    def log_in(role):
        if role == EDITOR:
            user = User.objects.create_user("editor", "editor@example.org", "pw-editor-123")
            user.is_staff = True
            user.save()
            user.groups.add(editors_group())
            client.force_login(user)
        elif role == ADMIN:
            client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw"))
        return client

    return log_in


@pytest.mark.parametrize("role, kind, url_for", CASES)
def test_matrix(client_as, drafts, role, kind, url_for):
    url = url_for(drafts)
    expected = EXPECTED[kind][role]

    response = client_as(role).get(url)

    if expected == "login":
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    else:
        assert response.status_code == expected, url


def test_every_registered_admin_model_is_in_the_matrix():
    # A content model registered later must be added to the table above.
    from django.contrib import admin

    registered = {
        model
        for model in admin.site._registry
        if model._meta.app_label in {"companies", "markets", "reports", "press", "figures"}
    }
    assert registered == set(CONTENT_MODELS)


def test_an_editor_cannot_restore_without_the_right_to_add(client, drafts):
    # Restoring a deleted entry adds it back: it needs the add permission, like "Add".
    user = User.objects.create_user("viewer", "viewer@example.org", "pw-viewer-123")
    user.is_staff = True
    user.save()

    user.user_permissions.add(Permission.objects.get(codename="view_market"))
    client.force_login(user)
    market = drafts[Market]
    record_id = market.edit_history.get().history_id
    market.delete()

    page = client.get(reverse("admin:markets_market_recover"))
    response = client.post(reverse("admin:markets_market_recover"), {"history_id": record_id})

    assert page.status_code == 200
    assert "Restore" not in page.content.decode().split("<tbody>")[1]
    assert response.status_code == 403
    assert not Market.objects.filter(pk=market.pk).exists()


@pytest.mark.parametrize("page", ["publish", "unpublish"])
def test_view_only_staff_cannot_publish_or_unpublish_an_edition(client, drafts, page):
    # Publishing and unpublishing change the edition: seeing it is not enough.
    user = User.objects.create_user("viewer", "viewer@example.org", "pw-viewer-123")
    user.is_staff = True
    user.save()
    for codename in ("view_report", "view_listing", "view_market", "view_company"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    report = drafts[Report]
    report.is_published = page == "unpublish"
    report.save()
    url = reverse(f"admin:reports_report_{page}", args=[report.pk])

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403

    assert Report.objects.get(pk=report.pk).is_published == (page == "unpublish")
    assert not Listing.objects.get().is_published
    assert not Market.objects.get().is_published


# --- Writing through the history pages needs the right to write --------------------------

VIEW_ONLY, NO_PERMISSIONS = "view-only", "no-permissions"


def staff_without_write(role):
    """A staff account that may view every content model (`view-only`) or nothing."""
    user = User.objects.create_user(role, f"{role}@example.org", "pw-staff-123")
    user.is_staff = True
    user.save()
    if role == VIEW_ONLY:
        for model in CONTENT_MODELS:
            user.user_permissions.add(
                Permission.objects.get(codename=f"view_{model._meta.model_name}")
            )
    return user


@pytest.mark.parametrize("role", [VIEW_ONLY, NO_PERMISSIONS])
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_staff_without_change_permission_cannot_revert(client, admin_client, drafts, model, role):
    # simple-history hides "Revert" from them but would save a POST of its form: the
    # admin refuses it, and nothing changes.
    entry = drafts[model]
    url = model_page_url(model, "version", drafts)
    data = form_data(admin_client.get(url))
    data["is_published"] = "on"
    before = model._default_manager.values().get(pk=entry.pk)
    records = entry.edit_history.count()
    client.force_login(staff_without_write(role))

    response = client.post(url, data)

    assert response.status_code == 403
    assert model._default_manager.values().get(pk=entry.pk) == before
    assert entry.edit_history.count() == records


@pytest.mark.parametrize("role", [VIEW_ONLY, NO_PERMISSIONS])
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_staff_without_add_permission_cannot_recover(client, drafts, model, role):
    entry = drafts[model]
    pk = entry.pk
    if model is Report:
        drafts[Figure].delete()  # a figure's source edition cannot be deleted
    entry.delete()
    record = model.edit_history.filter(pk_filter(model, pk), history_type="-").get()
    client.force_login(staff_without_write(role))
    url = model_page_url(model, "recover", drafts)

    response = client.post(url, {"history_id": record.history_id})

    assert response.status_code == 403
    assert not model._default_manager.filter(pk=pk).exists()


# --- Previewing drafts needs a permission, not just a staff account ----------------------

DRAFT_PAGES = [model for model in CONTENT_MODELS if model is not Listing]


@pytest.mark.parametrize("model", DRAFT_PAGES, ids=lambda m: m._meta.model_name)
def test_staff_without_permissions_get_readers_pages(client, drafts, model):
    client.force_login(staff_without_write(NO_PERMISSIONS))

    assert client.get(drafts[model].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("model", DRAFT_PAGES, ids=lambda m: m._meta.model_name)
def test_a_draft_preview_is_private(client_as, drafts, model):
    response = client_as(EDITOR).get(drafts[model].get_absolute_url())

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_a_published_page_is_not_made_private(client_as, drafts):
    market = drafts[Market]
    market.is_published = True
    market.save()

    response = client_as(EDITOR).get(market.get_absolute_url())

    assert "private" not in response.get("Cache-Control", "")


def test_staff_without_permissions_cannot_open_the_data_checks(client, drafts):
    # The checks name drafts.
    client.force_login(staff_without_write(NO_PERMISSIONS))

    response = client.get(reverse("admin_data_checks"))

    assert response.status_code == 403
    assert "Draft" not in response.content.decode()
