"""The companies list (/companies/) and a company's page (/companies/<slug>/)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    list_market,
    make_article,
    make_company,
    make_market,
    make_report,
)
from tests.page_helpers import canonical, grow, meta_description, queries_for, text_of


@pytest.fixture
def alibaba(db):
    """Alibaba Group owns Alibaba.com Ltd, which owns AliExpress's operator; plus Taobao.

    2019 and 2020 are marked all entered; 2021 has no count stated, so it is incomplete,
    and no edition before 2019 is on record."""
    for year in (2019, 2020):
        make_report(year, online_all_entered=True, completeness_note="Checked against the report.")
    make_report(2021)
    group = make_company("Alibaba Group", aliases="Alibaba\n阿里巴巴", country="CN")
    middle = make_company("Alibaba.com Ltd", parent=group)
    operator = make_company("AliExpress Operator", parent=middle)
    make_company("Unannounced Subsidiary", parent=group, is_published=False)
    list_market(make_market("AliExpress", operator=operator), 2021)
    list_market(make_market("Taobao", operator=group), 2019, 2021)
    make_market("Draft Mall", operator=group, is_published=False)
    other = make_company("Tencent")
    wechat = list_market(make_market("WeChat", operator=other), 2021)
    make_article("About Alibaba itself", companies=[group], published_on=datetime.date(2022, 3, 1))
    never_listed = make_market("Unused", operator=operator)
    make_article(
        "About the AliExpress operator's market",
        markets=[never_listed],
        published_on=datetime.date(2022, 4, 1),
    )
    make_article("Only about WeChat", markets=[wechat], published_on=datetime.date(2022, 5, 1))
    return group


def strips(response):
    """Each market row's timeline strip, as (market name, [cell descriptions])."""
    html = response.content.decode()
    rows = re.findall(r'data-label="Market"><a href="[^"]+">([^<]+)</a>.*?</tr>', html, re.S)
    cells = [
        re.findall(r'<span class="visually-hidden">([^<]+)</span>', row)
        for row in re.findall(r'<tr>\s*<th scope="row" data-label="Market">.*?</tr>', html, re.S)
    ]
    return list(zip(rows, cells, strict=True))


