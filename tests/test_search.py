"""Search by company, market and coverage: /search/?q= and notorious.search.

Full-text on the generated vectors, trigram typo tolerance, ranking, highlighting by
ts_headline and websearch syntax, on PostgreSQL as in production.
"""

import datetime
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notorious import search as search_module
from notorious.companies.models import Company
from notorious.core.dates import time_html
from notorious.core.search import first_keys, found_by, keys_found_by
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Report
from notorious.search import search
from notorious.search_names import WORD_SIMILARITY_THRESHOLD, name_score
from notorious.search_text import clean_query, prefix_tsquery
from tests.factories import (
    list_market,
    make_article,
    make_company,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Companies and markets shaped like the demo, plus a subsidiary and drafts.

    Taobao is run by a subsidiary of Alibaba Group (a made-up company, so the test also
    shows markets of subsidiaries are found); the rest mirrors the demo data.
    """
    alibaba = make_company("Alibaba Group", aliases="Alibaba", country="CN")
    subsidiary = make_company("Zhejiang Example Holdings", parent=alibaba, country="CN")
    tencent = make_company("Tencent", country="CN")
    aliexpress = make_market("AliExpress", operator=alibaba, domains="aliexpress.com")
    taobao = make_market("Taobao", operator=subsidiary, aliases="淘宝网")
    wechat = make_market(
        "WeChat",
        operator=tencent,
        aliases="Weixin\n微信",
        description="Messaging app whose channels and shopping cart carry fakes.",
    )
    pinduoduo = make_market("Pinduoduo")
    list_market(taobao, 2020, 2021)
    list_market(aliexpress, 2021)
    list_market(wechat, 2021)
    list_market(pinduoduo, 2020, 2021)
    article = make_article(
        "US names AliExpress and WeChat in its review",
        summary="The review says goods seized as counterfeit at the border came mostly "
        "from China; it names the two platforms for the first time.",
        outlet=make_outlet("TSF"),
        markets=[aliexpress, wechat],
    )
    return {
        "alibaba": alibaba,
        "subsidiary": subsidiary,
        "tencent": tencent,
        "aliexpress": aliexpress,
        "taobao": taobao,
        "wechat": wechat,
        "pinduoduo": pinduoduo,
        "article": article,
    }


def names(entries):
    return [str(entry) for entry in entries]


def get_search(client, query):
    return client.get(reverse("search"), {"q": query})


# --- What readers search for --------------------------------------------------------------


def test_company_name_finds_the_company_and_every_market_of_it_and_its_subsidiaries(world):
    results = search("alibaba")

    assert names(results.companies) == ["Alibaba Group"]
    assert set(names(results.markets)) == {"AliExpress", "Taobao"}
    assert (results.company_count, results.market_count) == (1, 2)
    assert all(market.via_company for market in results.markets)


def test_tencent_finds_wechat(world):
    results = search("Tencent")

    assert names(results.companies) == ["Tencent"]
    assert names(results.markets) == ["WeChat"]


@pytest.mark.parametrize("query", ["weixin", "WEIXIN", "微信", "WeChat"])
def test_market_alias_in_any_script_finds_the_market(world, query):
    assert "WeChat" in names(search(query).markets)


def test_cjk_query_inside_a_longer_cjk_alias_finds_the_market(world):
    # Full-text keeps "淘宝网" as one word; "淘宝" must still find it.
    assert names(search("淘宝").markets) == ["Taobao"]


def test_domain_finds_the_market(world):
    assert names(search("aliexpress.com").markets) == ["AliExpress"]


def test_words_find_coverage_by_headline_and_summary(world):
    assert names(search("review").articles) == [world["article"].headline]
    assert names(search("counterfeit").articles) == [world["article"].headline]
    assert search("counterfeit").article_count == 1


def test_words_in_a_company_description_do_not_pull_in_its_markets(world):
    world["tencent"].description = "Runs a messaging app."
    world["tencent"].save()

    results = search("messaging")

    assert names(results.companies) == ["Tencent"]
    # WeChat matches on its own description, not through Tencent's.
    assert [(m.name, m.via_company) for m in results.markets] == [("WeChat", False)]


def test_nothing_found_says_so(world):
    results = search("zzyzx")

    assert results.total == 0
    assert "Nothing published matches “zzyzx”" in results.message


def test_results_page_groups_results_with_counts(client, world):
    response = get_search(client, "alibaba")

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 company" in page and "2 markets" in page and "1 article of coverage" in page
    assert page.index('id="companies"') < page.index('id="markets"') < page.index('id="coverage"')
    assert world["aliexpress"].get_absolute_url() in page
    assert world["taobao"].get_absolute_url() in page
    assert world["wechat"].get_absolute_url() not in page
    # The header's search box keeps the query.
    assert 'value="alibaba"' in page


def test_results_page_without_a_query_explains_what_to_search(client, world):
    response = client.get(reverse("search"))

    assert response.status_code == 200
    assert "find every market it and its subsidiaries operate" in response.content.decode()


def test_summary_html_is_escaped_in_snippets(client, world):
    make_article(
        "Review round-up",
        summary="<script>alert('x')</script> counterfeit watches",
    )

    page = get_search(client, "watches").content.decode()

    # ts_headline drops the markup; what is left is escaped.
    assert "<script>" not in page
    assert "<mark>watches</mark>" in page


def result_items(page, group):
    """The text of each result of a group (`companies`, `markets`, `coverage`), tags
    stripped and spaces collapsed."""
    section = page.split(f'id="{group}"', 1)[1].split("</section>", 1)[0]
    items = section.split('<li class="result">')[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", item.split("</li>")[0]).split()) for item in items]


def test_each_market_result_says_what_its_listings_show(client):
    make_report(2019, online_all_entered=True)
    make_report(2020, online_all_entered=True)
    make_report(2021)  # incomplete: the latest edition
    first = make_market("Bazaar First")
    for year in (2019, 2020):
        make_listing(first, Report.objects.get(year=year), source_says_first=year == 2019)
    list_market(make_market("Bazaar Latest"), 2020, 2021)
    list_market(make_market("Bazaar Once"), 2021)
    make_market("Bazaar Never")

    said = market_results(client, "bazaar")

    assert (
        "Listed in at least 2 editions on record, first in the 2019 review; not among the "
        "listings entered for the latest edition, which is incomplete." in said["First"]
    )
    assert (
        "Listed in at least 2 editions on record, first entered from the 2020 review "
        "(earlier editions are incomplete), and in the latest." in said["Latest"]
    )
    assert "Listed in at least 1 edition on record, first entered from the 2021" in said["Once"]
    assert "No listing of it is entered yet." in said["Never"]


def test_market_results_of_complete_editions_state_their_counts(client):
    make_report(2006, online_all_entered=True)  # USTR's first list
    make_report(2007, online_all_entered=True)
    list_market(make_market("Bazaar Early"), 2006)
    list_market(make_market("Bazaar Both"), 2006, 2007)
    make_market("Bazaar Never")

    said = market_results(client, "bazaar")

    assert (
        "Listed in 1 edition on record, first in the 2006 review; not in the latest edition."
        in said["Early"]
    )
    assert (
        "Listed in 2 editions on record, first in the 2006 review, and in the latest."
        in (said["Both"])
    )
    assert "Not listed in any edition." in said["Never"]


def test_each_market_result_names_its_kind_country_and_published_operator(client):
    owner = make_company("Quokka Holdings")
    draft_owner = make_company("Quokka Secret Parent", is_published=False)
    operator = make_company("Quokka Operator", parent=owner)
    hidden_parent = make_company("Quokka Other Operator", parent=draft_owner)
    list_market(make_market("Quokka Bazaar", operator=operator, country="CN", aliases="Q&B"), 2021)
    make_market("Market <b>Quokka</b>", operator=hidden_parent)
    make_market("Quokka Draft Run", operator=make_company("Hidden Co", is_published=False))

    page = get_search(client, "quokka operator").content.decode()
    said = market_results(client, "quokka operator")

    assert said["Bazaar"] == (
        "Quokka Bazaar also Q&amp;B Online · E-commerce · China Operated by Quokka Operator, "
        "part of Quokka Holdings found through its operator Listed in at least 1 edition on "
        "record, first entered from the 2021 review (earlier editions are incomplete), and in "
        "the latest. 21 F 2021: listed, first entered"
    )
    # Only a published owner is named; the name is text, never markup.
    assert "Market &lt;b&gt;Quokka&lt;/b&gt;" in page and "Secret Parent" not in page
    assert 'aria-label="Quokka Bazaar listing timeline"' in page
    # Found by its words alone, a market does not carry the operator's badge.
    by_words = market_results(client, "bazaar")
    assert "found through its operator" not in by_words["Bazaar"]
    assert "Operated by Quokka Operator, part of Quokka Holdings" in by_words["Bazaar"]
    assert "Hidden Co" not in get_search(client, "quokka draft").content.decode()


def market_results(client, query):
    """Each market result's text, by the second word of its name."""
    items = result_items(get_search(client, query).content.decode(), "markets")
    return {item.split(" ", 2)[1]: item for item in items}


def test_each_coverage_result_names_its_published_outlets_and_date(client):
    wire = make_outlet("Wire Service")
    make_article(
        "Counterfeit shoes seized",
        outlet=make_outlet("Daily Paper"),
        republishes=wire,
        published_on=datetime.date(2022, 3, 4),
    )
    make_article("Counterfeit bags seized", outlet=make_outlet("Draft Paper", is_published=False))
    make_article(
        "Counterfeit 假货 seized",
        language="zh",
        summary="海关 seized 假货",
        published_on=datetime.date(2021, 1, 2),
    )

    page = get_search(client, "seized").content.decode()
    items = {item.split(" ")[1]: item for item in result_items(page, "coverage")}

    assert items["shoes"].endswith("Daily Paper, 4 March 2022 (republishing Wire Service)")
    assert '<time datetime="2022-03-04">4 March 2022</time>' in page
    assert items["bags"].endswith("Counterfeit bags seized")  # the draft outlet is not named
    assert "Draft Paper" not in page
    assert items["假货"].endswith("2 January 2021 海关 seized 假货")
    assert '<a class="result-title" href="/coverage/counterfeit-seized/" lang="zh">' in page
    # The snippet is in the article's language too, with the match marked.
    assert '<p class="result-snippet" lang="zh">海关 <mark>seized</mark> 假货</p>' in page


def test_first_keys_of_one_scan_read_only_the_keys(world):
    keys = Article.objects.order_by().values("pk")

    with CaptureQueriesContext(connection) as queries:
        found = first_keys([keys], 5)

    assert found == sorted(Article.objects.values_list("pk", flat=True))
    assert '"press_article"."headline"' not in queries.captured_queries[0]["sql"]


def test_keys_found_by_tells_which_scan_found_each_key_in_one_statement(world):
    markets = Market.objects.order_by()
    aliexpress, wechat = world["aliexpress"].pk, world["wechat"].pk
    every = set(markets.values_list("pk", flat=True))
    named = markets.filter(pk__in=[aliexpress, wechat]).values("pk")

    with CaptureQueriesContext(connection) as queries:
        found = keys_found_by([markets.values("pk"), named], None)

    assert len(queries) == 1
    assert set(found) == found_by(found, [0]) == every
    assert found_by(found, [1]) == {aliexpress, wechat}
    assert found[aliexpress] == 0b11  # both scans found it
    # Each scan stops at the limit.
    assert keys_found_by([named.order_by("pk")], 1) == {min(aliexpress, wechat): 1}


def test_a_name_merely_sharing_letters_with_the_query_does_not_rank_a_text_match(world):
    """Closeness to a name counts where the name is a typo of the query (search's
    threshold), not below it: two markets matching a word in their descriptions alike are
    ranked by name, whatever letters their names share with the word."""
    make_market("Zulu Quo Stall", description="Sells quagga hides.")
    make_market("Alpha Stall", description="Sells quagga hides.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT word_similarity('quagga', 'Zulu Quo Stall')")
        closeness = cursor.fetchone()[0]
    assert 0 < closeness < WORD_SIMILARITY_THRESHOLD  # noise, not a typo

    assert names(search("quagga").markets) == ["Alpha Stall", "Zulu Quo Stall"]


def test_a_markets_score_is_the_same_whatever_the_typo_scans_told(world):
    """`name_score` gives each row the same score whether the typo matches are known (only
    they are scored for closeness) or not (each row tested)."""
    for name in ("Quagga Hub", "Quaga Stall", "Zulu Quo Stall", "Alpha Stall"):
        make_market(name, description="Sells quagga hides.")
    query = "quagga"
    tsquery = SearchQuery(prefix_tsquery(query), config="simple", search_type="raw")
    markets = Market.objects.filter(name__in=["Quagga Hub", "Quaga Stall", "Zulu Quo Stall"])
    with connection.cursor() as cursor:
        cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY_THRESHOLD])
    typos = sorted(markets.filter(name__trigram_word_similar=query).values_list("pk", flat=True))
    assert len(typos) == 2  # Quagga Hub, Quaga Stall: Zulu Quo Stall is not a typo

    def scores(*told):
        scored = Market.objects.annotate(score=name_score(query, tsquery, True, *told))
        return dict(scored.values_list("name", "score"))

    known = scores(typos)
    assert known == scores(None)
    assert known["Quagga Hub"] > known["Quaga Stall"] > known["Zulu Quo Stall"]
    assert known["Zulu Quo Stall"] == known["Alpha Stall"]


