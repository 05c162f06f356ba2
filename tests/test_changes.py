"""What changed between editions: /reports/<year>/changes/ and /compare/?from=&to=."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.test import Client

from notorious.reports.changes import compare_editions
from notorious.reports.forms import CompareEditionsForm
from notorious.reports.models import Report
from tests.factories import list_market, make_listing, make_market, make_report
from tests.page_helpers import canonical, grow, queries_for, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """2018 to 2021 published and marked all entered, 2022 a draft, with a market of every
    kind of change in 2021."""
    reports = {
        year: make_report(
            year,
            published_on=datetime.date(year + 1, 2, 1),
            online_all_entered=True,
            physical_all_entered=True,
            completeness_note="Checked against the report.",
        )
        for year in (2018, 2019, 2020, 2021)
    }
    reports[2021].source_url = "https://ustr.gov/2021-review.pdf"
    reports[2021].save()
    draft = make_report(2022, is_published=False)
    list_market(make_market("Veteran"), 2018, 2019, 2020, 2021)
    newcomer = make_market("Newcomer")
    make_listing(
        newcomer,
        reports[2021],
        source_says_first=True,  # no edition before 2018 is on record
        reasons="Sells **counterfeit** handbags.",
        quotation="A major source of fakes.",
        quotation_page=12,
    )
    returner = list_market(make_market("Returner"), 2018)
    make_listing(returner, reports[2021], reasons="Back with pirated films.")
    dropped = list_market(make_market("Gone Away"), 2019)
    make_listing(dropped, reports[2020], reasons="Hosted pirated music.", quotation_page=None)
    # Listed as physical in 2020 and as online in 2021 (entered before the editors' rule
    # that a listing's section is its market's kind).
    mover = make_market("Mover")
    make_listing(mover, reports[2020], section="physical", reasons="A mall.")
    make_listing(mover, reports[2021], reasons="Now a website.")
    make_listing(make_market("Draft Listing"), reports[2021], is_published=False)
    make_listing(make_market("Draft Market", is_published=False), reports[2021])
    make_listing(make_market("Only In Draft"), draft)
    return reports


def names(changes):
    return [change.market.name for change in changes]


def section_text(response, heading_id):
    html = response.content.decode()
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, flags=re.S)
    assert match, heading_id
    return text_of(SimpleNamespace(content=match.group(1).encode()))


def test_compare_editions_sorts_every_market_into_its_change(history):
    changes = compare_editions(history[2020], history[2021])
    assert names(changes.added) == ["Newcomer"]
    assert names(changes.returning) == ["Returner"]
    assert changes.returning[0].last_listed_before == 2018
    assert names(changes.dropped) == ["Gone Away"]
    assert names(changes.section_changed) == ["Mover"]
    assert changes.section_changed[0].previous_section_display == "Physical"
    assert changes.continuing_count == 2  # Veteran and Mover
    assert changes.consecutive
    assert changes.unconfirmed_count == 0
    # Reasons come from the later listing, or for a dropped market from the earlier one.
    assert changes.added[0].listing.reasons == "Sells **counterfeit** handbags."
    assert changes.dropped[0].listing.reasons == "Hosted pirated music."
    assert changes.dropped[0].listing.report == history[2020]


def test_a_returning_market_names_the_latest_edition_before_its_gap(client, history):
    # Listed in 2018 and 2019, not in 2020, back in 2021: last named before in 2019.
    list_market(make_market("Twice Back"), 2018, 2019, 2021)
    changes = compare_editions(history[2020], history[2021])
    assert [(change.market.name, change.last_listed_before) for change in changes.returning] == [
        ("Returner", 2018),
        ("Twice Back", 2019),
    ]
    returning = section_text(client.get("/reports/2021/changes/"), "returning-heading")
    assert "Twice Back" in returning and "Last named before that in the 2019 review." in returning


def test_a_market_moved_between_sections_counts_only_when_published(client, history):
    text = text_of(client.get("/reports/2021/changes/"))
    assert "1 moved to another section" in text
    mover = history[2021].listings.get(market__name="Mover").market
    mover.is_published = False
    mover.save()
    text = text_of(client.get("/reports/2021/changes/"))
    assert "0 moved to another section" in text and "Mover" not in text


def test_editions_further_apart(history):
    changes = compare_editions(history[2019], history[2021])
    # First named after 2019; Mover only as far as the record shows, which starts in 2018.
    assert names(changes.added) == ["Newcomer"]
    assert names(changes.first_entered) == ["Mover"]
    assert changes.first_entered_note == "no edition on record for 2006–2017"
    assert names(changes.returning) == ["Returner"]  # in 2018, not 2019, back in 2021
    assert names(changes.dropped) == ["Gone Away"]
    assert names(changes.section_changed) == []
    assert changes.editions_between == (2020,)
    with pytest.raises(ValueError):
        compare_editions(history[2021], history[2019])


def test_changes_page_shows_each_group_with_reasons_and_sources(client, history):
    response = client.get("/reports/2021/changes/")
    assert response.status_code == 200
    text = text_of(response)
    assert "What changed from the 2020 to the 2021 review" in text
    assert "1 added, 1 returning, 1 dropped, 1 moved to another section; 2 in both." in text

    added = section_text(response, "added-heading")
    assert "Newcomer online Sells counterfeit handbags." in added
    assert "A major source of fakes." in added
    assert "Source: 2021 review, page 12 (the report itself)" in added
    html = response.content.decode()
    assert "<strong>counterfeit</strong>" in html  # the reasons' Markdown is rendered
    assert 'href="/markets/newcomer/#listing-2021"' in html

    returning = section_text(response, "returning-heading")
    assert "Returner" in returning and "Last named before that in the 2018 review." in returning
    assert "Back with pirated films." in returning

    dropped = section_text(response, "dropped-heading")
    assert "Gone Away" in dropped and "Hosted pirated music." in dropped
    assert "Source: 2020 review" in dropped

    moved = section_text(response, "moved-heading")
    assert "Mover" in moved
    assert "Moved from the physical section to the online section." in moved
    assert "Now a website." in moved
    # Category is not compared, and the page says so.
    assert "compared by section only" in text
    assert "Veteran" not in text  # in both, unchanged


def test_incomplete_editions_keep_changes_apart_from_facts(client, history):
    for year in (2020, 2021):
        history[year].online_all_entered = False
        history[year].online_count_stated = 40
        history[year].save()
    changes = compare_editions(history[2020], history[2021])
    assert names(changes.added) == ["Newcomer"]  # a source says it is the first listing
    assert names(changes.returning) == [] and names(changes.entered_again) == ["Returner"]
    assert names(changes.dropped) == [] and names(changes.not_entered) == ["Gone Away"]
    assert names(changes.section_changed) == ["Mover"]  # both listings entered: a fact

    response = client.get("/reports/2021/changes/")
    text = text_of(response)
    assert "1 added, 0 returning, 0 dropped, 1 moved to another section; 2 in both." in text
    assert "1 entered again, 1 not entered in the 2021 review." in text
    assert "None." in section_text(response, "dropped-heading")
    again = section_text(response, "entered-again-heading")
    assert (
        "Named before the 2020 review but not among its entered listings (the 2020 review: 2 "
        "of 40 online markets entered): each may have been in it, so returning is not known."
    ) in again
    assert "Returner" in again and "Last named before that in the 2018 review." in again
    missing = section_text(response, "not-entered-heading")
    assert "(the 2021 review: 4 of 40 online markets entered): they may still be listed." in (
        missing
    )
    assert "Gone Away" in missing and "Hosted pirated music." in missing


def test_report_page_links_to_its_changes_and_the_compare_form(client, history):
    html = client.get("/reports/2021/").content.decode()
    assert 'href="/reports/2021/changes/"' in html
    assert "What changed since the 2020 review" in text_of(client.get("/reports/2021/"))
    assert 'href="/compare/?to=2021"' in html
    # The earliest edition has nothing to compare with, but its changes page says so.
    assert 'href="/reports/2018/changes/"' not in client.get("/reports/2018/").content.decode()
    response = client.get("/reports/2018/changes/")
    assert response.status_code == 200
    assert "is the earliest published edition on record" in text_of(response)


def test_compare_defaults_to_the_latest_two_published_editions(client, history):
    response = client.get("/compare/")
    assert response.status_code == 200
    assert "What changed from the 2020 to the 2021 review" in text_of(response)
    html = response.content.decode()
    # The form works without JavaScript: two selects, GET to /compare/, both preselected.
    assert '<form class="filters compare-form" method="get" action="/compare/"' in html
    assert re.search(r'<select name="from"[^>]*>.*?<option value="2020" selected>', html, re.S)
    assert re.search(r'<select name="to"[^>]*>.*?<option value="2021" selected>', html, re.S)
    assert '<option value="2022"' not in html  # drafts are not offered


def test_compare_any_two_editions_from_the_form(client, history):
    response = client.get("/compare/", {"from": "2019", "to": "2021"})
    assert response.status_code == 200
    text = text_of(response)
    assert "What changed from the 2019 to the 2021 review" in text
    assert (
        "1 added, 1 returning, 1 dropped, 0 moved to another section; 1 in both. Not "
        "confirmed, because editions they rest on are incomplete: 1 first entered, 0 entered "
        "again, 0 not entered in the 2021 review."
    ) in text
    unconfirmed = section_text(response, "first-entered-heading")
    assert (
        "First entered in the 2021 review (1) Not among the listings entered up to the 2019 "
        "review, which are incomplete (no edition on record for 2006–2017): these may have "
        "been named before. Mover"
    ) in unconfirmed
    assert "the one edition between them (2020) is not compared" in text
    assert canonical(response) == "https://notorious.example/compare/?from=2019&to=2021"
    # Only `to`: compared with the edition before it.
    response = client.get("/compare/", {"to": "2020"})
    assert "What changed from the 2019 to the 2020 review" in text_of(response)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "abc", "to": "2021"}, "“abc” is not the year of a published edition."),
        ({"from": "2021", "to": "2021"}, "Both are the 2021 review: choose two different"),
        ({"from": "1999", "to": "2021"}, "“1999” is not the year of a published edition."),
        ({"from": "2020", "to": "2031"}, "“2031” is not the year of a published edition."),
        ({"from": "2021", "to": "2022"}, "“2022” is not the year of a published edition."),
        ({"from": "2021", "to": "2019"}, "The 2021 review is later than the 2019 review"),
        ({"from": "20\x0021", "to": "2021"}, "is not the year of a published edition"),
        ({"from": "9" * 5000, "to": "2021"}, "“999999999999…” is not the year"),
        ({"from": "abc", "to": ""}, "“abc” is not the year of a published edition."),
    ],
)
def test_bad_editions_give_a_400_with_a_message(client, history, params, message):
    response = client.get("/compare/", params)
    assert response.status_code == 400
    text = text_of(response)
    assert "These editions cannot be compared" in text
    assert message in text
    assert "Added (" not in text


@pytest.mark.parametrize(
    "params, chosen",
    [({}, "2020"), ({"from": "2019"}, "2019"), ({"from": "<b>", "to": "2021"}, None)],
)
def test_the_edition_selects_are_djangos_own_markup(history, params, chosen):
    """The form's selects are written in Python (`EditionSelect`): the same markup as
    Django's select, the chosen edition selected and a refused one marked invalid."""
    editions = list(Report.objects.published().order_by("year"))
    form = CompareEditionsForm(params, editions)
    form.is_valid()
    for name in ("from", "to"):
        field = form[name]
        assert str(field) == field.as_widget(forms.Select(choices=field.field.choices))
    choice = str(form["from"])
    assert ('aria-invalid="true"' in choice) == (chosen is None)
    assert choice.count(" selected>") == (chosen is not None)
    if chosen:
        assert f'<option value="{chosen}" selected>{chosen} review</option>' in choice


