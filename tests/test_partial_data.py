"""Every reader's page under partial data (issue 9): a record of complete and incomplete
editions, a year with no edition and an edition with no listings entered yet. Pages state
new, continuing, returning, dropped and first listed only where the editions they rest on
are complete, and otherwise say what is known."""

import datetime
import re

import pytest

from tests.factories import make_company, make_listing, make_market, make_report
from tests.page_helpers import meta_description, text_of

ALL_ENTERED = {
    "online_all_entered": True,
    "physical_all_entered": True,
    "completeness_note": "Checked line by line against the report.",
}


@pytest.fixture
def record(db):
    """2016, 2018 and 2019 entered in full; no 2017 edition; 2020's online section 4 of 39
    entered; 2021 published with its date and count but no listing entered yet."""
    reports = {
        2016: make_report(2016, published_on=datetime.date(2016, 12, 21), **ALL_ENTERED),
        2018: make_report(2018, published_on=datetime.date(2019, 4, 25), **ALL_ENTERED),
        2019: make_report(2019, published_on=datetime.date(2020, 4, 29), **ALL_ENTERED),
        2020: make_report(
            2020,
            published_on=datetime.date(2021, 1, 14),
            online_count_stated=39,
            physical_all_entered=True,
            completeness_note="Only the physical section is entered in full.",
        ),
        2021: make_report(2021, published_on=datetime.date(2022, 2, 17), online_count_stated=40),
    }
    alibaba = make_company("Alibaba Group")

    def listed(market, *years, **fields):
        for year in years:
            make_listing(market, reports[year], **fields)
        return market

    # First named (in truth) long before 2020, but only its 2020 listing is entered.
    listed(make_market("Taobao", operator=alibaba), 2020)
    listed(make_market("Shopee"), 2019, 2020)  # continuing in 2020; 2021 not entered yet
    listed(make_market("WeChat"), 2019)  # not among 2020's entered listings
    listed(make_market("Pinduoduo"), 2020, source_says_first=True)  # new, a source says
    listed(make_market("Returner"), 2018, 2020)  # back in 2020 after a complete 2019
    # Across the missing 2017 edition, then left out of the complete 2019 physical section.
    listed(make_market("Old Mall", kind="physical", category=""), 2016, 2018)
    return reports


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return text_of(response)


def section(client, url, heading_id):
    """The text of one <section> of a page, found by its heading's id."""
    html = client.get(url).content.decode()
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, (url, heading_id)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def assert_says_none_of(text, *phrases):
    for phrase in phrases:
        assert phrase not in text, phrase


# --- home and edition pages --------------------------------------------------------------


def test_home_with_a_latest_edition_not_yet_entered(client, record):
    text = page(client, "/")
    assert "The latest edition: the 2021 review" in text
    assert "Online markets 40 0 of 40 entered" in text
    assert "No listing of the 2021 review is entered yet, so what it added and dropped is not" in (
        text
    )
    # Not "every market of 2020 was dropped", and nothing else the record cannot support.
    assert_says_none_of(text, "Dropped since", "Back on the list", "New in the", "Shopee")


def test_edition_page_keeps_facts_apart_from_what_is_known(client, record):
    url = "/reports/2020/"
    text = page(client, url)
    assert "Online markets 4 of 39 entered" in text
    assert "Physical markets 0 entered — marked all entered" in text
    assert "Marked all entered: Only the physical section is entered in full." in text
    assert "Not every listing of this section is entered yet (4 of 39 online markets entered)" in (
        text
    )
    assert section(client, url, "new-heading").startswith("New in the 2020 review (1) Pinduoduo")
    assert section(client, url, "returning-heading") == "Back on the list (1) Returner"
    assert section(client, url, "dropped-heading") == (
        "Dropped since the 2019 review (0) None known: see below."
    )
    unconfirmed = section(client, url, "unconfirmed-heading")
    assert (
        "First entered in the 2020 review (1) Earlier editions are incomplete (no edition on "
        "record for 2006–2015 and 2017): these may have been named before. Taobao"
    ) in unconfirmed
    assert (
        "Not entered in the 2020 review (1) Named in the 2019 review but not among the listings "
        "entered for 2020 (the 2020 review: 4 of 39 online markets entered): they may still be "
        "listed. WeChat"
    ) in unconfirmed
    assert "Taobao First entered" in text and "Shopee Continuing" in text
    assert "Pinduoduo New" in text and "Returner Returning" in text


