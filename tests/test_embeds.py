"""Embeds: the market and company cards other sites frame, their framing headers, the oEmbed
endpoint (https://oembed.com) and what the pages offer to embed them."""

import datetime
import json
import re
from html import unescape
from urllib.parse import quote

import pytest

from tests.factories import list_market, make_company, make_listing, make_market, make_report
from tests.page_helpers import grow, queries_for, text_of
from tests.test_security_headers import assert_security_headers, csp_directives

pytestmark = pytest.mark.django_db

SITE = "https://notorious.example"  # DJANGO_SITE_URL in the tests (tests/testenv.py)
ALL_ENTERED = {
    "online_all_entered": True,
    "physical_all_entered": True,
    "completeness_note": "Checked against the report.",
}


def oembed(client, url, **params):
    query = "&".join(f"{name}={quote(str(value), safe='')}" for name, value in params.items())
    return client.get(f"/oembed/?url={quote(url, safe='')}&{query}")


@pytest.fixture
def wechat(db):
    """WeChat, in the complete 2019 and 2021 editions and not the complete 2020 one."""
    operator = make_company("Tencent")
    market = make_market("WeChat", operator=operator)
    for year in (2019, 2020, 2021):
        report = make_report(
            year,
            published_on=datetime.date(year + 1, 1, 15),
            source_url=f"https://ustr.example/{year}.pdf",
            **ALL_ENTERED,
        )
        if year != 2020:
            make_listing(market, report)
    return market


# --- the cards ---------------------------------------------------------------------------


def test_a_market_card_says_what_its_page_says(client, wechat):
    card = client.get("/markets/wechat/embed/")
    assert card.status_code == 200
    text = text_of(card)
    assert "WeChat" in text
    assert "Listed in the 2021 review, published 15 January 2022, the latest edition." in text
    page = client.get("/markets/wechat/").content.decode()
    page_statement = re.search(r'<p class="status-statement[^>]*>.*?</p>', page, re.S).group(0)
    assert page_statement in card.content.decode()
    # The strip, year by year, in words for screen readers.
    for said in ("2019: listed, first entered", "2020: not listed", "2021: listed, returning"):
        assert said in text
    assert (
        "Source: USTR's notorious-markets reviews, as entered on Notorious: the status is as of "
        "the 2021 review, published 15 January 2022 (read the report), the latest of the "
        "editions on record (2019–2021); listings entered from the 2019 and 2021 reviews."
    ) in text
    html = card.content.decode()
    assert 'href="https://ustr.example/2021.pdf"' in html
    # Every link leaves the frame for the reader's whole window; the card links back.
    assert '<base target="_top">' in html
    assert '<a href="/markets/wechat/">WeChat</a>' in html
    assert f'<link rel="canonical" href="{SITE}/markets/wechat/">' in html
    # No site navigation or search form in the card.
    assert "<nav" not in html and "<form" not in html


def test_a_card_never_says_more_than_the_record(client, db):
    """In the latest edition's incomplete section, a market without a listing entered may
    still be named: the card says so, as the page does, and never "not listed"."""
    market = make_market("Maybe Market")
    list_market(market, 2020)
    make_report(2021, online_count_stated=10)  # 0 of 10 online listings entered
    text = text_of(client.get("/markets/maybe-market/embed/"))
    assert "Not among the listings entered for the latest edition" in text
    assert "which is incomplete (0 of 10 online markets entered): it may be named in it" in text
    assert "2021: not entered" in text
    assert "2021: not listed" not in text and "Not in the latest edition" not in text


def test_a_company_card_counts_its_markets_as_its_page_does(client, wechat):
    tencent = wechat.operator
    for index in range(6):
        list_market(make_market(f"Tencent market {index}", operator=tencent), 2019)
    card = client.get("/companies/tencent/embed/")
    assert card.status_code == 200
    text = text_of(card)
    page = client.get("/companies/tencent/").content.decode()
    statement = re.search(r'<p class="status-statement">.*?</p>', page, re.S).group(0)
    assert statement in card.content.decode()
    assert "Operates seven markets recorded here" in text
    assert "one is in the latest edition" in text
    # The first five by name, each with its strip; the page has them all.
    assert "WeChat" not in text  # sixth by name
    assert text.count("listing timeline") == 0  # labels are attributes, not text
    assert card.content.decode().count('<ol class="strip"') == 5
    assert "All 7 of Tencent's markets" in text
    assert "the counts are as of the 2021 review" in text