def test_editions_in_the_wrong_order_offer_the_swap(client, history):
    response = client.get("/compare/", {"from": "2021", "to": "2019"})
    assert 'href="/compare/?from=2019&amp;to=2021"' in response.content.decode()


def test_drafts_are_left_out(client, editor_client, history):
    text = text_of(client.get("/reports/2021/changes/"))
    for draft in ("Draft Listing", "Draft Market", "Only In Draft"):
        assert draft not in text
    # A draft edition has no changes page, even for editors, and cannot be compared.
    assert client.get("/reports/2022/changes/").status_code == 404
    assert editor_client.get("/reports/2022/changes/").status_code == 404
    assert client.get("/reports/1990/changes/").status_code == 404
    assert client.get("/compare/", {"from": "2021", "to": "2022"}).status_code == 400
    # The latest *published* editions are the default.
    assert "from the 2020 to the 2021 review" in text_of(client.get("/compare/"))


def test_fewer_than_two_editions(client):
    assert "No edition is published yet" in text_of(client.get("/compare/"))
    make_report(2021)
    response = client.get("/compare/")
    assert response.status_code == 200
    assert "Only one edition is published so far" in text_of(response)


def test_query_count_does_not_grow_with_the_data(db):
    client = Client()
    grow(2)
    small = [queries_for(client, url) for url in ("/reports/2021/changes/", "/compare/")]
    small.append(queries_for(client, "/compare/?from=2018&to=2021"))
    small_changes = client.get("/compare/?from=2018&to=2021").context["changes"].change_count
    grow(18, start=2)
    large = [queries_for(client, url) for url in ("/reports/2021/changes/", "/compare/")]
    large.append(queries_for(client, "/compare/?from=2018&to=2021"))
    assert large == small
    large_changes = client.get("/compare/?from=2018&to=2021").context["changes"].change_count
    assert large_changes >= 10 * small_changes  # ten times the changes, the same queries
