"""The machine-readable outputs under partial data: every API endpoint, feed and download
says what the entered editions support and no more.

The record, as it might stand mid-entry: 2016 with 2 of its 10 online markets entered, no
edition for 2017, 2018 and 2019 complete (2019's physical section marked all entered),
2020 with 3 of 39 online markets entered but its physical section complete, and 2021 stated
with nothing entered yet. A status is a fact (confirmed) only when the editions it rests on
are complete for the market's section; a year is "not listed" only when that section is.
"""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from notorious.reports.models import Report
from tests.factories import list_market, make_company, make_listing, make_market, make_report

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FIRST_ENTERED = " (first entered; earlier editions are incomplete)"
STATED_AS_FACT = ("New", "Continuing", "Returning")

# slug -> the timeline the record supports: (year, state, status, confirmed, label).
TIMELINES = {
    "veteran-bazaar": [
        (2016, "listed", "new", False, "First entered"),
        (2017, "no_edition", None, None, "No edition on record"),
        # 2017 is not on record: continuing or returning, not known.
        (2018, "listed", "listed", False, "Listed"),
        (2019, "listed", "continuing", True, "Continuing"),
        (2020, "listed", "continuing", True, "Continuing"),
        (2021, "not_entered", None, None, "Not entered"),
    ],
    "returner-bazaar": [
        (2016, "listed", "new", False, "First entered"),
        (2017, "no_edition", None, None, "No edition on record"),
        (2018, "not_listed", None, None, "Not listed"),
        (2019, "listed", "returning", True, "Returning"),
        # Not among the 3 of 39 entered: maybe dropped, maybe not entered yet.
        (2020, "not_entered", None, None, "Not entered"),
        (2021, "not_entered", None, None, "Not entered"),
    ],
    # First entered in 2020, after editions that are not all entered (Taobao's case).
    "newcomer-bazaar": [
        (2016, "not_entered", None, None, "Not entered"),
        (2017, "no_edition", None, None, "No edition on record"),
        (2018, "not_listed", None, None, "Not listed"),
        (2019, "not_listed", None, None, "Not listed"),
        (2020, "listed", "new", False, "First entered"),
        (2021, "not_entered", None, None, "Not entered"),
    ],
    # The same, but a source says 2020 is its first listing.
    "debut-bazaar": [
        (2016, "not_entered", None, None, "Not entered"),
        (2017, "no_edition", None, None, "No edition on record"),
        (2018, "not_listed", None, None, "Not listed"),
        (2019, "not_listed", None, None, "Not listed"),
        (2020, "listed", "new", True, "New"),
        (2021, "not_entered", None, None, "Not entered"),
    ],
    "stall-bazaar": [
        (2016, "not_listed", None, None, "Not listed"),  # 0 of 0 physical: complete
        (2017, "no_edition", None, None, "No edition on record"),
        (2018, "listed", "new", False, "First entered"),
        (2019, "listed", "continuing", True, "Continuing"),
        (2020, "not_listed", None, None, "Not listed"),  # dropped, as a fact
        (2021, "not_entered", None, None, "Not entered"),
    ],
    "arcade-bazaar": [
        (2016, "not_listed", None, None, "Not listed"),
        (2017, "no_edition", None, None, "No edition on record"),
        (2018, "not_listed", None, None, "Not listed"),
        (2019, "listed", "new", False, "First entered"),
        (2020, "listed", "continuing", True, "Continuing"),
        (2021, "not_entered", None, None, "Not entered"),
    ],
}
FIRST = {  # slug -> (first_entered_year, first_listed_confirmed)
    "veteran-bazaar": (2016, False),
    "returner-bazaar": (2016, False),
    "newcomer-bazaar": (2020, False),
    "debut-bazaar": (2020, True),
    "stall-bazaar": (2018, False),
    "arcade-bazaar": (2019, False),
}
SECTIONS = {  # year -> {section: (stated, entered, all_entered, complete)}
    2021: {"online": (30, 0, False, False), "physical": (2, 0, False, False)},
    2020: {"online": (39, 3, False, False), "physical": (1, 1, False, True)},
    2019: {"online": (2, 2, False, True), "physical": (None, 2, True, True)},
    2018: {"online": (1, 1, False, True), "physical": (1, 1, False, True)},
    2016: {"online": (10, 2, False, False), "physical": (0, 0, False, True)},
}
NOTE_2019 = "Both stalls checked against the report's annex."


