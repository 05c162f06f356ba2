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


@pytest.fixture
def editions(db):
    """2019 to 2021, with 2021 stating 42 online and 35 physical markets."""
    r2019 = make_report(2019, published_on=datetime.date(2020, 1, 30))
    r2020 = make_report(2020, published_on=datetime.date(2021, 1, 1), published_on_precision="year")
    r2021 = make_report(
        2021,
        published_on=datetime.date(2022, 2, 1),
        published_on_precision="month",
        online_count_stated=42,
        physical_count_stated=35,
        summary="Counted 42 online and 35 physical markets.",
    )
    alibaba = make_company("Alibaba Group")
    list_market(make_market("AliExpress", operator=alibaba), 2021)  # new
    list_market(make_market("Taobao", operator=alibaba), 2019, 2020, 2021)  # continuing
    list_market(make_market("Returner"), 2019, 2021)  # returning
    list_market(make_market("Dropped Site"), 2019, 2020)  # dropped in 2021
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
    assert "2021 review February 2022" in text
    assert "2020 review 2021" in text  # known only to the year
    assert "2019 review 30 January 2020" in text
    # Stated counts beside entered ones: drafts are not counted as entered.
    assert "42 stated · 3 entered · 39 still to enter" in text
    assert "35 stated · 1 entered · 34 still to enter" in text
    assert "count not stated · 3 entered" in text


def test_edition_page_sections_and_changes(client, editions):
    response = client.get("/reports/2021/")
    assert response.status_code == 200
    context = response.context
    assert [row[0].market.name for row in context["online_rows"]] == [
        "AliExpress",
        "Returner",
        "Taobao",
    ]
    assert [row[0].market.name for row in context["physical_rows"]] == ["Silk Market"]
    assert [m.name for m in context["new_markets"]] == ["AliExpress"]
    assert [m.name for m in context["returning_markets"]] == ["Returner"]
    assert [m.name for m in context["dropped_markets"]] == ["Dropped Site"]
    text = text_of(response)
    assert "New in this edition (1) AliExpress" in text
    assert "Returning (1) Returner" in text
    assert "Dropped since the 2020 review (1) Dropped Site" in text
    assert "Online markets (3 entered of 42)" in text
    assert "Physical markets (1 entered of 35)" in text
    assert "42 stated · 3 entered · 39 still to enter" in text
    assert "Draft listing" not in text and "Draft market" not in text
    assert "AliExpress New" in text and "Taobao Continuing" in text


def test_edition_page_coverage_figures_and_navigation(client, editions):
    text = text_of(client.get("/reports/2021/"))
    assert "Coverage of this edition (1) On the 2021 review" in text
    assert "Draft coverage" not in text
    assert "75% Share of seizures" in text
    assert "← 2020 review" in text
    middle = text_of(client.get("/reports/2020/"))
    assert "← 2019 review" in middle and "2021 review →" in middle


def test_first_edition_has_nothing_to_drop(client, editions):
    text = text_of(client.get("/reports/2019/"))
    assert "No earlier edition is on record." in text
    assert "New in this edition (3)" in text


def test_stated_count_exceeded_is_flagged(client, db):
    report = make_report(2021, online_count_stated=1)
    for name in ("One", "Two"):
        make_listing(make_market(name), report)
    assert "more entered than stated: check" in text_of(client.get("/reports/2021/"))


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
    assert canonical(response) == "http://testserver/reports/2021/"
    assert meta_description(response).startswith(
        "2021 Review of Notorious Markets for Counterfeiting and Piracy, published February 2022:"
        " 42 online and 35 physical markets."
    )
    assert "Every edition" in meta_description(client.get("/reports/"))


@pytest.mark.parametrize("url", ["/reports/", "/reports/2021/", "/reports/2019/"])
def test_query_count_does_not_grow_with_data(client, db, url):
    grow(2)
    small = queries_for(client, url)
    grow(18, start=2)
    assert queries_for(client, url) == small


def test_url_names(db):
    assert reverse("reports:list") == "/reports/"
    assert reverse("reports:detail", kwargs={"year": 2021}) == "/reports/2021/"