# --- Drafts -------------------------------------------------------------------------------


def test_drafts_never_appear(client, world):
    draft_subsidiary = make_company(
        "Alibaba Draft Unit", parent=world["alibaba"], is_published=False
    )
    make_market("Tmall Draft", operator=world["alibaba"], is_published=False)
    make_market("Subsidiary Bazaar", operator=draft_subsidiary)
    make_article("Alibaba draft story", summary="alibaba", is_published=False)
    make_market("Weixin Pay Draft", aliases="微信支付", is_published=False)

    for query in ["alibaba", "alibaba draft", "draft", "微信"]:
        results = search(query)
        page = get_search(client, query).content.decode()
        shown = names(results.companies) + names(results.markets) + names(results.articles)
        assert not [name for name in shown if "Draft" in name or "draft" in name], query
        assert "Draft" not in page.split("<main")[1], query
    # A market is not found through a draft subsidiary: that ownership is not public yet.
    assert "Subsidiary Bazaar" not in names(search("alibaba").markets)


# --- Absurd input never gives a 500 -------------------------------------------------------

ABSURD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "alibaba " * 2_000,
    "!!!",
    "?!.,;:()[]{}",
    "'; DROP TABLE companies_company; --",
    '" OR 1=1 --',
    "Robert'); DROP TABLE markets_market;--",
    "\x00",
    "ali\x00baba",
    "\x01\x02\x1b[31m",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "a:* & b | !c",
    "'alibaba':*",
    "-",
    "or",
    '"',
    '"unterminated',
    "((((",
    "🙂",
    "\u202eevil",
    "\ue000\ue001",
    "ＡＬＩＢＡＢＡ",
    "a" * 200,
    "a" * 201,
]