@pytest.fixture
def record():
    for year, stated in {2016: (10, 0), 2018: (1, 1), 2020: (39, 1), 2021: (30, 2)}.items():
        make_report(
            year,
            online_count_stated=stated[0],
            physical_count_stated=stated[1],
            published_on=datetime.date(year + 1, 2, 1),
        )
    make_report(
        2019,
        online_count_stated=2,
        physical_all_entered=True,
        completeness_note=NOTE_2019,
        published_on=datetime.date(2020, 2, 1),
    )
    mall = make_company("Mall Holdings")
    list_market(make_market("Veteran Bazaar"), 2016, 2018, 2019, 2020)
    list_market(make_market("Returner Bazaar", operator=mall), 2016, 2019)
    list_market(make_market("Newcomer Bazaar"), 2020)
    debut = make_market("Debut Bazaar")
    make_listing(debut, Report.objects.get(year=2020), source_says_first=True)
    list_market(make_market("Stall Bazaar", kind="physical", operator=mall), 2018, 2019)
    list_market(make_market("Arcade Bazaar", kind="physical"), 2019, 2020)


def api(client, url, expect=200, **params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    assert response.status_code == expect, response.content[:500]
    return response.json()


def every(client, url, **params):
    """Every result of a paginated API list."""
    return api(client, url, page_size=200, **params)["results"]


def body(response):
    """A download's bytes (downloads stream)."""
    return b"".join(response.streaming_content)


def csv_rows(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8")[1:], newline="")))


def cell_tuples(timeline):
    return [
        (cell["year"], cell["state"], cell["status"], cell["confirmed"], cell["label"])
        for cell in timeline
    ]


# --- The API ------------------------------------------------------------------------------


def test_editions_give_each_sections_completeness(client, record):
    reports = every(client, "/api/reports/")

    assert [report["year"] for report in reports] == [2021, 2020, 2019, 2018, 2016]
    for report in reports:
        expected = SECTIONS[report["year"]]
        assert report["sections"] == {
            section: dict(
                zip(("stated", "entered", "all_entered", "complete"), values, strict=True)
            )
            for section, values in expected.items()
        }, report["year"]
        assert report["complete"] == all(values[3] for values in expected.values())
        assert report == api(client, f"/api/reports/{report['year']}/")
        # No title is recorded: none is made up.
        assert (report["title"], report["display_name"]) == ("", f"The {report['year']} edition")
    by_year = {report["year"]: report for report in reports}
    assert by_year[2019]["completeness_note"] == NOTE_2019
    assert by_year[2016]["publication"] == "out_of_cycle"
    assert by_year[2016]["publication_label"] == "Out-of-Cycle Review of Notorious Markets"
    assert by_year[2020]["publication"] == "review"
    api(client, "/api/reports/2017/", expect=404)  # no edition on record


def test_markets_give_a_timeline_the_record_supports(client, record):
    markets = every(client, "/api/markets/")

    assert {market["slug"] for market in markets} == set(TIMELINES)
    for market in markets:
        slug = market["slug"]
        assert cell_tuples(market["timeline"]) == TIMELINES[slug], slug
        assert (market["first_entered_year"], market["first_listed_confirmed"]) == FIRST[slug]
        listed = [cell[0] for cell in TIMELINES[slug] if cell[1] == "listed"]
        assert market["listed_in"] == listed
        assert market["years_listed"] == len(listed)
        # Nothing of 2021 is entered: whether any market is in it is not known.
        assert (market["latest_state"], market["in_latest_edition"]) == ("not_entered", None)
        assert market["current_run"] == 0
        assert market == api(client, f"/api/markets/{slug}/")
        assert not {"first_year_listed", "listed_before_first_entry"} & set(market)


def test_listings_carry_status_confirmed_and_why(client, record):
    listings = every(client, "/api/listings/")

    expected = {
        (cell[0], slug): cell[2:]
        for slug, timeline in TIMELINES.items()
        for cell in timeline
        if cell[1] == "listed"
    }
    assert {
        (listing["year"], listing["market"]): (
            listing["status"],
            listing["confirmed"],
            listing["status_label"],
        )
        for listing in listings
    } == expected
    for listing in listings:
        detail = api(client, f"/api/listings/{listing['year']}/{listing['market']}/")
        assert detail == listing
        assert bool(listing["status_note"]) is not listing["confirmed"]
    by_key = {(listing["year"], listing["market"]): listing for listing in listings}
    assert by_key[2020, "debut-bazaar"]["source_says_first"] is True
    assert by_key[2020, "newcomer-bazaar"]["source_says_first"] is False
    assert by_key[2018, "veteran-bazaar"]["status_note"] == (
        "no edition reviewing 2017 is on record"
    )
    assert by_key[2020, "newcomer-bazaar"]["status_note"] == (
        "earlier editions are incomplete (no edition on record for 2006–2015 and 2017; "
        "online section incomplete in 2016)"
    )


def test_no_unconfirmed_status_is_stated_as_a_fact_anywhere_in_the_api(client, record):
    cells = [cell for market in every(client, "/api/markets/") for cell in market["timeline"]]
    for cell in cells:
        if cell["state"] != "listed":
            assert (cell["status"], cell["confirmed"]) == (None, None)
        elif not cell["confirmed"]:
            assert cell["label"] not in STATED_AS_FACT
    for listing in every(client, "/api/listings/"):
        if not listing["confirmed"]:
            assert listing["status_label"] not in STATED_AS_FACT


@pytest.mark.parametrize("year", [2016, 2018, 2019, 2020, 2021])
def test_status_and_confirmed_filters_agree_with_the_timelines(client, record, year):
    cells = {
        slug: next(cell for cell in timeline if cell[0] == year)
        for slug, timeline in TIMELINES.items()
    }
    for status in ("new", "continuing", "returning", "listed"):
        found = every(client, "/api/markets/", year=year, status=status)
        expected = {slug for slug, cell in cells.items() if cell[2] == status}
        assert {market["slug"] for market in found} == expected, (year, status)
    for flag, confirmed in (("yes", True), ("no", False)):
        found = every(client, "/api/markets/", year=year, confirmed=flag)
        expected = {slug for slug, cell in cells.items() if cell[3] is confirmed}
        assert {market["slug"] for market in found} == expected, (year, flag)


def test_latest_filter_says_not_in_it_only_where_the_section_is_complete(client, record):
    def latest(value):
        return {market["slug"] for market in every(client, "/api/markets/", latest=value)}

    # Nothing of 2021 is entered: no market is known to be in it or out of it.
    assert latest("yes") == latest("no") == set()
    assert latest("not_entered") == set(TIMELINES)
    # Its physical section marked all entered (with a note): now the stalls are known out.
    Report.objects.filter(year=2021).update(
        physical_all_entered=True, completeness_note="Checked: the annex names none."
    )
    assert latest("no") == {"stall-bazaar", "arcade-bazaar"}
    assert latest("not_entered") == set(TIMELINES) - latest("no")
    arcade = api(client, "/api/markets/arcade-bazaar/")
    assert (arcade["latest_state"], arcade["in_latest_edition"]) == ("not_listed", False)


# --- The feeds ----------------------------------------------------------------------------


def feed_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}summary")
        for entry in root.iter(f"{ATOM}entry")
    }