def test_company_page_facts(client, alibaba):
    response = client.get("/companies/alibaba-group/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Also known as Alibaba, 阿里巴巴" in text
    assert "Part of No parent company recorded" in text
    assert "Subsidiaries Alibaba.com Ltd" in text
    assert "Unannounced Subsidiary" not in text


def test_company_page_lists_markets_of_all_subsidiaries_with_strips(client, alibaba):
    response = client.get("/companies/alibaba-group/")
    assert [market.name for market in response.context["markets"]] == [
        "AliExpress",
        "Taobao",
        "Unused",
    ]
    assert strips(response) == [
        ("AliExpress", ["2019: not listed", "2020: not listed", "2021: listed, first entered"]),
        ("Taobao", ["2019: listed, first entered", "2020: not listed", "2021: listed, returning"]),
        ("Unused", ["2019: not listed", "2020: not listed", "2021: not entered"]),
    ]
    text = text_of(response)
    assert "Draft Mall" not in text and "WeChat" not in text
    assert "Operates three markets recorded here" in text
    assert (
        "two are in the latest edition, and one is not among its entered listings, which are "
        "incomplete."
    ) in text
    # No edition before 2019 is on record: the first years are first entered, not first listed.
    assert "AliExpress Online AliExpress Operator first entered: 2021; earlier editions are" in text
    assert "Taobao Online Alibaba Group first entered: 2019; earlier editions are" in text
    assert "Unused Online AliExpress Operator none entered 0" in text
    assert "Timeline key:" in text
    assert "no edition on record" in text and "not entered (the edition is incomplete" in text
    html = response.content.decode()
    assert 'class="strip-cell strip-cell--not-entered"' in html
    assert 'strip-cell--listed strip-cell--new strip-cell--unconfirmed"' in html
    assert "unrecorded" not in html


def test_subsidiary_page_shows_its_parent_chain(client, alibaba):
    text = text_of(client.get("/companies/aliexpress-operator/"))
    assert "Part of Alibaba.com Ltd, which is part of Alibaba Group" in text
    assert "Markets (2)" in text


def test_company_coverage_takes_in_subsidiaries_markets(client, alibaba):
    text = text_of(client.get("/companies/alibaba-group/"))
    assert "About the AliExpress operator's market" in text
    assert "About Alibaba itself" in text
    assert "Only about WeChat" not in text
    assert text.index("About the AliExpress operator's market") < text.index("About Alibaba itself")


def test_companies_list(client, alibaba):
    response = client.get("/companies/")
    assert response.status_code == 200
    names = [company.name for company in response.context["object_list"]]
    assert names == ["AliExpress Operator", "Alibaba Group", "Alibaba.com Ltd", "Tencent"]
    text = text_of(response)
    assert "Alibaba.com Ltd China" not in text  # no country recorded for it
    assert "Alibaba Group (Alibaba, 阿里巴巴) China — 1 1" in text  # Taobao; Alibaba.com Ltd
    assert "Unannounced Subsidiary" not in text


def test_companies_list_filters_and_bad_values(client, alibaba):
    owned = client.get("/companies/?parent=alibaba-group")
    assert [c.name for c in owned.context["object_list"]] == [
        "AliExpress Operator",
        "Alibaba.com Ltd",
    ]
    bad = client.get("/companies/?parent=nobody")
    assert bad.status_code == 400
    assert "Owned by: No published company has the name or slug “nobody”." in text_of(bad)
    assert client.get("/companies/?page=50").status_code == 400


def test_draft_company_is_a_404_for_readers_and_a_preview_for_staff(editor_client, alibaba):
    assert Client().get("/companies/unannounced-subsidiary/").status_code == 404
    preview = editor_client.get("/companies/unannounced-subsidiary/")
    assert preview.status_code == 200
    assert "Draft: only staff can see this page" in text_of(preview)


def test_market_with_a_draft_operator_does_not_name_it(client, db):
    make_report(2021)
    hidden = make_company("Hidden Owner", is_published=False)
    market = list_market(make_market("Orphan", operator=hidden), 2021)
    text = text_of(client.get(market.get_absolute_url()))
    assert "Hidden Owner" not in text
    assert "Operated by Not recorded" in text


def test_canonical_and_description(client, alibaba):
    response = client.get("/companies/alibaba-group/")
    assert canonical(response) == "https://notorious.example/companies/alibaba-group/"
    assert meta_description(response).startswith("Alibaba Group (China): three markets recorded")


@pytest.mark.parametrize("url", ["/companies/", "/companies/scale-group/"])
def test_query_count_does_not_grow_with_data(client, db, url):
    grow(2)
    small = queries_for(client, url)
    grow(18, start=2)
    assert queries_for(client, url) == small


def test_url_names(db):
    assert reverse("companies:list") == "/companies/"
    assert reverse("companies:detail", kwargs={"slug": "x"}) == "/companies/x/"


def test_the_company_page_costs_the_same_queries_however_deep_its_ownership(client, db):
    """Each level of subsidiaries once cost a query, twice a page (issue 11)."""
    top = make_company("Holding Group")
    parent = make_company("Holding Sub 1", parent=top)
    make_market("Shallow Market", operator=parent)
    url = reverse("companies:detail", args=[top.slug])
    shallow = queries_for(client, url)
    for depth in range(2, 8):
        parent = make_company(f"Holding Sub {depth}", parent=parent)
    make_market("Deep Market", operator=parent)
    assert queries_for(client, url) == shallow
    assert "Deep Market" in text_of(client.get(url))


def test_a_family_stops_at_a_draft_link_for_readers_but_not_for_editors(db):
    from notorious.companies.models import Company

    top = make_company("Chain Top")
    middle = make_company("Chain Middle", parent=top, is_published=False)
    bottom = make_company("Chain Bottom", parent=middle)
    assert Company.objects.family_ids([top.pk]) == {top.pk}
    assert Company.objects.family_ids([top.pk], include_drafts=True) == {
        top.pk,
        middle.pk,
        bottom.pk,
    }
    assert Company.objects.family_ids([]) == set()


def test_a_company_page_shows_its_first_markets_and_counts_them_all(client, alibaba, monkeypatch):
    """A group with more markets than the page shows: the first by name with their strips,
    the counts over all of them, and the markets list for the rest."""
    monkeypatch.setattr("notorious.companies.views.COMPANY_MARKETS", 2)
    response = client.get("/companies/alibaba-group/")
    assert [name for name, _cells in strips(response)] == ["AliExpress", "Taobao"]
    text = text_of(response)
    assert "Markets (3)" in text
    assert "Operates three markets recorded here" in text
    assert "two are in the latest edition, and one is not among its entered listings" in text
    assert (
        "The first two of 3, by name (each market's page has its timeline): all 3, to filter "
        "and sort"
    ) in text
    assert 'href="/markets/?company=alibaba-group">all 3' in response.content.decode()
    # The markets list has every one of them.
    listed = text_of(client.get("/markets/?company=alibaba-group"))
    assert all(name in listed for name in ("AliExpress", "Taobao", "Unused"))


def test_the_company_page_walks_the_family_once(client, db):
    """Its markets, coverage and figures are all the family's: the recursive walk over the
    ownership tree is read once a page (it was three times), and a new subsidiary's market
    is on the next page all the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    top = make_company("Walk Group")
    make_market("Walk Market", operator=make_company("Walk Sub", parent=top))
    url = reverse("companies:detail", args=[top.slug])
    with CaptureQueriesContext(connection) as captured:
        assert "Walk Market" in text_of(client.get(url))
    assert sum("WITH RECURSIVE" in query["sql"] for query in captured) == 1
    make_market("Later Market", operator=make_company("Later Sub", parent=top))
    assert "Later Market" in text_of(client.get(url))
