"""The markets list (/markets/) and a market's profile (/markets/<slug>/)."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from notorious.core.country_names import country_code, country_name
from notorious.figures.models import About
from notorious.markets.models import Market
from notorious.reports.models import Report
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
from tests.page_helpers import canonical, grow, meta_description, queries_for, text_of

LIST = "/markets/"
ALL_ENTERED = {
    "online_all_entered": True,
    "physical_all_entered": True,
    "completeness_note": "Checked against the report.",
}


def names_in(response):
    """Market names in the list's table, in the order shown."""
    return [market.name for market, _status in response.context["rows"]]


@pytest.fixture
def markets(db):
    """Four editions, all entered (none before 2018 on record); markets of each kind,
    category and status; one company family."""
    for year in (2018, 2019, 2020, 2021):
        make_report(
            year,
            published_on=datetime.date(year + 1, 2, 1),
            published_on_precision="month",
            **ALL_ENTERED,
        )
    alibaba = make_company("Alibaba Group", country="CN")
    taobao_co = make_company("Taobao China Holding", parent=alibaba)
    tencent = make_company("Tencent", country="CN")
    m = {
        "aliexpress": make_market("AliExpress", operator=alibaba, country="CN"),
        "taobao": make_market("Taobao", operator=taobao_co, country="CN"),
        "wechat": make_market("WeChat", operator=tencent, country="CN", category="social_commerce"),
        "silk": make_market("Silk Market", kind="physical", country="CN", city="Beijing"),
        "ciudad": make_market("Ciudad del Este", kind="physical", country="PY"),
        "cyber": make_market("Cyberlocker", category="cloud_storage", country="RU"),
    }
    list_market(m["aliexpress"], 2021)  # first entered in 2021 (new, as far as the record goes)
    list_market(m["taobao"], 2018, 2019, 2020, 2021)  # continuing throughout
    list_market(m["wechat"], 2019, 2021)  # returning in 2021
    list_market(m["silk"], 2018, 2019, 2020, 2021)
    list_market(m["ciudad"], 2018, 2019)  # dropped in 2020
    # `cyber` was never listed.
    return m


# --- the list --------------------------------------------------------------------------


def test_list_shows_every_published_market_with_first_year_and_count(client, markets):
    make_market("Hidden draft", is_published=False)
    response = client.get(LIST)
    assert response.status_code == 200
    assert names_in(response) == sorted(m.name for m in markets.values())
    text = text_of(response)
    assert "6 markets" in text
    assert "Hidden draft" not in text
    # What the first-listed and editions columns show: each market's listing history.
    rows = {market.name: market.history for market, _ in response.context["rows"]}
    assert (rows["Taobao"].first_year, rows["Taobao"].years_listed) == (2018, 4)
    assert (rows["WeChat"].first_year, rows["WeChat"].years_listed) == (2019, 2)
    assert rows["Cyberlocker"].first_year is None


def test_each_row_shows_the_market_as_recorded(client, markets):
    hidden = make_company("Hidden Owner", is_published=False)
    make_market("Bits & <Pieces>", operator=hidden, category="", country="")

    page = client.get(LIST).content.decode()
    row = page.split('data-label="Market"><a href="/markets/bits-pieces/">', 1)[1]
    row = row.split("</tr>", 1)[0]

    # The name escaped; a draft operator not named; what is not recorded said so.
    assert row.startswith("Bits &amp; &lt;Pieces&gt;</a></th>")
    assert '<td data-label="Category">Category not recorded</td>' in row
    assert '<td data-label="Country">—</td>' in row
    assert '<td data-label="Operated by"><span class="muted">not recorded</span></td>' in row
    assert "Hidden Owner" not in page
    assert '<td data-label="Country">China <span class="muted">(Beijing)</span></td>' in page
    assert '<td data-label="Operated by"><a href="/companies/tencent/">Tencent</a></td>' in page
    # No edition before 2018 is on record: four is the least it was listed in.
    at_least_four = '<span class="muted">at least</span> 4</td>'
    assert f'<td data-label="Editions listed" class="num">{at_least_four}' in page