@pytest.mark.parametrize("query", ABSURD_QUERIES)
def test_absurd_queries_get_a_page_never_a_500(client, world, query):
    response = get_search(client, query)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "\x00" not in page


def test_nul_byte_in_the_url_is_dropped(client, world):
    response = client.get(reverse("search") + "?q=ali%00baba")

    assert response.status_code == 200
    assert names(response.context["results"].companies) == ["Alibaba Group"]


def test_overlong_query_gets_a_message_and_no_results(client, world):
    response = get_search(client, "alibaba" + "x" * 9_993)

    results = response.context["results"]
    assert results.total == 0
    assert "10,000 characters long" in results.message
    assert "10,000 characters long" in response.content.decode()
    assert 'value="alibaba' not in response.content.decode()


@pytest.mark.parametrize("query", ["!!!", "...", "-- ;", "\x00\x00"])
def test_punctuation_only_query_gets_a_message(client, world, query):
    response = get_search(client, query)

    assert "no letters or digits" in response.content.decode()


def test_sql_fragment_is_searched_as_text(world):
    results = search("'; DROP TABLE companies_company; --")

    assert results.total == 0
    assert Company.objects.count() == 3


@pytest.mark.parametrize(
    ("raw", "query"),
    [
        ("  Ali\tbaba \n", "Ali baba"),
        ("ali\x00baba", "alibaba"),
        ("\u200bweixin", "weixin"),
        ("微信", "微信"),
    ],
)
def test_clean_query_strips_control_characters_and_collapses_spaces(raw, query):
    assert clean_query(raw) == (query, "")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=300))
