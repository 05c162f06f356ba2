"""Editing a large edition in the admin (issue 10, finding 7).

The edition form once carried every listing as an inline row: past about 108 listings
saving failed (`TooManyFieldsSent`) and 1,400 listings took 23 s to render. The form now
carries the edition's own fields and a summary of its listings, with links to the listing
list filtered to it, which Django paginates.
"""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notorious.markets.models import Category, Kind, Market
from notorious.reports.models import Listing, Report

from .admin_forms import admin_url, form_data, messages_of
from .factories import make_listing, make_market, make_report

pytestmark = pytest.mark.django_db

LARGE = 1500


def add_listings(report, count, start=0, **fields):
    """`count` markets listed in `report`, made in bulk: three in four online, a tenth drafts."""
    kinds = [Kind.PHYSICAL if i % 4 == 0 else Kind.ONLINE for i in range(start, start + count)]
    markets = Market.objects.bulk_create(
        Market(
            name=f"Bulk Market {i:05}",
            slug=f"bulk-market-{i:05}",
            kind=kind,
            category=Category.PHYSICAL_MARKETPLACE if kind == Kind.PHYSICAL else Category.ECOMMERCE,
            is_published=True,
        )
        for i, kind in zip(range(start, start + count), kinds, strict=True)
    )
    Listing.objects.bulk_create(
        Listing(
            report=report,
            market=market,
            section=market.kind,
            reasons="Named for counterfeits.",
            is_published=i % 10 != 0,
            **fields,
        )
        for i, market in enumerate(markets)
    )


def change_form(client, report):
    response = client.get(admin_url(report, "change", report.pk))
    assert response.status_code == 200
    return response


def test_a_large_editions_form_is_small_and_saves(editor_client):
    report = make_report(2021, title="", online_count_stated=1125, physical_count_stated=375)
    add_listings(report, LARGE)

    response = change_form(editor_client, report)

    # The old form had 1,500 inline rows: 6 MB and over 13,000 fields.
    assert len(response.content) < 300_000
    posted = form_data(response)
    assert len(posted) < 100
    assert not any(name.startswith("listings-") for name in posted)

    posted["title"] = "2021 Review of Notorious Markets for Counterfeiting and Piracy"
    saved = editor_client.post(admin_url(report, "change", report.pk), posted)

    assert saved.status_code == 302, saved.context and saved.context["errors"]
    report.refresh_from_db()
    assert report.title == "2021 Review of Notorious Markets for Counterfeiting and Piracy"
    assert report.listings.count() == LARGE
    latest = report.edit_history.latest("history_date")
    assert latest.title == report.title and latest.history_user.username == "editor"


def test_the_forms_query_count_does_not_grow_with_its_listings(editor_client):
    small, large = make_report(2020), make_report(2021)
    add_listings(small, 10)
    add_listings(large, LARGE, start=10)
    change_form(editor_client, small)  # warm up the session

    counts = []
    for report in (small, large):
        with CaptureQueriesContext(connection) as captured:
            change_form(editor_client, report)
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_the_form_summarises_the_listings_with_links_to_them(editor_client):
    report = make_report(2021)
    make_listing(make_market("Online One"), report)
    make_listing(make_market("Online Draft"), report, is_published=False)
    make_listing(make_market("Physical One", kind=Kind.PHYSICAL), report)
    make_listing(make_market("Elsewhere"), make_report(2020))

    html = change_form(editor_client, report).content.decode()

    listings = admin_url(Listing, "changelist")
    assert f'href="{listings}?year=2021">Edit the 3 listings of this edition</a>' in html
    assert f'href="{listings}?year=2021&amp;section__exact=online">2 online</a>' in html
    assert f'href="{listings}?year=2021&amp;section__exact=physical">1 physical</a>' in html
    assert f'href="{listings}?year=2021&amp;is_published__exact=0">1 draft</a>' in html
    add = admin_url(Listing, "add")
    assert f'href="{add}?report={report.pk}" class="addlink">Add a listing to this edition' in html
    # No listing rows on the edition's own form.
    assert "Online One" not in html