def test_a_first_listing_said_by_its_source_is_read_from_its_own_index(db):
    market = make_market("Shop")
    make_listing(market, make_report(2019), source_says_first=True)
    make_listing(market, make_report(2020))
    make_listing(market, make_report(2021), source_says_first=True, is_published=False)

    markets = Market.objects.filter(pk=market.pk).with_history_listings()
    assert [(m.history_years, m.history_said_first) for m in markets] == [([2019, 2020], [2019])]
    # Listed in twenty editions before, as the oldest markets are, with statistics that
    # say so: the probe then has one said-first listing to find among twenty-odd. On
    # whatever statistics earlier tests left, reading a market's listings by its own
    # index could be priced the same as the said-first index (disabled scans are priced,
    # not refused), and a run on PostgreSQL 18 read them so.
    for year in range(1999, 2019):
        make_listing(market, make_report(year))
    sql, params = markets.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_listing")
        # As on a table too big to read or to visit row by row: can an index alone answer
        # the probe of a market's said-first listings?
        for method in ("seqscan", "indexscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        # Reading the table whole priced as on a table of thousands of pages, not one.
        cursor.execute("SET LOCAL seq_page_cost = 1000")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using listing_said_first" in plan, plan


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=physical", {"Silk Market", "Ciudad del Este"}),
        ("category=social_commerce", {"WeChat"}),
        ("country=PY", {"Ciudad del Este"}),
        # A parent company takes in its subsidiaries' markets.
        ("company=alibaba-group", {"AliExpress", "Taobao"}),
        ("company=taobao-china-holding", {"Taobao"}),
        ("year=2020", {"Taobao", "Silk Market"}),
        ("year=2019", {"Taobao", "WeChat", "Silk Market", "Ciudad del Este"}),
        # Status without a year refers to the latest edition.
        ("status=new", {"AliExpress"}),
        ("status=returning", {"WeChat"}),
        ("status=continuing", {"Taobao", "Silk Market"}),
        ("status=new&year=2019", {"WeChat"}),
        ("status=new&year=2018", {"Taobao", "Silk Market", "Ciudad del Este"}),
        ("latest=yes", {"AliExpress", "Taobao", "WeChat", "Silk Market"}),
        ("latest=no", {"Ciudad del Este", "Cyberlocker"}),
        ("q=taob", {"Taobao"}),
    ],
)
def test_each_filter_alone(client, markets, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert set(names_in(response)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=online&company=alibaba-group&status=new", ["AliExpress"]),
        ("kind=online&latest=yes&sort=-years_listed", ["Taobao", "WeChat", "AliExpress"]),
        ("country=CN&year=2019&kind=physical", ["Silk Market"]),
        ("company=tencent&year=2020", []),
        ("kind=physical&latest=no&sort=first_year", ["Ciudad del Este"]),
    ],
)
def test_filters_combined(client, markets, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert names_in(response) == expected


def test_a_filter_with_no_match_says_so(client, markets):
    response = client.get(f"{LIST}?company=tencent&year=2020")
    assert response.status_code == 200
    assert "No market matches these filters" in text_of(response)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", "aliexpress ciudad cyber silk taobao wechat"),
        ("-name", "wechat taobao silk cyber ciudad aliexpress"),
        # Never-listed markets come last both ways; ties are broken by name.
        ("first_year", "ciudad silk taobao wechat aliexpress cyber"),
        ("-first_year", "aliexpress wechat ciudad silk taobao cyber"),
        ("-years_listed", "silk taobao ciudad wechat aliexpress cyber"),
        ("years_listed", "cyber aliexpress ciudad wechat silk taobao"),
    ],
)
def test_sorting(client, markets, sort, expected):
    shown = names_in(client.get(f"{LIST}?sort={sort}"))
    assert shown == [markets[key].name for key in expected.split()]


def test_status_column_follows_the_chosen_edition(client, markets):
    response = client.get(f"{LIST}?year=2019")
    statuses = {market.name: cell.label for market, cell in response.context["rows"]}
    assert statuses == {
        "Ciudad del Este": "Continuing",
        "Silk Market": "Continuing",
        "Taobao": "Continuing",
        # No edition before 2018 is on record: not known to be new.
        "WeChat": "First entered",
    }
    text = text_of(response)
    assert "In the 2019 review" in text
    assert "WeChat Online Social commerce China Tencent first entered: 2019; earlier" in text
    assert (
        "Some statuses in the 2019 review are not confirmed, because the editions they rest on "
        "are not all entered here: “First entered” (online markets), new or not: earlier "
        "editions are incomplete (no edition on record for 2006–2017)."
    ) in text