def test_any_text_gets_a_page(client, world, query):
    assert get_search(client, query).status_code == 200


# --- Words, scripts and highlighting ------------------------------------------------------


def test_search_matches_every_word_ignoring_case(world):
    results = search("ALIBABA group")

    assert names(results.companies) == ["Alibaba Group"]
    assert set(names(results.markets)) == {"AliExpress", "Taobao"}


def test_search_finds_cjk_aliases_and_coverage(world):
    assert names(search("微信").markets) == ["WeChat"]
    assert names(search("淘宝").markets) == ["Taobao"]
    results = search("Counterfeit border")
    assert names(results.articles) == [world["article"].headline]
    assert "<mark>counterfeit" in results.articles[0].snippet_html.lower()


# --- PostgreSQL: full-text, trigrams, ranking, highlighting -------------------------------


@pytest.mark.parametrize(
    ("typo", "company", "market"),
    [("alibba", "Alibaba Group", "AliExpress"), ("tencnet", "Tencent", "WeChat")],
)
def test_typos_still_find_the_company_and_its_markets(world, typo, company, market):
    results = search(typo)

    assert names(results.companies) == [company]
    assert market in names(results.markets)


def test_typo_of_a_market_name_finds_it(world):
    assert names(search("aliexpres").markets) == ["AliExpress"]