def test_view_only_staff_are_offered_only_what_they_may_do(client):
    user = User.objects.create_user("viewer", "viewer@example.org", "pw-viewer-123", is_staff=True)
    for codename in ("view_report", "view_listing"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    report = make_report(2021)
    make_listing(make_market("Online One"), report)

    html = change_form(client, report).content.decode()

    assert "See the 1 listing of this edition</a>" in html
    assert "Edit the" not in html
    assert "Add a listing to this edition" not in html
    assert client.get(admin_url(Listing, "changelist"), {"year": "2021"}).status_code == 200


def test_a_new_edition_says_its_listings_come_after_saving(editor_client):
    html = editor_client.get(admin_url(Report, "add")).content.decode()

    assert "Save the edition first, then add its listings." in html


def test_the_listing_list_of_a_large_edition_paginates(editor_client):
    report = make_report(2021)
    add_listings(report, LARGE)
    make_listing(make_market("In Another Edition"), make_report(2020))
    url = admin_url(Listing, "changelist")

    first = editor_client.get(url, {"year": "2021"})
    last = editor_client.get(url, {"year": "2021", "p": "30"})

    assert first.status_code == last.status_code == 200
    assert first.context["cl"].result_count == LARGE
    assert len(first.context["cl"].result_list) == len(last.context["cl"].result_list) == 50
    assert len(first.content) < 300_000
    assert "In Another Edition" not in first.content.decode()
    assert "1500 listings" in re.sub(r"\s+", " ", first.content.decode())


def test_one_listing_of_a_large_edition_can_be_edited(editor_client):
    report = make_report(2021)
    add_listings(report, LARGE)
    listing = report.listings.get(market__slug="bulk-market-00007")
    url = admin_url(listing, "change", listing.pk)

    posted = {**form_data(editor_client.get(url)), "reasons": "Sells counterfeit watches."}
    response = editor_client.post(url, posted)

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.reasons == "Sells counterfeit watches."
    assert listing.edit_history.latest("history_date").history_user.username == "editor"


def test_a_listing_added_from_the_edition_starts_in_it(editor_client):
    report = make_report(2021)
    market, other = make_market("WeChat"), make_market("Taobao")
    add_url = admin_url(Listing, "add")

    form = editor_client.get(add_url, {"report": report.pk}).context["adminform"].form
    assert form["report"].value() == str(report.pk)

    response = editor_client.post(
        f"{add_url}?report={report.pk}",
        {**form_data(editor_client.get(add_url, {"report": report.pk})), "market": market.pk}
        | {"section": "online", "_addanother": "Save and add another"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{add_url}?report={report.pk}"
    assert Listing.objects.get(market=market).report == report
    assert any("was added successfully" in m for m in messages_of(editor_client.get(add_url)))
    # The next listing starts in the same edition.
    form = editor_client.get(response["Location"]).context["adminform"].form
    assert form["report"].value() == str(report.pk)
    assert not Listing.objects.filter(market=other).exists()


def test_a_market_listed_in_every_edition_saves_through_its_own_form(editor_client):
    """A market's page keeps its listings inline: one per edition, so at most a few dozen
    rows, well under Django's 1,000-field limit."""
    market = make_market("Taobao")
    for year in range(2006, 2026):
        make_listing(market, make_report(year))
    url = admin_url(market, "change", market.pk)

    posted = form_data(editor_client.get(url))
    assert len(posted) < 400
    posted["listings-0-reasons"] = "Named again."
    response = editor_client.post(url, posted)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert market.listings.get(report__year=2006).reasons == "Named again."


def test_the_publishing_pages_list_the_first_entries_and_say_how_many(editor_client):
    from django.urls import reverse

    from tests.page_helpers import text_of

    draft = make_report(2021, is_published=False)
    add_listings(draft, 120)
    listed = Listing.objects.filter(report=draft)
    listed.update(is_published=False)
    Market.objects.filter(listings__report=draft).update(is_published=False)
    publish = editor_client.get(reverse("admin:reports_report_publish", args=[draft.pk]))
    text = text_of(publish)
    assert "120 listings:" in text and "120 markets:" in text
    assert text.count("The first 50 of 120 are listed here; all 120 in the admin's list.") == 2
    html = publish.content.decode()
    assert "?year=2021&amp;is_published__exact=0" in html
    assert "?listed_in=2021&amp;is_published__exact=0" in html

    published = make_report(2022)
    add_listings(published, 60, start=200)
    Listing.objects.filter(report=published).update(is_published=True)
    unpublish = editor_client.get(reverse("admin:reports_report_unpublish", args=[published.pk]))
    text = text_of(unpublish)
    assert "the edition's listings disappear (60)" in text
    assert "The first 50 of 60 are listed here; all 60 in the admin's list." in text
    assert "?year=2022&amp;is_published__exact=1" in unpublish.content.decode()