def test_an_edition_after_a_gap_drops_nothing_and_states_no_return(client, record):
    text = page(client, "/reports/2018/")
    assert "Dropped since the 2017 review (0) No edition reviewing 2017 is on record" in text
    assert (
        "Entered again, not entered for 2017 (1) Named in an earlier edition and in this one; "
        "no edition reviewing 2017 is on record. Whether each is continuing or back on the list "
        "is not known. Old Mall"
    ) in text
    assert "Back on the list (0)" in text
    changes = page(client, "/reports/2018/changes/")
    assert "What changed from the 2016 to the 2018 review" in changes
    assert "No edition reviewing 2017 is on record here: what it listed is not known." in changes
    # The complete 2019 edition states its drop as a fact.
    assert section(client, "/reports/2019/", "dropped-heading") == (
        "Dropped since the 2018 review (2) Old Mall Returner"
    )


# --- changes and compare ---------------------------------------------------------------


def test_changes_into_an_edition_with_nothing_entered_are_not_drops(client, record):
    text = page(client, "/reports/2021/changes/")
    assert "0 added, 0 returning, 0 dropped, 0 moved to another section; 0 in both." in text
    assert "0 first entered, 0 entered again, 4 not entered in the 2021 review." in text
    missing = section(client, "/reports/2021/changes/", "not-entered-heading")
    assert "(the 2021 review: 0 of 40 online markets entered): they may still be listed." in (
        missing
    )
    for name in ("Pinduoduo", "Returner", "Shopee", "Taobao"):
        assert name in missing


def test_changes_and_compare_with_incomplete_editions(client, record):
    text = page(client, "/reports/2020/changes/")
    assert "1 added, 1 returning, 0 dropped, 0 moved to another section; 1 in both." in text
    assert "1 first entered, 0 entered again, 1 not entered in the 2020 review." in text
    assert "Pinduoduo" in section(client, "/reports/2020/changes/", "added-heading")
    assert "Taobao" in section(client, "/reports/2020/changes/", "first-entered-heading")
    assert "WeChat" in section(client, "/reports/2020/changes/", "not-entered-heading")
    compared = page(client, "/compare/?from=2016&to=2019")
    # The 2019 physical section is complete: Old Mall's drop is a fact.
    assert "0 added, 0 returning, 1 dropped" in compared
    assert "Old Mall" in section(client, "/compare/?from=2016&to=2019", "dropped-heading")
    # Shopee and WeChat were not in 2016, but 2006–2015 are not on record.
    assert "2 first entered" in compared


# --- timeline ----------------------------------------------------------------------------


def test_timeline_marks_unconfirmed_turns_and_shows_the_gap(client, record):
    response = client.get("/timeline/events/")
    events = {
        (
            event.kind,
            event.report.year if event.report else event.year,
            getattr(event.market, "name", ""),
        )
        for event in response.context["timeline"].events
    }
    assert ("gap", 2017, "") in events
    assert ("first_entered", 2020, "Taobao") in events
    assert ("first_listed", 2020, "Pinduoduo") in events
    assert ("entered_again", 2018, "Old Mall") in events
    assert ("dropped", 2019, "Old Mall") in events
    assert ("returned", 2020, "Returner") in events
    assert ("not_entered", 2020, "WeChat") in events
    assert ("not_entered", 2021, "Shopee") in events
    assert not any(kind == "dropped" and year in (2020, 2021) for kind, year, _ in events)
    assert ("first_listed", 2020, "Taobao") not in events
    text = text_of(response)
    assert "2017 review: no edition on record" in text
    assert "No edition reviewing 2017 is on record here, so what it listed is not known." in text
    assert (
        "First entered (not confirmed) Taobao first entered in the 2020 review; earlier editions "
        "are incomplete (no edition on record for 2006–2015 and 2017), so it may have been named "
        "before."
    ) in text
    assert (
        "Entered again (not confirmed) Old Mall entered again in the 2018 review, not entered the "
        "year before (no edition reviewing 2017 is on record): it may have been listed "
        "throughout."
    ) in text
    assert "Taobao named for the first time" not in text


# --- markets -----------------------------------------------------------------------------