def test_prefix_of_a_word_finds_coverage_with_longer_words(world):
    make_article("Counterfeiting in numbers", summary="Seizures by value.")

    assert "Counterfeiting in numbers" in names(search("counterfeit").articles)


def test_coverage_snippets_are_highlighted_by_full_text(world):
    article = search("counterfeit").articles[0]

    assert "<mark>counterfeit</mark>" in article.snippet_html
    assert "<mark>" not in article.headline_html


def test_coverage_is_ranked_by_relevance(world):
    make_article("WeChat WeChat WeChat", summary="WeChat shopping cart.")

    assert names(search("wechat").articles)[0] == "WeChat WeChat WeChat"


def test_exact_name_ranks_first(world):
    make_market("WeChat Pay", operator=None)

    assert names(search("wechat").markets)[0] == "WeChat"


def test_websearch_syntax_excludes_and_quotes(world):
    excluded = names(search("platforms -wechat").articles)
    assert excluded == []
    assert names(search('"names aliexpress"').articles) == [world["article"].headline]
    assert search('"aliexpress names"').article_count == 0


def test_search_uses_the_stored_vectors_and_trigram_indexes(world):
    with CaptureQueriesContext(connection) as queries:
        search("alibba")
    sql = " ".join(q["sql"] for q in queries.captured_queries)

    assert '"search_vector" @@' in sql
    assert "%>" in sql  # the word-similarity operator the trigram GIN indexes serve
    assert "ILIKE" in sql  # which they serve too, unlike icontains' UPPER(...) LIKE
    assert "ts_headline" in sql