def expected_listing_title(name, year, status, confirmed):
    title = f"{name} named in the {year} review"
    if confirmed:
        return f"{title} ({status})"
    return title + FIRST_ENTERED if status == "new" else title


def test_market_feeds_state_a_status_only_when_confirmed(client, record):
    for market in every(client, "/api/markets/"):
        entries = feed_entries(client, reverse("feeds:market", kwargs={"slug": market["slug"]}))
        listed = [
            expected_listing_title(market["name"], cell["year"], cell["status"], cell["confirmed"])
            for cell in market["timeline"]
            if cell["state"] == "listed"
        ]
        dropped = [title for title in entries if "(dropped)" in title]
        assert sorted(set(entries) - set(dropped)) == sorted(listed), market["slug"]
        # Stall is out of 2020's complete physical section; Returner is only not among the
        # 3 of 39 online markets entered for 2020, which is no drop.
        if market["slug"] == "stall-bazaar":
            assert dropped == ["Stall Bazaar not named in the 2020 review (dropped)"]
        else:
            assert dropped == [], market["slug"]


def test_feed_summaries_say_why_a_status_is_not_known(client, record):
    entries = feed_entries(client, reverse("feeds:market", kwargs={"slug": "veteran-bazaar"}))

    assert (
        "Whether it was also named in the 2017 review (continuing) or not (returning) is "
        in (entries["Veteran Bazaar named in the 2018 review"])
    )
    assert (
        "no edition reviewing 2017 is on record."
        in (entries["Veteran Bazaar named in the 2018 review"])
    )
    summary = entries["Veteran Bazaar named in the 2016 review" + FIRST_ENTERED]
    assert "it may not be its first: earlier editions are incomplete" in summary
    assert "Whether" not in entries["Veteran Bazaar named in the 2019 review (continuing)"]
    debut = feed_entries(client, reverse("feeds:market", kwargs={"slug": "debut-bazaar"}))
    assert list(debut) == ["Debut Bazaar named in the 2020 review (new)"]


