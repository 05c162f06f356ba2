"""Helpers shared by the public-page tests: reading pages and counting their queries."""

import datetime
import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)


def text_of(response):
    """The page's visible text, tags stripped and whitespace folded, for assertions."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    # Inline tags join their text to what surrounds it; any other tag separates words.
    html = re.sub(r"</?(a|span|strong|em|time|abbr|mark|b|i)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def queries_for(client, url):
    """How many SQL queries rendering `url` runs (the response must be a 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def meta_description(response):
    match = re.search(r'<meta name="description" content="([^"]*)"', response.content.decode())
    return unescape(match.group(1)).strip() if match else None


def canonical(response):
    match = re.search(r'<link rel="canonical" href="([^"]*)"', response.content.decode())
    return unescape(match.group(1)) if match else None


YEARS = (2018, 2019, 2020, 2021)


def grow(scale, start=0):
    """Add `scale` markets, each with listings, coverage (with outlets) and a figure.

    The same family of companies, editions and anchor market every time, so a page
    rendered after `grow(2)` and again after `grow(18, start=2)` shows the same kind of
    content, ten times more of it.
    """
    from notorious.companies.models import Company
    from notorious.markets.models import Market
    from notorious.reports.models import Report

    reports = {}
    for year in YEARS:
        reports[year] = Report.objects.filter(year=year).first() or make_report(
            year, published_on=datetime.date(year + 1, 2, 15)
        )
    group = Company.objects.filter(slug="scale-group").first() or make_company(
        "Scale Group", aliases="Scale\nスケール"
    )
    subsidiary = Company.objects.filter(slug="scale-retail").first() or make_company(
        "Scale Retail", parent=group
    )
    anchor = Market.objects.filter(slug="anchor").first()
    if anchor is None:
        anchor = make_market("Anchor", operator=subsidiary)
        for year in YEARS:
            make_listing(anchor, reports[year], quotation="Said so.", quotation_page=3)
    for i in range(start, start + scale):
        operator = subsidiary if i % 2 else group
        kind = "online" if i % 3 else "physical"
        market = make_market(f"Scale market {i}", operator=operator, kind=kind)
        for year in YEARS[i % 2 :: 1 + i % 2]:
            make_listing(market, reports[year], reasons=f"Reason {i}.")
        outlet = make_outlet(f"Scale outlet {i}")
        article = make_article(
            f"Scale article {i}",
            outlet=outlet,
            republishes=make_outlet(f"Scale source {i}"),
            published_on=datetime.date(2022, 3, 1) + datetime.timedelta(days=i),
            markets=[market, anchor],
            companies=[group],
            reports=[reports[YEARS[-1]]],
        )
        article.cited_outlets.set([outlet])
        make_figure(source_article=article, source_report=reports[YEARS[-1]], year=2021)
    return anchor