def test_query_count_does_not_grow_with_results(world):
    def add_sample(number):
        market = make_market(f"Quokka Market {number}", operator=owner)
        list_market(market, 2020, 2021)
        make_article(f"Quokka story {number}", markets=[market])

    owner = make_company("Quokka Owner")
    make_company("Quokka Subsidiary", parent=owner)
    add_sample(0)
    with CaptureQueriesContext(connection) as small:
        search("quokka")
    for number in range(1, 30):
        add_sample(number)
    with CaptureQueriesContext(connection) as large:
        results = search("quokka")

    assert (results.company_count, results.market_count, results.article_count) == (2, 30, 30)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_outlets_are_read_once_and_a_search_finding_nothing_reads_no_empty_group(world):
    make_outlet("Alibaba Watch")

    with CaptureQueriesContext(connection) as found:
        results = search("alibaba")
    with CaptureQueriesContext(connection) as nothing:
        assert not search("zzqqxx").total

    statements = [q["sql"] for q in found.captured_queries]
    outlet_reads = [sql for sql in statements if sql.startswith('SELECT "press_outlet"')]
    assert (names(results.outlets), results.outlet_count, len(outlet_reads)) == (
        ["Alibaba Watch"],
        1,
        1,
    )
    # The ranked groups' pages (markets read whole, the coverage's highlights) are only
    # read when something was found.
    assert len(nothing.captured_queries) < len(found.captured_queries) - 2
    assert "ts_headline" not in " ".join(q["sql"] for q in nothing.captured_queries)


def test_markets_through_the_company_come_first_then_text_matches_each_once(world):
    owner = make_company("Quokka Owner")
    make_market("Wombat Market", operator=owner)
    make_market("Quokka Owner Shop", operator=owner)  # found both ways: listed once
    make_market("Quokka Bazaar", operator=world["tencent"])
    make_market("Quokka Drafts", operator=owner, is_published=False)

    results = search("quokka")

    assert [(m.name, m.via_company) for m in results.markets] == [
        ("Quokka Owner Shop", True),
        ("Wombat Market", True),
        ("Quokka Bazaar", False),
    ]
    assert results.market_count == 3
    assert search_module.search_selection("quokka").market_ids == [m.pk for m in results.markets]


def test_markets_found_through_the_company_and_by_text_are_counted_past_the_cap(
    client, world, monkeypatch
):
    """The market group lists the first MARKETS_SHOWN, states how many match in all, and
    links to a download of every one."""
    monkeypatch.setattr(search_module, "MARKETS_SHOWN", 2)
    owner = make_company("Quokka Owner")
    for number in range(3):
        make_market(f"Owned {number}", operator=owner)
        make_market(f"Quokka Stall {number}")

    results = search("quokka")
    page = get_search(client, "quokka").content.decode()
    download = client.get(reverse("search"), {"q": "quokka", "format": "csv", "group": "markets"})

    assert names(results.markets) == ["Owned 0", "Owned 1"]
    assert results.market_count == 6
    assert 'Markets <span class="count">(6)</span>' in page
    assert "The first 2 of 6 are listed here" in page
    assert "(markets: 2)" in page  # of the first 50 the other groups show
    assert b"".join(download.streaming_content).count(b"Quokka Stall") == 3  # every match


def test_markets_past_the_ranking_cap_are_counted_as_more_than_it(client, world, monkeypatch):
    """Markets are counted and ranked up to MARKETS_RANKED matches, as coverage is; the
    company's own markets still come first, and downloads rank every match."""
    monkeypatch.setattr(search_module, "MARKETS_RANKED", 3)
    monkeypatch.setattr(search_module, "MARKETS_SHOWN", 2)
    owner = make_company("Quokka Owner")
    make_market("Owned", operator=owner)
    for number in range(4):
        make_market(f"Quokka Stall {number}")

    results = search("quokka")
    page = get_search(client, "quokka").content.decode()

    assert (results.market_count, results.more_markets) == (3, True)
    assert names(results.markets)[0] == "Owned"
    assert 'Markets <span class="count">(more than 3)</span>' in page
    assert "more than 3 markets" in page
    assert "The first 2 of more than 3 are listed here" in page
    assert "the most relevant of the first 3 found" in page
    assert len(search_module.search_selection("quokka").market_ids) == 5  # downloads: all