def test_company_feed_states_only_the_confirmed_drop(client, record):
    titles = set(feed_entries(client, reverse("feeds:company", kwargs={"slug": "mall-holdings"})))

    assert titles == {
        "Returner Bazaar named in the 2016 review" + FIRST_ENTERED,
        "Returner Bazaar named in the 2019 review (returning)",
        "Stall Bazaar named in the 2018 review" + FIRST_ENTERED,
        "Stall Bazaar named in the 2019 review (continuing)",
        "Stall Bazaar not named in the 2020 review (dropped)",
    }


def test_editions_feed_says_which_sections_are_incomplete(client, record):
    entries = feed_entries(client, reverse("feeds:editions"))

    assert list(entries) == [f"The {year} edition" for year in (2021, 2020, 2019, 2018, 2016)]
    summaries = {int(title.split()[1]): summary for title, summary in entries.items()}
    assert "0 of 30 online markets entered. 0 of 2 physical markets entered." in summaries[2021]
    assert (
        "Not every listing is entered here yet: 3 of 39 online markets entered.</p>"
        in (summaries[2020])
    )
    assert "2 of 10 online markets entered." in summaries[2016]
    assert "It lists 39 online markets and 1 physical market." in summaries[2020]
    assert "physical markets entered" not in summaries[2020] + summaries[2016]
    for year in (2019, 2018):
        assert "Not every listing is entered" not in summaries[year]
    assert (
        "On completeness: Both stalls checked against the report&#x27;s annex." in (summaries[2019])
    )


# --- The downloads ------------------------------------------------------------------------