def test_a_draft_has_no_card_even_for_its_editors(client, editor, db):
    make_market("Hidden", is_published=False)
    make_company("Hidden Group", is_published=False)
    urls = ("/markets/hidden/embed/", "/companies/hidden-group/embed/", "/markets/nowhere/embed/")
    for url in urls:
        assert client.get(url).status_code == 404
    # An editor previews the draft's page, but a card is for other sites: none for a draft.
    client.force_login(editor)
    assert client.get("/markets/hidden/").status_code == 200
    for url in urls:
        assert client.get(url).status_code == 404


def test_an_unpublished_edition_is_not_the_cards_source(client, wechat):
    make_report(2022, is_published=False, **ALL_ENTERED)
    text = text_of(client.get("/markets/wechat/embed/"))
    assert "2022 review" not in text and "2019–2022" not in text
    assert "status is as of the 2021 review" in text


# --- framing -----------------------------------------------------------------------------


def test_cards_alone_may_be_framed_by_any_site(client, wechat):
    for url in ("/markets/wechat/embed/", "/companies/tencent/embed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        csp = csp_directives(response)
        assert csp["frame-ancestors"] == ["*"]
        # The rest of the policy is the site's: own scripts and styles only, none inline.
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
        assert csp["default-src"] == ["'self'"] and csp["base-uri"] == ["'none'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "<script" not in response.content.decode()
        assert " style=" not in response.content.decode()


def test_every_other_page_still_refuses_framing(client, wechat):
    for url in (
        "/markets/wechat/",
        "/companies/tencent/",
        "/markets/",
        "/",
        "/oembed/?url=" + quote(f"{SITE}/markets/wechat/"),
        "/markets/nowhere/embed/",  # the 404 page
    ):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert csp_directives(response)["frame-ancestors"] == ["'none'"], url
    assert_security_headers(client.get("/markets/wechat/"))


# --- the pages' "Embed this" and discovery link ------------------------------------------


def test_pages_offer_the_iframe_and_the_oembed_discovery_link(client, wechat):
    for page_url, card_url in (
        ("/markets/wechat/", "/markets/wechat/embed/"),
        ("/companies/tencent/", "/companies/tencent/embed/"),
    ):
        html = client.get(page_url).content.decode()
        link = re.search(r'type="application/json\+oembed" href="([^"]+)"', html)
        assert link, page_url
        discovery = unescape(link.group(1))
        assert discovery.startswith(f"{SITE}/oembed/?")
        response = client.get(discovery.removeprefix(SITE))
        assert response.status_code == 200
        snippet = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', html, re.S)
        assert "Embed this" in text_of(client.get(page_url))
        # The iframe offered to copy is the one oEmbed gives.
        assert unescape(snippet.group(1)) == response.json()["html"]
        assert f'src="{SITE}{card_url}"' in response.json()["html"]


def test_a_draft_preview_offers_no_embed(editor_client, db):
    make_market("Draft Market", is_published=False)
    html = editor_client.get("/markets/draft-market/").content.decode()
    assert "application/json+oembed" not in html
    assert "Embed this" not in html


# --- oEmbed ------------------------------------------------------------------------------


def test_oembed_gives_a_rich_response_by_the_spec(client, wechat):
    response = oembed(client, f"{SITE}/markets/wechat/", format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["type"] == "rich"
    assert data["version"] == "1.0"
    assert data["title"] == "WeChat"
    assert data["provider_name"] == "Notorious"
    assert data["provider_url"] == f"{SITE}/"
    assert isinstance(data["width"], int) and isinstance(data["height"], int)
    assert data["html"] == (
        f'<iframe src="{SITE}/markets/wechat/embed/" width="{data["width"]}" '
        f'height="{data["height"]}" title="WeChat on Notorious" loading="lazy" '
        'style="max-width: 100%; border: 0"></iframe>'
    )
    # The card's address and a company's page work too; format may be left out.
    assert oembed(client, f"{SITE}/markets/wechat/embed/").json()["title"] == "WeChat"
    company = oembed(client, f"{SITE}/companies/tencent").json()
    assert company["title"] == "Tencent"
    assert "/companies/tencent/embed/" in company["html"]


def test_oembed_honours_maxwidth_and_maxheight(client, wechat):
    url = f"{SITE}/markets/wechat/"
    default = oembed(client, url).json()
    assert 300 <= default["width"] <= 600
    narrow = oembed(client, url, maxwidth=320).json()
    assert narrow["width"] == 320
    assert narrow["height"] >= default["height"]  # the lines wrap: taller
    small = oembed(client, url, maxwidth=200, maxheight=150).json()
    assert (small["width"], small["height"]) == (200, 150)
    assert 'width="200" height="150"' in small["html"]
    wide = oembed(client, url, maxwidth=5000, maxheight=5000).json()
    assert (wide["width"], wide["height"]) == (default["width"], default["height"])


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/markets/nowhere/",  # no such market
        f"{SITE}/markets/draft/",  # a draft
        f"{SITE}/markets/",  # a page with no card
        f"{SITE}/reports/2021/",
        f"{SITE}/",
        "https://elsewhere.example/markets/wechat/",  # another site
        "javascript:alert(1)",
        "/markets/wechat/",  # not an address
        "wechat",
    ],
)
def test_oembed_answers_404_for_addresses_without_a_card(client, wechat, url):
    make_market("Draft", is_published=False)
    response = oembed(client, url)
    assert response.status_code == 404
    assert "error" in response.json()


def test_oembed_answers_501_for_xml(client, wechat):
    response = oembed(client, f"{SITE}/markets/wechat/", format="xml")
    assert response.status_code == 501
    assert oembed(client, f"{SITE}/markets/wechat/", format="yaml").status_code == 501


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?url=",
        "?format=json",
        f"?url={SITE}/markets/wechat/&maxwidth=wide",
        f"?url={SITE}/markets/wechat/&maxwidth=0",
        f"?url={SITE}/markets/wechat/&maxheight=-5",
        f"?url={SITE}/markets/wechat/&maxheight=1e400",
        f"?url={SITE}/markets/wechat/&maxwidth=99999999999999999999999",
        "?url=" + "x" * 3000,
        "?url=%00",
        f"?url={SITE}/markets/wechat/%00",
    ],
)
def test_oembed_answers_400_for_input_it_cannot_read(client, wechat, query):
    response = client.get(f"/oembed/{query}")
    assert response.status_code == 400, query
    assert "error" in json.loads(response.content)