def test_market_group_up_to_its_cap_says_nothing_is_left_out(client, world, monkeypatch):
    monkeypatch.setattr(search_module, "MARKETS_SHOWN", 2)

    page = get_search(client, "alibaba").content.decode()

    assert names(search("alibaba").markets) == ["AliExpress", "Taobao"]
    assert "are listed here" not in page


def test_coverage_ties_keep_their_order_on_the_page_and_in_downloads(world, monkeypatch):
    """Equal relevance: newest first, then undated, then by headline; the page shows the
    first of the same order the download gives in full."""
    monkeypatch.setattr(search_module, "RESULTS_PER_GROUP", 3)
    for headline, day in [("Quokka b", 2), ("Quokka a", 2), ("Quokka c", None), ("Quokka d", 9)]:
        make_article(headline, published_on=None if day is None else f"2024-01-0{day}")

    page = names(search("quokka").articles)
    everything = search_module.search_selection("quokka").article_ids

    assert page == ["Quokka d", "Quokka a", "Quokka b"]
    assert [Article.objects.get(pk=pk).headline for pk in everything] == [*page, "Quokka c"]


# --- The stored vectors ------------------------------------------------------------------


def test_rows_written_in_bulk_are_searchable_at_once(world):
    # The vector is a generated column: bulk_create and update() skip save(), and PostgreSQL
    # fills it all the same.
    Article.objects.bulk_create(
        [Article(headline="Bulk imported story", slug="bulk-story", is_published=True)]
    )
    assert search("bulk imported").article_count == 1

    Company.objects.filter(name="Tencent").update(description="Operates a quokkaphone.")
    assert names(search("quokkaphone").companies) == ["Tencent"]


def test_results_per_group_are_capped_but_counted(world, monkeypatch):
    monkeypatch.setattr(search_module, "RESULTS_PER_GROUP", 2)
    for number in range(3):
        make_article(f"Capped story {number}")

    results = search("capped")

    assert len(results.articles) == 2
    assert results.article_count == 3
    assert results.truncated


def test_like_wildcards_in_a_query_are_literal(world):
    # Unescaped in the ILIKE pattern, "a%b" would match any name with an "a" before a
    # "b", such as Alibaba.
    results = search("a%b")

    assert results.company_count == 0
    assert "Alibaba Group" not in names(results.companies)


def test_coverage_past_the_ranking_cap_is_counted_as_more_than_it(client, world, monkeypatch):
    """A common word is counted and ranked up to COVERAGE_RANKED matches; the page says
    "more than" that many rather than a number it did not count."""
    monkeypatch.setattr(search_module, "COVERAGE_RANKED", 3)
    for number in range(5):
        make_article(f"Capped story {number}")

    results = search("capped")
    page = get_search(client, "capped").content.decode()

    assert (results.article_count, results.more_articles) == (3, True)
    assert len(results.articles) == 3
    assert 'Coverage <span class="count">(more than 3)</span>' in page
    assert "more than 3 articles of coverage" in page
    assert len(search_module.search_selection("capped").article_ids) == 5  # downloads: all


def test_coverage_up_to_the_cap_is_counted_exactly(world, monkeypatch):
    monkeypatch.setattr(search_module, "COVERAGE_RANKED", 3)
    for number in range(3):
        make_article(f"Capped story {number}")

    results = search("capped")

    assert (results.article_count, results.more_articles) == (3, False)


def test_only_the_first_markets_carry_a_timeline_strip(client, world, monkeypatch):
    monkeypatch.setattr(search_module, "STRIPS_SHOWN", 1)
    page = get_search(client, "alibaba").content.decode()

    assert page.count('class="strip"') == 1
    assert "The first 1 show their listing timeline" in page