def test_the_new_filter_says_when_new_is_not_confirmed(client, markets):
    make_listing(markets["cyber"], Report.objects.get(year=2021), source_says_first=True)
    response = client.get(f"{LIST}?status=new")
    assert {market.name: cell.label for market, cell in response.context["rows"]} == {
        "AliExpress": "First entered",
        "Cyberlocker": "New",
    }
    text = text_of(response)
    assert "“First entered” (online markets), new or not: earlier editions are incomplete" in text
    assert "“Listed”" not in text
    # A source says it is the first listing, and it is in the latest edition: all facts.
    assert "Cyberlocker Online Cloud storage / cyberlocker Russia not recorded 2021 1 New" in text
    assert "AliExpress Online E-commerce China Alibaba Group first entered: 2021; earlier " in text
    assert "editions are incomplete at least 1 First entered" in text


def test_list_statuses_where_an_edition_is_incomplete(client, markets):
    Report.objects.filter(year=2020).update(online_all_entered=False, online_count_stated=30)
    response = client.get(f"{LIST}?kind=online")  # statuses in the latest edition
    statuses = {market.name: cell.label for market, cell in response.context["rows"]}
    # WeChat is back after 2020, which is incomplete: continuing or returning, not known.
    assert statuses["WeChat"] == "Listed"
    assert statuses["Cyberlocker"] == "Not listed"  # 2021 is complete
    text = text_of(response)
    assert (
        "“Listed” (online markets), continuing or returning: the 2020 review: 1 of 30 online "
        "markets entered."
    ) in text


def test_pagination_keeps_the_filters_in_the_links(client, db):
    for i in range(55):
        make_market(f"Online {i:02}")
    make_market("A physical one", kind="physical")
    response = client.get(f"{LIST}?kind=online&sort=-name")
    html = response.content.decode()
    assert len(response.context["rows"]) == 50
    assert "Page 1 of 2" in text_of(response)
    assert 'href="?kind=online&amp;sort=-name&amp;page=2"' in html
    second = client.get(f"{LIST}?kind=online&sort=-name&page=2")
    assert names_in(second) == [f"Online {i:02}" for i in range(4, -1, -1)]
    assert 'href="?kind=online&amp;sort=-name&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=banana", "banana is not one of the available choices"),
        ("year=abc", "Select a valid choice"),
        ("year=1999", "Select a valid choice"),
        ("company=no-such-company", "Company: No published company has the name or slug"),
        ("status=maybe", "maybe is not one of the available choices"),
        ("latest=perhaps", "perhaps is not one of the available choices"),
        ("sort=evil", "evil is not one of the available choices"),
        ("country=ZZ", "ZZ is not one of the available choices"),
        ("page=999", "There is no page “999”"),
        ("page=abc", "There is no page “abc”"),
        ("kind=online&page=0", "There is no page “0”"),
        ("sort=name%27%3B+DROP+TABLE+markets_market%3B--", "not one of the available choices"),
        ("company=%00", "Null characters are not allowed"),
        ("q=a%00b", "Null characters are not allowed"),
    ],
)
def test_unknown_values_give_a_400_with_a_message(client, markets, query, message):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    text = text_of(response)
    assert "Some of this address was not understood" in text
    assert message in text
    assert response.context["rows"] == []


def test_a_filter_error_is_the_description_of_its_box(client, markets):
    """The box with the bad value is described by its error (an id in the page), labelled
    by its own name; nothing points at help text the page does not show."""
    response = client.get(LIST, {"kind": "banana", "company": "nobody"})
    html = response.content.decode()
    for name in ("kind", "company"):
        assert f'aria-describedby="id_{name}_error"' in html
        assert f'<p class="field-error" id="id_{name}_error">' in html
    assert "_helptext" not in html
    problems = response.context["filter_problems"]
    assert problems == [
        "Kind: Select a valid choice. banana is not one of the available choices.",
        "Company: No published company has the name or slug “nobody”.",
    ]


def test_a_filter_problem_is_named_by_a_label_never_none():
    from django import forms

    from notorious.core.filters import filter_problems

    class Form(forms.Form):
        per_page = forms.IntegerField()

    assert filter_problems(Form({"per_page": "x"})) == ["Per page: Enter a whole number."]