def test_oembed_only_answers_reads(client, wechat):
    url = "/oembed/?url=" + quote(f"{SITE}/markets/wechat/")
    assert client.head(url).status_code == 200
    assert client.post(url).status_code in (403, 405)  # refused, by CSRF or by method
    assert client.put(url).status_code == 405


def test_oembed_never_fails_on_odd_addresses(client, wechat):
    for url in (
        f"{SITE}/markets/wechat/embed/embed/",
        f"{SITE}/markets/%ZZ/",
        f"{SITE}:99999/markets/wechat/",
        "https://[::1/markets/",
        f"{SITE}/markets/wechat/?q=1#x",
        f"{SITE}/admin/",
    ):
        assert oembed(client, url).status_code in (200, 404), url


# --- cost --------------------------------------------------------------------------------


def test_cards_and_oembed_cost_the_same_queries_whatever_the_data(client, db):
    anchor = grow(2)
    urls = [
        anchor.get_absolute_url() + "embed/",
        "/companies/scale-group/embed/",
        "/oembed/?url=" + quote(f"{SITE}/markets/anchor/"),
    ]
    small = [queries_for(client, url) for url in urls]
    grow(18, start=2)
    assert [queries_for(client, url) for url in urls] == small
    assert small[0] <= 4 and small[1] <= 6 and small[2] <= 2


def test_the_page_cache_keeps_each_oembed_answer_and_cards_framing_apart(client, settings, wechat):
    """The cache keys oEmbed answers by their address and limits (they are parameters the
    site reads), and keeps a card's framing headers, and only a card's."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    make_market("Taobao")
    for visit in ("miss", "hit"):
        assert oembed(client, f"{SITE}/markets/wechat/").json()["title"] == "WeChat"
        assert oembed(client, f"{SITE}/markets/taobao/").json()["title"] == "Taobao"
        assert oembed(client, f"{SITE}/markets/wechat/", maxwidth=320).json()["width"] == 320
        card, page = client.get("/markets/wechat/embed/"), client.get("/markets/wechat/")
        assert card["X-Page-Cache"] == page["X-Page-Cache"] == visit
        assert "X-Frame-Options" not in card and page["X-Frame-Options"] == "DENY"
        assert csp_directives(card)["frame-ancestors"] == ["*"]
        assert csp_directives(page)["frame-ancestors"] == ["'none'"]