# --- Outlets, and the coverage a name brings ------------------------------------------


@pytest.mark.parametrize("query", ["epoch", "大紀元", "Da Ji"])
def test_outlet_name_or_alias_finds_the_outlet_and_its_coverage(client, world, query):
    outlet = make_outlet("Da Ji Yuan", aliases="大紀元\nThe Epoch Times (Chinese edition)")
    own = make_article("Market raid report", outlet=outlet)
    citing = make_article("Review names platforms")
    citing.cited_outlets.add(outlet)
    make_outlet("Hidden Epoch Draft", is_published=False)

    results = search(query)
    page = get_search(client, query).content.decode()

    assert names(results.outlets) == ["Da Ji Yuan"]
    assert set(names(results.articles)) == {own.headline, citing.headline}
    assert 'id="outlets-heading"' in page and "Da Ji Yuan" in page


def test_company_name_brings_coverage_of_it_its_subsidiaries_and_their_markets(client, world):
    about_taobao = make_article("A story on a marketplace", markets=[world["taobao"]])
    about_company = make_article("A story on a holding", companies=[world["subsidiary"]])
    make_article("A story on another marketplace", markets=[world["pinduoduo"]])

    results = search("alibaba")
    page = get_search(client, "alibaba").content.decode()

    assert set(names(results.articles)) == {
        world["article"].headline,  # about AliExpress, run by Alibaba Group
        about_taobao.headline,  # about Taobao, run by its subsidiary
        about_company.headline,
    }
    assert results.article_count == 3
    assert 'Coverage <span class="count">(3)</span>' in page
    assert len(search_module.search_selection("alibaba").article_ids) == 3


@pytest.mark.parametrize("language", ["en", "fr", "zh-hans"])
def test_dates_are_written_as_djangos_date_format_writes_them_whatever_the_language(language):
    days = [datetime.date(1, 1, 1), datetime.date(999, 12, 31), datetime.date(2024, 2, 29)]
    days += [datetime.date(2021, month, day) for month in range(1, 13) for day in (1, 9, 28)]
    with translation.override(language):
        for day in days:
            assert time_html(day) == (
                f'<time datetime="{date_format(day, "Y-m-d")}">{date_format(day, "j F Y")}</time>'
            )


def test_a_search_runs_without_parallel_workers_or_a_shared_table_scan(db):
    """Which of a common word's matches are ranked must not depend on which parallel
    worker's rows come first, nor on where another scan of the table had got to: the same
    search shows the same results every time."""
    seen = []

    def record_setting(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "set_config" in sql:
            with context["connection"].connection.cursor() as cursor:
                cursor.execute("SHOW max_parallel_workers_per_gather")
                seen.append(cursor.fetchone()[0])
                cursor.execute("SHOW synchronize_seqscans")
                seen.append(cursor.fetchone()[0])
        return result

    make_article("Counterfeit goods seized")
    with connection.execute_wrapper(record_setting):
        assert search("counterfeit").article_count == 1
    assert seen == ["0", "off"]


def test_coverage_is_found_by_each_prefix_spelled_out_too_matching_the_same_articles(db):
    """The query that finds coverage names each word whole as well as as a prefix (for the
    planner's estimate: `prefix_tsquery`); it matches exactly what the prefix alone does."""
    for headline in ("Counterfeit goods", "Counterfeiting rings", "Counting goods", "Goodwill"):
        make_article(headline)
    assert prefix_tsquery("counterfeit go", spelled_out=True) == (
        "('counterfeit' | 'counterfeit':*) & 'go'"
    )

    for query in ("counterfeit", "count", "goods", "counterfeit goods", "good"):
        plain, spelled = (
            set(
                Article.objects.filter(
                    search_vector=SearchQuery(
                        prefix_tsquery(query, spelled_out=spelled_out),
                        config="simple",
                        search_type="raw",
                    )
                ).values_list("headline", flat=True)
            )
            for spelled_out in (False, True)
        )
        assert plain == spelled
        assert {each.headline for each in search(query).articles} == plain