def test_a_very_long_name_query_is_an_empty_result_not_an_error(client, markets):
    response = client.get(LIST, {"q": "x" * 10_000, "kind": "online"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No market matches these filters" in text_of(response)


def test_a_draft_company_is_not_a_filter_choice(client, markets):
    make_company("Secret Holdings", is_published=False)
    assert client.get(f"{LIST}?company=secret-holdings").status_code == 400


def test_list_query_count_does_not_grow_with_data(client, db):
    grow(2)
    url = f"{LIST}?kind=online&sort=-years_listed"
    small = (queries_for(client, LIST), queries_for(client, url))
    grow(18, start=2)
    assert (queries_for(client, LIST), queries_for(client, url)) == small


def test_status_filters_cost_the_same_queries_whatever_the_data(client, db):
    """The status filters ask their questions of the markets in SQL (they once read every
    listing of every market named in the edition): as many queries at either size."""
    grow(2)
    urls = [f"{LIST}?status=new", f"{LIST}?confirmed=no", "/api/markets/?status=continuing"]
    small = [queries_for(client, url) for url in urls]
    grow(18, start=2)
    assert [queries_for(client, url) for url in urls] == small


# --- the profile -----------------------------------------------------------------------


@pytest.fixture
def wechat(db):
    """WeChat, named in 2019 and again in 2021 (after missing 2020), with coverage."""
    month = {"published_on_precision": "month", **ALL_ENTERED}
    reports = {
        2018: make_report(2018, published_on=datetime.date(2019, 4, 1), **month),
        2019: make_report(2019, **ALL_ENTERED),
        2020: make_report(2020, published_on=datetime.date(2021, 1, 14), **ALL_ENTERED),
        2021: make_report(2021, published_on=datetime.date(2022, 2, 1), **month),
    }
    group = make_company("Tencent Holdings", aliases="腾讯")
    tencent = make_company("Tencent", parent=group)
    market = make_market(
        "WeChat",
        aliases="Weixin\n微信",
        operator=tencent,
        country="CN",
        category="social_commerce",
        website="https://www.wechat.com/",
        domains="wechat.com\nweixin.qq.com",
    )
    make_listing(
        market, reports[2019], reasons="Sellers of fakes in the app.", source_says_first=True
    )
    make_listing(
        market,
        reports[2021],
        reasons="Channels and shopping cart.",
        quotation="an ecosystem of counterfeit sellers",
        quotation_page=42,
    )
    tsf = make_outlet("TSF")
    radio = make_outlet("Radio Example")
    make_article(
        "Older piece", markets=[market], outlet=radio, published_on=datetime.date(2022, 2, 18)
    )
    make_article(
        "Newer piece",
        markets=[market],
        outlet=radio,
        republishes=tsf,
        published_on=datetime.date(2022, 3, 2),
    )
    make_article("Draft piece", markets=[market], is_published=False)
    source = make_article("Seizures story", published_on=datetime.date(2022, 1, 5))
    make_figure(
        "75",
        "%",
        measures="Share of seizures from China",
        about=About.COUNTRY,
        countries=["CN"],
        source_report=reports[2021],
    )
    make_figure(
        "1.2",
        "billion users",
        measures="Monthly users",
        about=About.MARKET,
        market=market,
        source_article=source,
    )
    source.markets.add(market)
    make_figure("3", "markets", measures="Unrelated figure", source_report=reports[2020])
    return market


def timeline_cells(response):
    html = response.content.decode()
    return re.findall(
        r'<li class="cell ([^"]+)">\s*<(?:a|span) class="cell-year"(?: href="([^"]+)")?>(\d+)'
        r'</(?:a|span)>\s*<span class="cell-state">([^<]+)</span>'
        r'(?:\s*<span class="cell-status">([^<]+)</span>)?',
        html,
    )


def test_profile_shows_the_facts(client, wechat):
    response = client.get("/markets/wechat/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Also known as Weixin, 微信" in text
    assert "Online market · Social commerce" in text
    assert "China" in text
    assert "Tencent part of Tencent Holdings" in text
    assert "wechat.com, weixin.qq.com" in text
    assert "https://www.wechat.com/" in text
    assert "Listed in the 2021 review, published February 2022, the latest edition." in text
    assert "First listed 2019 review" in text  # a source says so
    assert "Editions listed 2 of 4 on record" in text


def test_profile_status_when_not_in_the_latest_edition(client, wechat):
    make_report(2022, published_on=datetime.date(2023, 1, 31), **ALL_ENTERED)
    text = text_of(client.get("/markets/wechat/"))
    assert "Not in the latest edition (the 2022 review, published 31 January 2023)." in text
    assert "Last listed in the 2021 review." in text


def test_profile_status_when_the_latest_edition_is_incomplete(client, wechat):
    make_report(2022, published_on=datetime.date(2023, 1, 31), online_count_stated=40)
    text = text_of(client.get("/markets/wechat/"))
    assert (
        "Not among the listings entered for the latest edition (the 2022 review, published 31 "
        "January 2023), which is incomplete (0 of 40 online markets entered): it may be named "
        "in it. Last entered in the 2021 review."
    ) in text
    assert "Not in the latest edition" not in text
    assert "2 of 5 on record; not entered for one incomplete edition, so possibly more" in text


def test_profile_timeline_has_a_worded_cell_per_edition(client, wechat):
    cells = timeline_cells(client.get("/markets/wechat/"))
    assert [(year, state, status) for _cls, _href, year, state, status in cells] == [
        ("2018", "Not listed", ""),
        ("2019", "Listed", "New"),
        ("2020", "Not listed", ""),
        ("2021", "Listed", "Returning"),
    ]
    assert [href for _cls, href, *_ in cells] == [
        f"/reports/{y}/" for y in (2018, 2019, 2020, 2021)
    ]
    assert "cell--returning" in cells[3][0]


def test_profile_timeline_marks_editions_not_entered_and_gaps(client, db):
    make_report(2017, **ALL_ENTERED)
    make_report(2019, online_count_stated=40)  # none before 2020 of this one is entered
    make_report(2020, **ALL_ENTERED)
    make_report(2021, **ALL_ENTERED)
    market = list_market(make_market("Old Hand", category=""), 2020, 2021)
    response = client.get(market.get_absolute_url())
    cells = timeline_cells(response)
    assert [(year, href, state, status) for _c, href, year, state, status in cells] == [
        ("2017", "/reports/2017/", "Not listed", ""),
        ("2018", "", "No edition on record", ""),  # a gap, with no edition page to link
        ("2019", "/reports/2019/", "Not entered", ""),
        ("2020", "/reports/2020/", "Listed", "First entered"),
        ("2021", "/reports/2021/", "Listed", "Continuing"),
    ]
    assert [cls for cls, *_ in cells] == [
        "cell--not-listed",
        "cell--no-edition",
        "cell--not-entered",
        "cell--listed cell--new cell--unconfirmed",
        "cell--listed cell--continuing",
    ]
    text = text_of(response)
    assert "Online market · Category not recorded" in text
    assert (
        "First entered 2020 review; earlier editions are incomplete (no edition on record for "
        "2006–2016 and 2018; online section incomplete in 2019), so it may have been named "
        "before"
    ) in text
    assert "First listed" not in text
    assert "2 of 4 on record; not entered for one incomplete edition, so possibly more" in text
    assert "2020 review First entered" in text
    assert meta_description(response) == (
        "Old Hand: online market (category not recorded). First entered here from the 2020 "
        "review of notorious markets (earlier editions are incomplete); listed in at least 2 "
        "editions, including the latest."
    )


def test_profile_lists_every_listing_with_reasons_and_quotation(client, wechat):
    html = client.get("/markets/wechat/").content.decode()
    text = text_of(client.get("/markets/wechat/"))
    assert 'id="listing-2021"' in html and 'id="listing-2019"' in html
    assert html.index('id="listing-2021"') < html.index('id="listing-2019"')
    assert "Channels and shopping cart." in text
    assert "an ecosystem of counterfeit sellers" in text
    assert "page 42" in text
    assert "Sellers of fakes in the app." in text


def test_profile_coverage_newest_first_with_outlet_date_and_credit(client, wechat):
    text = text_of(client.get("/markets/wechat/"))
    assert text.index("Newer piece") < text.index("Older piece") < text.index("Seizures story")
    assert "Newer piece Radio Example · 2 March 2022 · republishes a story by TSF" in text
    assert "Older piece Radio Example · 18 February 2022" in text
    assert "Draft piece" not in text


def test_profile_figures_are_those_about_the_market(client, wechat):
    text = text_of(client.get("/markets/wechat/"))
    assert "1.2 billion users Monthly users About WeChat" in text
    # A figure about a whole country is not the market's, though an edition listing it
    # states it: it is on that edition's page.
    assert "Share of seizures from China" not in text
    assert "Unrelated figure" not in text


def test_profile_hides_draft_listings_editions_and_owners(client, wechat):
    draft_report = make_report(2022, is_published=False)
    make_listing(wechat, draft_report, reasons="Not yet public.")
    wechat.operator.parent.is_published = False
    wechat.operator.parent.save()
    text = text_of(client.get("/markets/wechat/"))
    assert "Not yet public." not in text
    assert "2022" not in [cell[2] for cell in timeline_cells(client.get("/markets/wechat/"))]
    assert "Tencent Holdings" not in text


def test_draft_market_is_a_404_for_readers_and_a_preview_for_staff(editor_client, db):
    make_market("Unannounced", is_published=False)
    response = Client().get("/markets/unannounced/")
    assert response.status_code == 404
    assert "There is nothing at this address" in text_of(response)
    preview = editor_client.get("/markets/unannounced/")
    assert preview.status_code == 200
    assert "Draft: only staff can see this page" in text_of(preview)


def test_profile_canonical_and_description(client, wechat):
    response = client.get("/markets/wechat/?utm=x")
    assert canonical(response) == "https://notorious.example/markets/wechat/"
    assert meta_description(response).startswith(
        "WeChat: online market (social commerce) in China."
    )
    assert "First named in the 2019 review" in meta_description(response)


def test_profile_query_count_does_not_grow_with_data(client, db):
    anchor = grow(2)
    small = queries_for(client, anchor.get_absolute_url())
    grow(18, start=2)
    assert anchor.articles.count() == 20
    assert queries_for(client, anchor.get_absolute_url()) == small


def test_list_url_names(db):
    assert reverse("markets:list") == "/markets/"
    assert reverse("markets:detail", kwargs={"slug": "x"}) == "/markets/x/"


def test_page_last_shows_the_last_page_of_a_list(client, db):
    """`?page=last` once gave a 400 on the lists (issue 11); the edition page and timeline
    took it already."""
    for number in range(51):
        make_market(f"Paged Market {number:02d}")
    response = client.get("/markets/", {"page": "last", "sort": "name"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Paged Market 50" in text
    assert "Paged Market 00" not in text


def test_the_country_select_shows_each_request_its_own_choice(client, markets):
    """The filter form's fixed selects are written once per process and reused
    (`core.filters.QuickSelect`): each page still marks its own country, kind and sort."""
    for country, other in (("CN", "NL"), ("NL", "CN"), ("CN", "NL")):
        html = client.get("/markets/", {"country": country, "kind": "online"}).content.decode()
        assert f'<option value="{country}" selected>' in html
        assert f'<option value="{other}" selected>' not in html
        assert f'<option value="{other}">' in html
        assert '<option value="online" selected>' in html
    select = client.get("/markets/").content.decode().split('name="country"')[1]
    select = select.split("</select>")[0]
    assert '<option value="" selected>' in select  # "Any"
    assert select.count(" selected>") == 1


def test_country_names_are_django_countries_own_in_the_active_language(db):
    """The lists' country names, looked up once per language (`core.country_names`), are
    what `country.name` says, in whichever language is active."""
    market = make_market("Anywhere", country="DE")
    for language, germany in (("en-gb", "Germany"), ("de", "Deutschland")):
        with translation.override(language):
            for code in countries.countries:
                assert country_name(code) == Country(code).name
            assert country_name(market.country) == market.country.name == germany
    assert country_name(make_market("Nowhere").country) == ""


def test_a_rows_country_code_is_its_country_fields(db):
    """`country_code`, which lists read instead of building a `Country` per row, gives what
    `country.code` gives: for a market with a country, one without, and one read without
    its country column (django-countries then reads it)."""
    make_market("Anywhere", country="DE")
    make_market("Nowhere")
    for market in [*Market.objects.all(), *Market.objects.defer("country")]:
        assert country_code(market) == market.country.code
    assert sorted(country_code(market) for market in Market.objects.defer("country")) == [
        "",
        "DE",
    ]