def test_market_list_qualifies_first_years_and_statuses(client, record):
    text = page(client, "/markets/")
    assert "Taobao Online E-commerce — Alibaba Group first entered: 2020; earlier editions" in text
    # A source says 2020 is its first listing; 2021 is not entered, so the count may grow.
    assert "Pinduoduo Online E-commerce — not recorded 2020 at least 1" in text
    assert "Old Mall Physical Category not recorded" in text
    assert "First listed 2020" not in text
    # Statuses in the latest edition: nothing is entered there, so nothing is "not listed".
    rows = {market.name: cell.label for market, cell in client.get("/markets/").context["rows"]}
    assert set(rows.values()) == {"Not entered"}


def test_market_list_status_filter_says_what_is_not_confirmed(client, record):
    response = client.get("/markets/?status=new&year=2020")
    rows = {market.name: cell.label for market, cell in response.context["rows"]}
    assert rows == {"Pinduoduo": "New", "Taobao": "First entered"}
    text = text_of(response)
    assert (
        "Some statuses in the 2020 review are not confirmed, because the editions they rest on "
        "are not all entered here: “First entered” (online markets), new or not: earlier "
        "editions are incomplete (no edition on record for 2006–2015 and 2017)."
    ) in text
    everything = client.get("/markets/?year=2020")
    cells = {market.name: cell.label for market, cell in everything.context["rows"]}
    assert cells == {
        "Pinduoduo": "New",
        "Returner": "Returning",
        "Shopee": "Continuing",
        "Taobao": "First entered",
    }


def test_market_page_says_what_is_known(client, record):
    response = client.get("/markets/taobao/")
    text = text_of(response)
    cells = re.findall(
        r'<li class="cell ([^"]+)">\s*<(?:a|span) class="cell-year"[^>]*>(\d+)</(?:a|span)>\s*'
        r'<span class="cell-state">([^<]+)</span>(?:\s*<span class="cell-status">([^<]+)</span>)?',
        response.content.decode(),
    )
    assert [(year, state, status) for _cls, year, state, status in cells] == [
        ("2016", "Not listed", ""),
        ("2017", "No edition on record", ""),
        ("2018", "Not listed", ""),
        ("2019", "Not listed", ""),
        ("2020", "Listed", "First entered"),
        ("2021", "Not entered", ""),
    ]
    assert (
        "First entered 2020 review (published 14 January 2021); earlier editions are incomplete "
        "(no edition on record for 2006–2015 and 2017), so it may have been named before"
    ) in text
    assert (
        "Not among the listings entered for the latest edition (the 2021 review, published 17 "
        "February 2022), which is incomplete (0 of 40 online markets entered): it may be named "
        "in it. Last entered in the 2020 review."
    ) in text
    assert_says_none_of(text, "First listed", "Not in the latest edition", "Last listed")
    assert "Editions listed 1 of 5 on record; not entered for one incomplete edition" in text
    assert meta_description(response).startswith(
        "Taobao: online market (e-commerce). First entered here from the 2020 review of "
        "notorious markets (earlier editions are incomplete); listed in at least 1 edition."
    )


def test_market_page_of_a_dropped_physical_market(client, record):
    text = page(client, "/markets/old-mall/")
    assert "Physical market · Category not recorded" in text
    assert "2018 review Listed" in text  # continuing or returning: 2017 is not on record
    assert "2017 No edition on record 2018 Listed Status not known 2019 Not listed" in text
    # The 2021 physical section has no count and nothing entered: not entered, not "not listed".
    assert "Not among the listings entered for the latest edition" in text
    assert "Last entered in the 2018 review." in text


# --- companies and search ----------------------------------------------------------------


def test_company_page_strips_and_first_years(client, record):
    response = client.get("/companies/alibaba-group/")
    html = response.content.decode()
    strip = re.findall(r'<span class="visually-hidden">([^<]+)</span>', html)
    assert strip[:6] == [
        "2016: not listed",
        "2017: no edition on record",
        "2018: not listed",
        "2019: not listed",
        "2020: listed, first entered",
        "2021: not entered",
    ]
    text = text_of(response)
    assert (
        "Taobao Online Alibaba Group first entered: 2020; earlier editions are incomplete" in text
    )
    assert "0 are in the latest edition, and one is not among its entered listings" in text


def test_search_results_say_what_is_known(client, record):
    text = page(client, "/search/?q=taobao")
    assert (
        "Listed in at least 1 edition on record, first entered from the 2020 review (earlier "
        "editions are incomplete); not among the listings entered for the latest edition, which "
        "is incomplete."
    ) in text
    assert "first in the 2020 review" not in text
    pinduoduo = page(client, "/search/?q=pinduoduo")
    assert "first in the 2020 review" in pinduoduo  # a source says it is its first listing
