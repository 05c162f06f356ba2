"""Provenance: where each listing fact and each figure comes from, and "cite this page"."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from notorious.companies.models import Company
from notorious.markets.models import Market
from notorious.reports.models import Listing
from tests.factories import (
    list_market,
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)
from tests.page_helpers import text_of

pytestmark = pytest.mark.django_db

REPORT_URL = "https://ustr.gov/2021-notorious-markets.pdf"


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 12, 0))


def people_date(date):
    return f"{date.day} {date:%B %Y}"


@pytest.fixture
def sourced():
    """A market listed in 2020 and 2021, the 2021 listing with a quotation, and figures."""
    r2020 = make_report(2020, published_on=datetime.date(2021, 1, 14))
    r2021 = make_report(2021, published_on=datetime.date(2022, 2, 17), source_url=REPORT_URL)
    operator = make_company("Shop Group")
    market = make_market("Bazaar Online", operator=operator)
    make_listing(market, r2020, reasons="Reported for fake shoes.")
    make_listing(
        market,
        r2021,
        reasons="Still sells **fake** shoes.",
        quotation="Right holders report widespread counterfeit footwear.",
        quotation_page=27,
    )
    wire = make_outlet("Trade Wire")
    article = make_article(
        "Bazaar Online named again",
        outlet=wire,
        published_on=datetime.date(2022, 2, 18),
        markets=[market],
        companies=[operator],
        reports=[r2021],
    )
    make_figure(
        "75",
        "%",
        slug="seizure-share",
        measures="Share of seizures",
        year=2021,
        source_report=r2021,
        about="market",
        market=market,
    )
    make_figure(
        "3",
        "US$ billion",
        slug="lost-sales",
        measures="Lost sales",
        year=2021,
        source_article=article,
        about="market",
        market=market,
    )
    return {"market": market, "operator": operator, "article": article, 2020: r2020, 2021: r2021}


def test_each_listing_on_the_market_profile_names_its_source(client, sourced):
    response = client.get("/markets/bazaar-online/")
    html = response.content.decode()
    text = text_of(response)
    assert (
        "Source: the 2021 review, online section, page 27 (read the report). The reasons are "
        "in the editors' words; the quotation is the report's." in text
    )
    assert "Right holders report widespread counterfeit footwear." in text
    assert "Source: the 2020 review, online section. The reasons are in the editors' words." in (
        text
    )
    listing_2021 = re.search(r'<li class="listing" id="listing-2021">(.*?)</li>', html, re.S)
    assert 'href="/reports/2021/"' in listing_2021.group(1)
    assert f'href="{REPORT_URL}"' in listing_2021.group(1)


def test_report_rows_show_the_quotation_page_and_link_to_the_full_entry(client, sourced):
    response = client.get("/reports/2021/")
    text = text_of(response)
    assert "Still sells fake shoes." in text
    assert "“Right holders report widespread counterfeit footwear.” (page 27)" in text
    assert "The full entry, with its source in this edition, page 27." in text
    assert 'href="/markets/bazaar-online/#listing-2021"' in response.content.decode()


def test_company_page_links_each_first_listing_to_its_edition(client, sourced):
    html = client.get("/companies/shop-group/").content.decode()
    assert 'href="/reports/2020/" title="The 2020 review">2020</a>' in html


def test_every_figure_shows_its_source_with_links(client, sourced):
    from_report = (
        "75% Share of seizures (2021) About Bazaar Online Source: the 2021 review (the report)"
    )
    from_article = (
        "3 US$ billion Lost sales (2021) About Bazaar Online Source: “Bazaar Online named "
        "again”, Trade Wire, "
        "18 February 2022"
    )
    pages = {
        "/markets/bazaar-online/": [from_report, from_article],
        "/reports/2021/": [from_report],
        "/coverage/bazaar-online-named-again/": [from_article],
    }
    for url, expected in pages.items():
        response = client.get(url)
        text, html = text_of(response), response.content.decode()
        for figure in expected:
            assert figure in text, url
        if from_report in expected:
            assert 'the <a href="/reports/2021/">2021 review</a>' in html, url
            assert f'(<a href="{REPORT_URL}" rel="noopener">the report</a>)' in html, url
        if from_article in expected:
            assert 'href="/coverage/bazaar-online-named-again/">“Bazaar Online' in html, url

    text = text_of(client.get("/figures/seizure-share/"))
    assert (
        "Stated in The 2021 edition (Review of Notorious Markets for Counterfeiting and Piracy), "
        "published 17 February 2022 (read the report)" in text
    )
    text = text_of(client.get("/figures/lost-sales/"))
    assert "Reported in Bazaar Online named again, Trade Wire, 18 February 2022" in text


def test_a_figure_whose_only_sources_are_drafts_is_not_shown(editor_client, sourced):
    client = Client()  # a reader (`editor_client` is the `client` fixture, logged in)
    draft_story = make_article("Draft story", is_published=False, markets=[sourced["market"]])
    make_figure(
        "9",
        "markets",
        slug="unchecked",
        measures="Unchecked count",
        source_article=draft_story,
        about="market",
        market=sourced["market"],
    )
    # Sourced to a draft edition and a published article: shown, with the article only.
    draft_edition = make_report(2022, is_published=False)
    make_figure(
        "12",
        "%",
        slug="half-sourced",
        measures="Half-sourced share",
        source_report=draft_edition,
        source_article=sourced["article"],
        about="market",
        market=sourced["market"],
    )
    text = text_of(client.get("/markets/bazaar-online/"))
    assert "Unchecked count" not in text
    assert "Half-sourced share" in text
    assert "2022 review" not in text
    assert client.get("/figures/unchecked/").status_code == 404
    assert editor_client.get("/figures/unchecked/").status_code == 200  # staff preview
    slugs = [f["slug"] for f in client.get("/api/figures/").json()["results"]]
    assert "unchecked" not in slugs and "half-sourced" in slugs


def test_market_page_ends_with_a_cite_block(client, sourced):
    market = sourced["market"]
    Market.objects.filter(pk=market.pk).update(updated_at=at(2024, 1, 5))
    Listing.objects.filter(market=market, report__year=2020).update(updated_at=at(2024, 3, 9))
    Listing.objects.filter(market=market, report__year=2021).update(updated_at=at(2024, 2, 1))
    # A draft listing changed later is not part of the page, so not its last change.
    draft = make_listing(market, make_report(2022, is_published=False))
    Listing.objects.filter(pk=draft.pk).update(updated_at=at(2025, 6, 1))

    response = client.get("/markets/bazaar-online/")
    html = response.content.decode()
    text = text_of(response)
    today = people_date(timezone.localdate())
    cite = text[text.index("Cite this page") :]
    assert cite.startswith(
        "Cite this page Title Bazaar Online Address "
        "https://notorious.example/markets/bazaar-online/ "
        f"Last changed 9 March 2024 Date accessed {today} (today) Suggested citation: "
        "“Bazaar Online.” Notorious: USTR's notorious markets, on record. Last changed "
        f"9 March 2024. https://notorious.example/markets/bazaar-online/ (accessed {today})."
    )
    # Nothing after it but the site footer: the block ends the page's content.
    assert html.index('<section class="cite"') > html.index('id="figures-heading"')
    assert '<time datetime="2024-03-09">9 March 2024</time>' in html
    assert f'<time datetime="{timezone.localdate():%Y-%m-%d}">' in html

    # Editing the market itself later makes that the last change.
    Market.objects.filter(pk=market.pk).update(updated_at=at(2024, 4, 30))
    assert "Last changed 30 April 2024" in text_of(client.get("/markets/bazaar-online/"))


def test_company_page_ends_with_a_cite_block(client, sourced):
    Company.objects.filter(pk=sourced["operator"].pk).update(updated_at=at(2023, 11, 2))
    response = client.get("/companies/shop-group/")
    text = text_of(response)
    today = people_date(timezone.localdate())
    assert (
        "Cite this page Title Shop Group Address https://notorious.example/companies/shop-group/ "
        f"Last changed 2 November 2023 Date accessed {today} (today)" in text
    )
    assert (
        "“Shop Group.” Notorious: USTR's notorious markets, on record. Last changed 2 November "
        f"2023. https://notorious.example/companies/shop-group/ (accessed {today})." in text
    )
    html = response.content.decode()
    assert html.index('<section class="cite"') > html.index('id="coverage-heading"')


def test_cite_block_address_is_the_site_address_whatever_the_host(client, settings, sourced):
    settings.ALLOWED_HOSTS = ["other.example"]
    list_market(make_market("Second Market"), 2021)
    text = text_of(client.get("/markets/second-market/", HTTP_HOST="other.example"))
    assert "Address https://notorious.example/markets/second-market/" in text
