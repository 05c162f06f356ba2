"""The editions list (/reports/) and an edition's page (/reports/<year>/)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    list_market,
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_report,
)
from tests.page_helpers import canonical, grow, meta_description, queries_for, text_of

ALL_ENTERED = {
    "online_all_entered": True,
    "physical_all_entered": True,
    "completeness_note": "Checked against the report's list.",
}


@pytest.fixture
def editions(db):
    """2019 and 2020 marked all entered; 2021 stating 42 online and 35 physical markets, of
    which 3 and 1 are entered. No edition before 2019 is on record."""
    r2019 = make_report(2019, published_on=datetime.date(2020, 1, 30), **ALL_ENTERED)
    r2020 = make_report(
        2020, published_on=datetime.date(2021, 1, 1), published_on_precision="year", **ALL_ENTERED
    )
    r2021 = make_report(
        2021,
        published_on=datetime.date(2022, 2, 1),
        published_on_precision="month",
        online_count_stated=42,
        physical_count_stated=35,
        summary="Counted 42 online and 35 physical markets.",
    )
    alibaba = make_company("Alibaba Group")
    # New: a source says so (the editions before 2019 are not on record).
    make_listing(make_market("AliExpress", operator=alibaba), r2021, source_says_first=True)
    list_market(make_market("Taobao", operator=alibaba), 2019, 2020, 2021)  # continuing
    list_market(make_market("Returner"), 2019, 2021)  # returning: 2020 is complete
    list_market(make_market("Dropped Site"), 2019, 2020)  # not entered in incomplete 2021
    list_market(make_market("Silk Market", kind="physical", city="Beijing"), 2020, 2021)
    make_listing(make_market("Draft listing"), r2021, is_published=False)
    make_listing(make_market("Draft market", is_published=False), r2021)
    make_article("On the 2021 review", reports=[r2021], published_on=datetime.date(2022, 2, 20))
    make_article("Draft coverage", reports=[r2021], is_published=False)
    make_figure("75", "%", measures="Share of seizures", source_report=r2021)
    return {2019: r2019, 2020: r2020, 2021: r2021}


def test_list_shows_each_edition_with_dates_and_counts(client, editions):
    make_report(2022, is_published=False)
    response = client.get("/reports/")
    assert response.status_code == 200
    text = text_of(response)
    assert [r.year for r in response.context["object_list"]] == [2021, 2020, 2019]
    assert "2022 review" not in text
    review = "Review of Notorious Markets for Counterfeiting and Piracy"
    assert f"2021 review {review} February 2022" in text
    assert f"2020 review {review} 2021" in text  # known only to the year
    assert f"2019 review {review} 30 January 2020" in text
    # Stated counts beside entered ones: drafts are not counted as entered.
    assert "42 stated · 3 entered · 39 still to enter" in text
    assert "35 stated · 1 entered · 34 still to enter" in text
    assert "count not stated · 3 entered · marked all entered" in text


def test_list_shows_a_year_without_an_edition_as_a_gap(client, editions):
    make_report(2017, published_on=datetime.date(2018, 1, 12))
    text = text_of(client.get("/reports/"))
    assert "2018 review No edition on record 2017 review Out-of-Cycle Review" in text


def test_edition_page_sections_and_changes(client, editions):
    response = client.get("/reports/2021/")
    assert response.status_code == 200
    (online, online_rows, _), (physical, physical_rows, _) = response.context["sections"]
    assert [row[0].market.name for row in online_rows] == ["AliExpress", "Returner", "Taobao"]
    assert [row[0].market.name for row in physical_rows] == ["Silk Market"]
    turns = response.context["turns"]
    assert [change.market.name for change in turns.new] == ["AliExpress"]
    assert [change.market.name for change in turns.returning] == ["Returner"]
    assert [change.market.name for change in turns.not_entered] == ["Dropped Site"]
    assert not turns.dropped and turns.dropped.count == 0
    text = text_of(response)
    assert "New in the 2021 review (1) AliExpress (Alibaba Group)" in text
    assert "Back on the list (1) Returner" in text
    # 2021 is incomplete: Dropped Site, named in 2020, is not entered, not dropped.
    assert "Dropped since the 2020 review (0) None known: see below." in text
    assert (
        "Not entered in the 2021 review (1) Named in the 2020 review but not among the "
        "listings entered for 2021 (the 2021 review: 3 of 42 online markets entered): they "
        "may still be listed. Dropped Site"
    ) in text
    assert "Online markets (3 of 42 entered)" in text
    assert "Physical markets (1 of 35 entered)" in text
    assert "Not every listing of this section is entered yet (3 of 42 online markets" in text
    assert "Draft listing" not in text and "Draft market" not in text
    assert "AliExpress New" in text and "Taobao Continuing" in text
    assert "Returner Returning" in text and "Silk Market Continuing" in text


def test_a_complete_edition_states_its_drops(client, editions):
    editions[2021].online_all_entered = True
    editions[2021].completeness_note = "The other 39 are not yet public."
    editions[2021].save()
    text = text_of(client.get("/reports/2021/"))
    assert "Dropped since the 2020 review (1) Dropped Site" in text
    assert "Not confirmed" not in text
    assert "Online markets (3 of 42 entered — marked all entered)" in text
    assert "Marked all entered: The other 39 are not yet public." in text


def test_an_edition_with_no_listings_entered_drops_nothing(client, editions):
    make_report(2022, published_on=datetime.date(2023, 1, 31), online_count_stated=40)
    text = text_of(client.get("/reports/2022/"))
    assert "No listing of the 2022 review is entered yet, so what it added and dropped" in text
    assert "Dropped since" not in text and "Not entered in the" not in text
    home = text_of(client.get("/"))
    assert "No listing of the 2022 review is entered yet" in home
    assert "Dropped since" not in home


def test_edition_page_coverage_figures_and_navigation(client, editions):
    text = text_of(client.get("/reports/2021/"))
    assert "Coverage of this edition (1) On the 2021 review" in text
    assert "Draft coverage" not in text
    assert "75% Share of seizures" in text
    assert "← 2020 review" in text
    middle = text_of(client.get("/reports/2020/"))
    assert "← 2019 review" in middle and "2021 review →" in middle
    # The next and previous editions are published ones (taken from the readers' record):
    # past a draft and a year with no edition.
    make_report(2022, is_published=False)
    make_report(2024)
    assert "2024 review →" in text_of(client.get("/reports/2021/"))
    assert "← 2021 review" in text_of(client.get("/reports/2024/"))


def test_first_edition_has_nothing_to_drop(client, editions):
    text = text_of(client.get("/reports/2019/"))
    assert "No edition reviewing 2018 is on record, so no market can be said to be dropped." in text
    # Nothing before 2019 is on record: its listings are first entered, not known to be new.
    assert "New in the 2019 review (0) None among the listings entered is known to be new" in text
    assert (
        "First entered in the 2019 review (3) Earlier editions are incomplete (no edition on "
        "record for 2006–2018): these may have been named before. Dropped Site Returner Taobao"
    ) in text
    assert "Taobao First entered" in text


def test_an_unknown_publication_date_is_the_sites_gap_not_the_publishers(client, db):
    make_report(2021, published_on=None)
    make_report(2020, published_on=datetime.date(2021, 1, 31))

    undated = text_of(client.get("/reports/2021/"))
    dated = text_of(client.get("/reports/2020/"))

    assert (
        "Published by Office of the United States Trade Representative (USTR); the "
        "publication date is not recorded."
    ) in undated
    assert "not recorded by" not in undated
    assert "Published 31 January 2021 by Office of the United States Trade Representative" in dated


def test_stated_count_exceeded_is_flagged(client, db):
    report = make_report(2021, online_count_stated=1)
    for name in ("One", "Two"):
        make_listing(make_market(name), report)
    text = text_of(client.get("/reports/2021/"))
    assert "Online markets 2 of 1 entered: more than the report states, to be checked" in text


def test_draft_edition_is_a_404_for_readers_and_a_preview_for_staff(editor_client, editions):
    draft = make_report(2022, is_published=False)
    make_listing(make_market("Next Year Market"), draft)
    assert Client().get("/reports/2022/").status_code == 404
    preview = editor_client.get("/reports/2022/")
    assert preview.status_code == 200
    text = text_of(preview)
    assert "Draft: only staff can see this edition" in text
    assert "Next Year Market" in text


def test_unknown_year_is_a_404(client, editions):
    assert client.get("/reports/1999/").status_code == 404
    assert client.get("/reports/abc/").status_code == 404


def test_canonical_and_description(client, editions):
    response = client.get("/reports/2021/")
    assert canonical(response) == "https://notorious.example/reports/2021/"
    assert meta_description(response).startswith(
        "The 2021 edition (Review of Notorious Markets for Counterfeiting and Piracy), published "
        "February 2022: 42 online and 35 physical markets."
    )
    editions[2021].title = "2021 Review of Notorious Markets for Counterfeiting and Piracy"
    editions[2021].save()
    titled = text_of(client.get("/reports/2021/"))
    assert "2021 Review of Notorious Markets for Counterfeiting and Piracy Published" in titled
    assert "Every edition" in meta_description(client.get("/reports/"))


def test_edition_listings_are_paginated_with_the_whole_editions_counts(
    client, editions, monkeypatch
):
    """1,400 listings made one 1.1 MB page: now a fixed number of each section a page."""
    from notorious.reports import views

    monkeypatch.setattr(views, "LISTINGS_PER_PAGE", 2)
    first = client.get("/reports/2021/")
    (online, rows, _), (physical, physical_rows, _) = first.context["sections"]
    assert [listing.market.name for listing, _cell in rows] == ["AliExpress", "Returner"]
    assert [listing.market.name for listing, _cell in physical_rows] == ["Silk Market"]
    # Counts and completeness are the edition's, not the page's.
    assert (online.entered, physical.entered) == (3, 1)
    text = text_of(first)
    assert "Online markets (3 of 42 entered)" in text
    assert "Listings 1 to 2 of 3, by name." in text and "Page 1 of 2" in text
    assert 'href="?page=2" rel="next"' in first.content.decode()

    for page in ("2", "last"):
        second = client.get("/reports/2021/", {"page": page})
        (_, rows, _), (_, physical_rows, _) = second.context["sections"]
        assert [listing.market.name for listing, _cell in rows] == ["Taobao"]
        assert physical_rows == []
        assert "This section's 1 listing is on earlier pages." in text_of(second)
    for page in ("0", "3", "abc", "²"):
        response = client.get("/reports/2021/", {"page": page})
        assert response.status_code == 400, page
        assert "the results fill 2 pages. The first page is shown." in text_of(response)
    # A page of listings costs no more than the first (a section with none on it, less).
    assert queries_for(client, "/reports/2021/?page=2") <= queries_for(client, "/reports/2021/")


def test_an_edition_page_shows_25_listings_of_each_section(client, db):
    """5,000 listings made a page of 200 rows (1.3 s at 10,000 markets): now 50 at most."""
    report = make_report(2021)
    for number in range(30):
        make_listing(make_market(f"Market {number:02}"), report)
    response = client.get("/reports/2021/")
    (_section, rows, shown), _physical = response.context["sections"]
    assert [listing.market.name for listing, _cell in rows] == [f"Market {n:02}" for n in range(25)]
    text = text_of(response)
    assert shown == (1, 25) and "Listings 1 to 25 of 30, by name." in text
    assert "The listings are shown 25 of each section a page; this is page 1 of 2." in text
    last = client.get("/reports/2021/", {"page": "2"})
    assert [listing.market.name for listing, _cell in last.context["sections"][0][1]] == [
        f"Market {n:02}" for n in range(25, 30)
    ]


@pytest.mark.parametrize("url", ["/reports/", "/reports/2021/", "/reports/2019/"])
def test_query_count_does_not_grow_with_data(client, db, url):
    grow(2)
    small = queries_for(client, url)
    grow(18, start=2)
    assert queries_for(client, url) == small


def test_url_names(db):
    assert reverse("reports:list") == "/reports/"
    assert reverse("reports:detail", kwargs={"year": 2021}) == "/reports/2021/"
