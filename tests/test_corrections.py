"""The public corrections log (issue 13): an editor marks a change to a published entry as a
correction with a public note; the entry's page, /corrections/, its feed and the API show
it, and nothing else of the edit history."""

import datetime

import feedparser
import pytest
from django.urls import reverse

from notorious.core.corrections import correction_rows, correction_rows_query
from notorious.markets.models import Market
from notorious.reports.models import Listing

from .admin_forms import admin_url, form_data, make_editor
from .factories import (
    make_article,
    make_company,
    make_correction,
    make_figure,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)
from .page_helpers import grow, queries_for, text_of

NOTE = "The 2019 listing had been entered under the 2018 review."


@pytest.fixture
def editor_client(db):
    return make_editor("corrector")[1]


def change_form(client, entry):
    response = client.get(admin_url(entry, "change", entry.pk))
    assert response.status_code == 200
    return response, form_data(response)


def post_change(client, entry, **changes):
    _, data = change_form(client, entry)
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(admin_url(entry, "change", entry.pk), data)


# --- The admin -------------------------------------------------------------------------


def test_an_editor_marks_a_change_as_a_correction_and_readers_see_its_note(client, editor_client):
    market = make_market("Corrected Bazaar")
    response = post_change(
        editor_client,
        market,
        name="Corrected Bazaar Online",
        is_correction="on",
        correction_note=f"  {NOTE} ",
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    record = market.edit_history.order_by("-history_date").first()
    assert record.name == "Corrected Bazaar Online"
    assert (record.is_correction, record.correction_note) == (True, NOTE)
    history = editor_client.get(admin_url(market, "history", market.pk))
    assert f"Correction: {NOTE}" in text_of(history)

    page = client.get(market.get_absolute_url())
    text = text_of(page)
    assert "Corrections" in text
    assert f"{record.history_date:%-d %B %Y}: {NOTE}" in text
    assert f'id="correction-market-{record.history_id}"' in page.content.decode()
    log = text_of(client.get(reverse("corrections")))
    assert "1 correction" in log and "Market: Corrected Bazaar Online" in log and NOTE in log


def test_ordinary_edits_stay_private(client, editor_client):
    market = make_market("Quietly Edited")
    response = post_change(editor_client, market, name="Quietly Edited Too")
    assert response.status_code == 302
    assert market.edit_history.count() == 2
    assert not market.edit_history.filter(is_correction=True).exists()
    assert "Corrections" not in text_of(client.get(market.get_absolute_url()))
    assert "No correction has been published yet." in text_of(client.get("/corrections/"))
    assert client.get("/api/corrections/").json()["count"] == 0


def test_a_correction_needs_its_public_note(editor_client):
    market = make_market("Noteless")
    response = post_change(editor_client, market, name="Noteless 2", is_correction="on")
    assert response.status_code == 200
    assert "Say what was corrected: readers see this note." in response.content.decode()
    market.refresh_from_db()
    assert market.name == "Noteless"  # nothing saved
    response = post_change(editor_client, market, correction_note=NOTE)
    assert response.status_code == 200
    assert "Tick this box to publish the note" in response.content.decode()
    assert market.edit_history.count() == 1


def test_a_drafts_form_offers_no_correction_and_ignores_one_posted(client, editor_client):
    draft = make_market("Draft Bazaar", is_published=False)
    response, data = change_form(editor_client, draft)
    assert "This change is a correction" not in response.content.decode()
    data.update(name="Draft Bazaar 2", is_correction="on", correction_note=NOTE)
    assert editor_client.post(admin_url(draft, "change", draft.pk), data).status_code == 302
    assert not draft.edit_history.filter(is_correction=True).exists()
    published, _ = change_form(editor_client, make_market("Published Bazaar"))
    assert "This change is a correction" in published.content.decode()


def test_a_listings_correction_shows_on_its_market_and_its_edition(client, editor_client):
    market, report = make_market("Listed Bazaar"), make_report(2019)
    listing = make_listing(market, report, reasons="Old reasons.")
    response = post_change(
        editor_client, listing, reasons="Right reasons.", is_correction="on", correction_note=NOTE
    )
    assert response.status_code == 302
    for url in (market.get_absolute_url(), report.get_absolute_url()):
        text = text_of(client.get(url))
        assert f"Listed Bazaar in the 2019 review: {NOTE}" in text, url
    api = client.get("/api/corrections/").json()["results"]
    assert [(c["entry_kind"], c["note"]) for c in api] == [("listing", NOTE)]
    assert api[0]["url"].endswith(f"/markets/{market.slug}/#{api[0]['id']}")


# --- What readers see ------------------------------------------------------------------


def test_corrections_of_unpublished_or_deleted_entries_are_not_shown(client, db):
    shown = make_market("Still Published")
    make_correction(shown, "Shown.")
    hidden = make_market("Later Unpublished")
    make_correction(hidden, "Hidden once unpublished.")
    hidden.is_published = False
    hidden.save()
    gone = make_company("Later Deleted")
    make_correction(gone, "Hidden once deleted.")
    gone.delete()
    draft_market = make_market("Draft Market", is_published=False)
    listing = make_listing(draft_market, make_report(2020))
    make_correction(listing, "Hidden: its market is a draft.")

    assert "Shown." in text_of(client.get("/corrections/"))
    for hidden_note in ("Hidden once unpublished.", "Hidden once deleted.", "Hidden: its market"):
        assert hidden_note not in text_of(client.get("/corrections/"))
        assert hidden_note not in client.get("/feeds/corrections/").content.decode()
        assert hidden_note not in client.get("/api/corrections/").content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/api/corrections/").json()["count"] == 1


def test_corrections_are_newest_first_on_every_entity_page(client, db):
    company = make_company("Corrected Holdings")
    article = make_article("A corrected story")
    first = make_correction(company, "First correction.")
    make_correction(company, "Second correction.")
    make_correction(article, "The headline misspelt a name.")
    text = text_of(client.get(company.get_absolute_url()))
    assert text.index("Second correction.") < text.index("First correction.")
    assert "misspelt" not in text
    assert "The headline misspelt a name." in text_of(client.get(article.get_absolute_url()))
    log = text_of(client.get("/corrections/"))
    assert log.index("misspelt") < log.index("Second correction.") < log.index("First corr")
    assert first.history_date.date().isoformat() in client.get("/corrections/").content.decode()


def test_the_log_is_paginated_and_a_page_past_the_end_is_a_400(client, db):
    market = make_market("Often Corrected")
    for number in range(51):
        make_correction(market, f"Correction number {number}.")
    first = text_of(client.get("/corrections/"))
    assert "51 corrections" in first and "Correction number 50." in first
    assert "Correction number 0." not in first
    assert "Correction number 0." in text_of(client.get("/corrections/?page=2"))
    assert "Correction number 0." in text_of(client.get("/corrections/?page=last"))
    for bad in ("3", "banana", "-1", "٣"):
        response = client.get(f"/corrections/?page={bad}")
        assert response.status_code == 400, bad
        assert "There is no page" in text_of(response)
    api = client.get("/api/corrections/?page=2").json()
    assert api["count"] == 51 and len(api["results"]) == 1


def test_the_feed_is_valid_atom_dated_by_the_corrections(client, db):
    market = make_market("Fed Bazaar")
    record = make_correction(market, "Wrong <country> had been entered.")
    response = client.get("/feeds/corrections/")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo and parsed.version == "atom10"
    (entry,) = parsed.entries
    assert entry.title == "Correction to Fed Bazaar"
    assert "Wrong &lt;country&gt; had been entered." in entry.summary
    assert entry.link.endswith(f"/markets/fed-bazaar/#correction-market-{record.history_id}")
    when = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
    assert abs(when - record.history_date) < datetime.timedelta(seconds=1)
    assert entry.updated == entry.published
    assert "/feeds/corrections/" in client.get("/").content.decode()  # offered on every page


def test_sitemap_lists_the_corrections_page(client, db):
    assert "/corrections/</loc>" in client.get("/sitemap.xml").content.decode()


# --- Constant queries ------------------------------------------------------------------


def correct_everything(scale):
    for market in Market.objects.filter(name__startswith="Scale market")[:scale]:
        make_correction(market, f"{market.name} had the wrong country.")
    for listing in Listing.objects.filter(market__name__startswith="Scale market")[:scale]:
        make_correction(listing, f"{listing} had the wrong section.")


def test_pages_cost_the_same_queries_whatever_the_number_of_corrections(client, db):
    anchor = grow(2)
    make_correction(anchor, "Anchor corrected.")
    correct_everything(2)
    listing = anchor.listings.first()
    make_correction(listing, "Anchor's listing corrected.")
    urls = [
        "/corrections/",
        "/feeds/corrections/",
        "/api/corrections/",
        anchor.get_absolute_url(),
        listing.report.get_absolute_url(),
    ]
    small = [queries_for(client, url) for url in urls]
    grow(18, start=2)
    correct_everything(20)
    for _ in range(5):
        make_correction(anchor, "Anchor corrected again.")
        make_correction(listing, "Its listing again.")
    assert [queries_for(client, url) for url in urls] == small


def test_each_entrys_corrections_are_its_own_from_sql_compiled_once(db):
    """An entry's corrections come from SQL compiled once per kind of entry, the entry put
    in: the same rows as the query built afresh, for every kind of entry, its dependants'
    corrections included and other entries' left out (whatever their keys)."""
    market, other_market = make_market("Corrected Market"), make_market("Other Market")
    report, draft_report = make_report(2019), make_report(2020, is_published=False)
    listing = make_listing(market, report)
    entries = [
        market,
        other_market,
        report,
        draft_report,
        listing,
        make_listing(other_market, draft_report),
        make_company("Corrected Holdings"),
        make_article("A corrected story"),
        make_outlet("A corrected outlet"),
        make_figure(about="market", market=market),
    ]
    for entry in entries:
        make_correction(entry, f"{entry} corrected.")
        make_correction(entry, f"{entry} corrected again.")
    make_correction(listing, "Its listing corrected.")
    for entry in entries:
        rows = correction_rows(entry)
        assert rows == list(correction_rows_query(type(entry), entry.pk))
    assert [note for *_, note in correction_rows(market)] == [
        "Its listing corrected.",
        f"{listing} corrected again.",
        f"{listing} corrected.",
        "Corrected Market corrected again.",
        "Corrected Market corrected.",
    ]
    assert correction_rows(draft_report) == []