def test_market_downloads_hold_the_timelines_and_no_unsupported_first_year(client, record):
    rows = {row["slug"]: row for row in csv_rows(client.get("/markets/", {"format": "csv"}))}

    assert set(rows) == set(TIMELINES)
    for slug, row in rows.items():
        assert row["timeline"] == "; ".join(f"{cell[0]}: {cell[4]}" for cell in TIMELINES[slug])
        first, confirmed = FIRST[slug]
        assert (row["first_entered_year"], row["first_listed_confirmed"]) == (
            str(first),
            "true" if confirmed else "false",
        )
        assert (row["latest_state"], row["in_latest_edition"]) == ("not_entered", "")
    assert not [column for column in rows["debut-bazaar"] if "first_year" in column]
    assert rows["newcomer-bazaar"]["timeline"] == (
        "2016: Not entered; 2017: No edition on record; 2018: Not listed; 2019: Not listed; "
        "2020: First entered; 2021: Not entered"
    )
    downloaded = json.loads(body(client.get("/markets/", {"format": "json"})))["results"]
    assert downloaded == every(client, "/api/markets/")


def test_filtered_market_download_matches_the_api(client, record):
    params = {"year": "2020", "status": "new"}
    rows = csv_rows(client.get("/markets/", {**params, "format": "csv"}))

    assert [row["slug"] for row in rows] == ["debut-bazaar", "newcomer-bazaar"]
    assert [slug for slug in (m["slug"] for m in every(client, "/api/markets/", **params))] == [
        "debut-bazaar",
        "newcomer-bazaar",
    ]
    confirmed = csv_rows(client.get("/markets/", {**params, "confirmed": "yes", "format": "csv"}))
    assert [row["slug"] for row in confirmed] == ["debut-bazaar"]


def test_edition_downloads_hold_each_sections_completeness(client, record):
    rows = {int(row["year"]): row for row in csv_rows(client.get("/reports/", {"format": "csv"}))}

    def flag(value):
        return "" if value is None else ("true" if value is True else str(value).lower())

    for year, sections in SECTIONS.items():
        for section, values in sections.items():
            keys = ("stated", "entered", "all_entered", "complete")
            assert [rows[year][f"sections.{section}.{key}"] for key in keys] == [
                flag(value) for value in values
            ], (year, section)
    assert rows[2019]["completeness_note"] == NOTE_2019
    assert rows[2020]["complete"] == "false"
    downloaded = json.loads(body(client.get("/reports/", {"format": "json"})))["results"]
    assert downloaded == every(client, "/api/reports/")


def test_an_editions_listings_download_carries_status_and_confirmed(client, record):
    rows = csv_rows(client.get("/reports/2020/", {"format": "csv"}))

    assert [
        (row["market"], row["status"], row["confirmed"], row["status_label"]) for row in rows
    ] == [
        ("arcade-bazaar", "continuing", "true", "Continuing"),
        ("debut-bazaar", "new", "true", "New"),
        ("newcomer-bazaar", "new", "false", "First entered"),
        ("veteran-bazaar", "continuing", "true", "Continuing"),
    ]
    by_market = {row["market"]: row for row in rows}
    assert by_market["debut-bazaar"]["source_says_first"] == "true"
    assert by_market["newcomer-bazaar"]["status_note"].startswith("earlier editions are")
    downloaded = json.loads(body(client.get("/reports/2020/", {"format": "json"})))
    assert downloaded["results"] == every(client, "/api/listings/", year="2020")


def test_search_downloads_hold_what_the_api_says(client, record):
    data = json.loads(body(client.get("/search/", {"q": "bazaar", "format": "json"})))

    found = {market["slug"]: market for market in data["markets"]["results"]}
    assert set(found) == set(TIMELINES)
    for slug, market in found.items():
        assert market == api(client, f"/api/markets/{slug}/")
    rows = csv_rows(client.get("/search/", {"q": "bazaar", "format": "csv", "group": "markets"}))
    newcomer = next(row for row in rows if row["slug"] == "newcomer-bazaar")
    assert (newcomer["first_entered_year"], newcomer["first_listed_confirmed"]) == (
        "2020",
        "false",
    )
    assert "2020: First entered" in newcomer["timeline"]
