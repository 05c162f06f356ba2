"""The read-only JSON API: published entries only, slugs as identifiers, filters, schema, docs."""

import datetime
import decimal
import json
import random
import re
import uuid

import pytest
from django.core.management import call_command
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from drf_spectacular.validation import validate_schema
from rest_framework import renderers
from rest_framework.serializers import Serializer

from notorious.api.history_serializers import MarketSerializer, TimelineCellSerializer
from notorious.api.renderers import JSONRenderer
from notorious.press.models import Outlet
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

pytestmark = pytest.mark.django_db


def get_json(client, url, expect=200, **params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    assert response.status_code == expect, response.content[:500]
    return response.json()


def slugs(data, key="slug"):
    return [item[key] for item in data["results"]]


@pytest.fixture
def published_and_drafts():
    """One published and one draft entry of every kind the API serves."""
    report = make_report(2021)
    draft_report = make_report(2022, is_published=False)
    company = make_company("Visible Co")
    make_company("Hidden Co", is_published=False)
    market = make_market("Visible Market", operator=company)
    make_market("Hidden Market", is_published=False)
    outlet = make_outlet("Visible Outlet")
    make_outlet("Hidden Outlet", is_published=False)
    article = make_article("Visible story", outlet=outlet, markets=[market])
    make_article("Hidden story", is_published=False)
    make_figure(slug="visible-figure", source_report=report)
    make_figure(slug="hidden-figure", source_report=report, is_published=False)
    make_listing(market, report)
    make_listing(market, draft_report)
    return {"report": report, "market": market, "article": article}


@pytest.mark.parametrize(
    ("endpoint", "key", "visible", "hidden"),
    [
        ("/api/companies/", "slug", "visible-co", "hidden-co"),
        ("/api/markets/", "slug", "visible-market", "hidden-market"),
        ("/api/outlets/", "slug", "visible-outlet", "hidden-outlet"),
        ("/api/articles/", "slug", "visible-story", "hidden-story"),
        ("/api/figures/", "slug", "visible-figure", "hidden-figure"),
        ("/api/reports/", "year", 2021, 2022),
    ],
)
def test_lists_show_published_entries_only_and_drafts_are_404(
    client, published_and_drafts, endpoint, key, visible, hidden
):
    data = get_json(client, endpoint)
    assert slugs(data, key) == [visible]
    assert get_json(client, f"{endpoint}{visible}/")[key] == visible
    get_json(client, f"{endpoint}{hidden}/", expect=404)


def test_listings_need_the_listing_its_edition_and_its_market_published(client):
    report = make_report(2021)
    shown = make_market("Shown")
    make_listing(shown, report)
    make_listing(make_market("Draft market", is_published=False), report)
    make_listing(make_market("Draft listing"), report, is_published=False)
    make_listing(shown, make_report(2022, is_published=False))

    data = get_json(client, "/api/listings/")
    assert [(item["year"], item["market"]) for item in data["results"]] == [(2021, "shown")]
    detail = get_json(client, "/api/listings/2021/shown/")
    assert detail["market_name"] == "Shown"
    # Its first listing entered; the editions before 2021 are not, so "new" is no fact.
    assert (detail["status"], detail["confirmed"]) == ("new", False)
    assert detail["status_label"] == "First entered"
    assert detail["source_says_first"] is False
    assert detail["page_url"].endswith("/markets/shown/#listing-2021")
    get_json(client, "/api/listings/2022/shown/", expect=404)
    get_json(client, "/api/listings/2021/draft-listing/", expect=404)
    get_json(client, "/api/listings/2021/draft-market/", expect=404)


def test_draft_related_entities_are_never_named(client):
    draft_owner = make_company("Draft Owner", is_published=False)
    company = make_company("Operator", parent=draft_owner)
    make_company("Draft Subsidiary", parent=company, is_published=False)
    market = make_market("Operated", operator=make_company("Secret Operator", is_published=False))
    draft_market = make_market("Unpublished", is_published=False)
    draft_outlet = make_outlet("Draft Outlet", is_published=False)
    article = make_article(
        "Story", outlet=draft_outlet, markets=[market, draft_market], companies=[company]
    )
    article.cited_outlets.set([draft_outlet])

    assert get_json(client, "/api/markets/operated/")["operator"] is None
    company_data = get_json(client, "/api/companies/operator/")
    assert company_data["parent"] is None
    assert company_data["subsidiaries"] == []
    story = get_json(client, "/api/articles/story/")
    assert story["outlet"] is None
    assert story["cited_outlets"] == []
    assert story["markets"] == ["operated"]
    assert story["companies"] == ["operator"]


def test_market_exposes_related_entities_by_slug_and_its_listing_history(client):
    alibaba = make_company("Alibaba Group")
    taobao_co = make_company("Taobao China", parent=alibaba)
    market = make_market(
        "Taobao", slug="taobao", operator=taobao_co, aliases="淘宝\nTaobao.com", country="CN"
    )
    # An edition not naming it, every listing of it entered; no 2020 edition on record.
    make_report(2021, online_all_entered=True, completeness_note="Checked against the PDF.")
    list_market(market, 2018, 2019, 2022)

    data = get_json(client, "/api/markets/taobao/")
    assert data["operator"] == "taobao-china"
    assert data["aliases"] == ["淘宝", "Taobao.com"]
    assert data["country"] == "CN"
    assert data["country_name"] == "China"
    assert data["listed_in"] == [2018, 2019, 2022]
    # 2018 is the first listing entered; editions before it are not, so it is no fact.
    assert (data["first_entered_year"], data["first_listed_confirmed"]) == (2018, False)
    assert "first_year_listed" not in data and "listed_before_first_entry" not in data
    assert data["years_listed"] == 3
    assert data["current_run"] == 1
    assert (data["latest_state"], data["in_latest_edition"]) == ("listed", True)
    assert [
        (cell["year"], cell["state"], cell["status"], cell["confirmed"], cell["label"])
        for cell in data["timeline"]
    ] == [
        (2018, "listed", "new", False, "First entered"),
        (2019, "listed", "continuing", True, "Continuing"),
        (2020, "no_edition", None, None, "No edition on record"),
        (2021, "not_listed", None, None, "Not listed"),
        (2022, "listed", "returning", True, "Returning"),
    ]
    assert data["api_url"] == "http://testserver/api/markets/taobao/"
    assert data["page_url"] == "http://testserver/markets/taobao/"

    company = get_json(client, "/api/companies/alibaba-group/")
    assert company["subsidiaries"] == ["taobao-china"]
    statuses = {
        item["year"]: (item["status"], item["confirmed"])
        for item in get_json(client, "/api/listings/", market="taobao")["results"]
    }
    assert statuses == {
        2018: ("new", False),
        2019: ("continuing", True),
        2022: ("returning", True),
    }


def test_the_timeline_is_what_its_documented_cell_serializer_gives(client):
    # The API builds the cells directly (speed); the schema documents them by the serializer.
    market = make_market("Taobao", slug="taobao")
    make_report(2021, online_all_entered=True)
    make_report(2023)
    list_market(market, 2018, 2019, 2022)

    data = get_json(client, "/api/markets/taobao/")
    history = market.listing_history(Report.objects.edition_record())
    documented = TimelineCellSerializer(history.cells(), many=True).data
    assert data["timeline"] == json.loads(json.dumps(documented))
    assert {cell["state"] for cell in data["timeline"]} == {
        "listed", "not_listed", "not_entered", "no_edition"
    }  # fmt: skip
    assert get_json(client, "/api/markets/")["results"][0]["timeline"] == data["timeline"]


def test_markets_built_in_one_pass_are_what_drf_gives(client, monkeypatch):
    # The API builds a market's fields in one pass (speed); DRF's field-by-field
    # serialization of the same declared fields is the reference, byte for byte.
    make_report(2019, online_all_entered=True)
    make_report(2021)
    draft_owner = make_company("Hidden Owner", is_published=False)
    owner = make_company("Known Owner", country="CN")
    list_market(
        make_market(
            "Shop A",
            operator=owner,
            country="CN",
            city="Shenzhen",
            website="https://a.example/",
            aliases="Shop Alpha\n阿",
            domains="a.example\nb.example",
            description="Sells things.",
        ),
        2018,
        2019,
        2021,
    )
    list_market(make_market("Shop B", operator=draft_owner, category=""), 2021)
    make_market("Shop C", kind="physical", category="physical_marketplace", country="MX")
    make_market("Shop D", slug="shop_d")
    urls = ["/api/markets/", "/api/markets/?page_size=2&page=2", "/api/markets/shop-a/"]
    urls += ["/api/markets/?format=json", "/api/markets/?kind=physical"]

    def responses():
        return [client.get(url, HTTP_ACCEPT="application/json").content for url in urls]

    built = responses()
    monkeypatch.setattr(MarketSerializer, "to_representation", Serializer.to_representation)
    assert built == responses()
    assert b"Hidden Owner" not in built[0] and b"known-owner" in built[0]


def test_a_market_with_no_category_recorded(client):
    make_market("Unsorted", category="")

    data = get_json(client, "/api/markets/unsorted/")
    assert (data["category"], data["category_label"]) == ("", "Category not recorded")


def test_market_and_listing_lists_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    def make_markets(count, start):
        for n in range(start, start + count):
            list_market(make_market(f"Market {n}", operator=make_company(f"Co {n}")), 2020, 2021)

    make_markets(2, 0)
    with django_assert_max_num_queries(12) as few:
        get_json(client, "/api/markets/")
        get_json(client, "/api/listings/")
    make_markets(20, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = get_json(client, "/api/markets/")
        get_json(client, "/api/listings/")
    assert data["count"] == 22


def test_report_completeness_per_section_and_listing_link(client):
    report = make_report(2021, online_count_stated=2, physical_count_stated=1)
    make_listing(make_market("Online one"), report)
    make_listing(make_market("Stall", kind="physical"), report)
    make_listing(make_market("Draft", is_published=False), report)

    data = get_json(client, "/api/reports/2021/")
    assert data["sections"] == {
        # The draft market's listing is not counted: readers cannot see it.
        "online": {"stated": 2, "entered": 1, "all_entered": False, "complete": False},
        "physical": {"stated": 1, "entered": 1, "all_entered": False, "complete": True},
    }
    assert data["complete"] is False
    assert (data["title"], data["display_name"]) == ("", "The 2021 edition")
    assert data["publication"] == "review"
    assert data["publication_label"] == (
        "Review of Notorious Markets for Counterfeiting and Piracy"
    )
    listings = get_json(client, data["listings_url"])
    assert sorted(slugs(listings, "market")) == ["online-one", "stall"]


def test_report_marked_all_entered_with_its_note_and_title(client):
    make_report(
        2013,
        title="2013 Out-of-Cycle Review of Notorious Markets",
        online_count_stated=30,
        online_all_entered=True,
        physical_count_stated=0,
        completeness_note="Two stated markets are one site under two names.",
    )

    data = get_json(client, "/api/reports/2013/")
    assert data["sections"]["online"] == {
        "stated": 30,
        "entered": 0,
        "all_entered": True,
        "complete": True,
    }
    assert data["sections"]["physical"]["complete"] is True  # 0 of 0
    assert data["complete"] is True
    assert data["completeness_note"] == "Two stated markets are one site under two names."
    assert data["display_name"] == data["title"] == "2013 Out-of-Cycle Review of Notorious Markets"
    assert (data["publication"], data["publication_label"]) == (
        "out_of_cycle",
        "Out-of-Cycle Review of Notorious Markets",
    )


def test_company_filter_takes_in_subsidiaries(client):
    group = make_company("Alibaba Group")
    subsidiary = make_company("Taobao China", parent=group)
    grandchild = make_company("Tmall Unit", parent=subsidiary)
    make_market("Taobao", operator=subsidiary)
    make_market("Tmall", operator=grandchild)
    make_market("AliExpress", operator=group)
    make_market("Other", operator=make_company("Unrelated"))
    list_market(make_market("Listed Taobao Twin", operator=subsidiary), 2021)
    article = make_article("About a subsidiary", companies=[grandchild])
    make_article("Unrelated story")

    markets = get_json(client, "/api/markets/", company="alibaba-group")
    assert slugs(markets) == ["aliexpress", "listed-taobao-twin", "taobao", "tmall"]
    assert slugs(get_json(client, "/api/markets/", company="tmall-unit")) == ["tmall"]
    listings = get_json(client, "/api/listings/", company="alibaba-group")
    assert slugs(listings, "market") == ["listed-taobao-twin"]
    articles = get_json(client, "/api/articles/", company="alibaba-group")
    assert slugs(articles) == [article.slug]
    owned = get_json(client, "/api/companies/", parent="alibaba-group")
    assert slugs(owned) == ["taobao-china", "tmall-unit"]


def test_year_and_other_filters(client):
    first, second = make_report(2020), make_report(2021)
    online = make_market("Online", country="CN")
    physical = make_market("Stall", kind="physical", country="MX")
    make_listing(online, first)
    make_listing(online, second)
    make_listing(physical, second)
    make_figure(slug="from-2020", source_report=first, year=2020)
    make_figure(slug="from-2021", source_report=second, year=2021)
    make_article("On the 2020 review", reports=[first])

    assert slugs(get_json(client, "/api/markets/", year="2020")) == ["online"]
    assert slugs(get_json(client, "/api/markets/", year="2021")) == ["online", "stall"]
    assert slugs(get_json(client, "/api/markets/", kind="physical")) == ["stall"]
    assert slugs(get_json(client, "/api/markets/", country="CN")) == ["online"]
    assert slugs(get_json(client, "/api/markets/", q="stal")) == ["stall"]
    listings = get_json(client, "/api/listings/", year="2021", section="physical")
    assert slugs(listings, "market") == ["stall"]
    assert slugs(get_json(client, "/api/figures/", report="2020")) == ["from-2020"]
    assert slugs(get_json(client, "/api/figures/", year="2021")) == ["from-2021"]
    assert slugs(get_json(client, "/api/reports/", since="2021"), "year") == [2021]
    assert slugs(get_json(client, "/api/articles/", report="2020")) == ["on-the-2020-review"]


@pytest.mark.parametrize(
    ("endpoint", "params", "field"),
    [
        ("/api/markets/", {"kind": "spaceship"}, "kind"),
        ("/api/markets/", {"company": "no-such-company"}, "company"),
        ("/api/markets/", {"year": "last year"}, "year"),
        ("/api/markets/", {"year": "1999"}, "year"),
        ("/api/markets/", {"country": "Narnia"}, "country"),
        ("/api/listings/", {"year": "x"}, "year"),
        ("/api/reports/", {"since": "soon"}, "since"),
        ("/api/articles/", {"since": "2022-13-45"}, "since"),
        ("/api/figures/", {"year": "1e9"}, "year"),
        ("/api/companies/", {"parent": "<script>"}, "parent"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_filter(client, endpoint, params, field):
    make_report(2021)
    response = client.get(endpoint, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request"
    assert field in problem["detail"]
    assert problem["errors"][field][0]  # a message a person can read


def test_drafts_cannot_be_used_as_filter_values(client):
    make_company("Hidden", is_published=False)
    data = get_json(client, "/api/markets/", expect=400, company="hidden")
    assert "company" in data["errors"]


def test_pagination(client):
    for n in range(3):
        make_outlet(f"Outlet {n}")
    first = get_json(client, "/api/outlets/", page_size="2")
    assert first["count"] == 3
    assert slugs(first) == ["outlet-0", "outlet-1"]
    assert first["previous"] is None
    second = get_json(client, first["next"])
    assert slugs(second) == ["outlet-2"]
    assert second["next"] is None
    get_json(client, "/api/outlets/", expect=404, page="9")


def test_page_size_is_capped(client):
    Outlet.objects.bulk_create(
        Outlet(name=f"Outlet {n:03}", slug=f"outlet-{n:03}", is_published=True) for n in range(205)
    )
    assert len(get_json(client, "/api/outlets/", page_size="1000")["results"]) == 200
    assert len(get_json(client, "/api/outlets/")["results"]) == 50


def test_api_root_lists_every_endpoint(client):
    data = get_json(client, "/api/")
    assert set(data) == {
        "markets",
        "companies",
        "reports",
        "listings",
        "articles",
        "outlets",
        "figures",
        "corrections",
    }


def test_schema_validates_and_documents_the_filters(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    paths = schema["paths"]
    assert "/api/markets/{slug}/" in paths
    assert "/api/reports/{year}/" in paths
    assert "/api/listings/{year}/{market}/" in paths
    parameters = {p["name"]: p for p in paths["/api/markets/"]["get"]["parameters"]}
    assert {"company", "year", "kind", "page", "page_size"} <= set(parameters)
    assert parameters["year"]["schema"]["type"] == "integer"


def test_spectacular_command_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/listings/{year}/{market}/" in target.read_text()


def test_docs_page_uses_only_the_sites_own_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets)
    for url in assets:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
    assert "/api/schema/" in html
    assert "https://" not in html and "http://" not in html


def test_browsable_api_renders_for_a_browser(client):
    make_company("Alibaba Group")
    response = client.get("/api/markets/", {"company": "alibaba-group"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Alibaba Group" in response.content.decode()  # the filter form's choices


@pytest.mark.browser
def test_docs_page_works_in_a_browser_without_leaving_the_site(live_server, browser):
    make_market("Taobao")
    requested = []
    page = browser.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs/")
    # Generous: the Swagger UI bundle is large and the machine may be busy.
    page.get_by_text("List published markets").first.wait_for(timeout=60000)
    page.get_by_text("/api/listings/{year}/{market}/").first.wait_for(timeout=60000)
    page.close()
    assert requested
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), [
        url for url in requested if not url.startswith(live_server.url)
    ]


def test_market_list_takes_the_pages_status_latest_and_sort_filters(client):
    list_market(make_market("Veteran"), 2019, 2020, 2021)
    list_market(make_market("Newcomer"), 2021)
    list_market(make_market("Dropped"), 2019)

    by_years = get_json(client, "/api/markets/", sort="-years_listed")
    assert slugs(by_years) == ["veteran", "dropped", "newcomer"]
    # New as far as the entered listings show: no edition is complete, so not confirmed.
    assert slugs(get_json(client, "/api/markets/", status="new", year="2021")) == ["newcomer"]
    assert slugs(get_json(client, "/api/markets/", status="new", confirmed="yes")) == []
    assert slugs(get_json(client, "/api/markets/", confirmed="no")) == ["newcomer"]
    assert slugs(get_json(client, "/api/markets/", confirmed="yes")) == ["veteran"]
    # 2021's online section is incomplete: "Dropped" is not entered there, not "not listed".
    assert slugs(get_json(client, "/api/markets/", latest="no")) == []
    assert slugs(get_json(client, "/api/markets/", latest="not_entered")) == ["dropped"]
    Report.objects.filter(year=2021).update(online_count_stated=2)
    assert slugs(get_json(client, "/api/markets/", latest="no")) == ["dropped"]
    assert slugs(get_json(client, "/api/markets/", latest="not_entered")) == []
    get_json(client, "/api/markets/", expect=400, sort="price")
    get_json(client, "/api/markets/", expect=400, confirmed="maybe")


def test_status_filter_help_says_statuses_may_be_unconfirmed(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    parameters = {p["name"]: p for p in schema["paths"]["/api/markets/"]["get"]["parameters"]}
    assert set(parameters["status"]["schema"]["enum"]) == {
        "new",
        "continuing",
        "returning",
        "listed",
    }
    assert "confirmed" in parameters["status"]["description"]
    assert parameters["confirmed"]["schema"]["enum"] == ["no", "yes"]


def random_json_value(rnd, depth=0):
    """A value such as the API's serializers give: nested lists and dictionaries of strings
    (with the characters JSON escapes, U+2028/U+2029, non-ASCII, emoji), whole numbers,
    booleans, nulls, marked-safe and lazy strings, dates and times, decimals and UUIDs."""
    characters = ["a", "é", "\u2028", "\u2029", "\x00", "\x1f", "\n", "\t", '"', "\\", "/"]
    characters += ["\x7f", "😀", "中", "<", "&"]
    kind = rnd.randrange(12 if depth < 3 else 7)
    if kind == 0:
        return None
    if kind == 1:
        return rnd.choice([True, False])
    if kind == 2:
        return rnd.randrange(-(10**15), 10**15)
    if kind == 3:
        return "".join(rnd.choice(characters) for _ in range(rnd.randrange(8)))
    if kind == 4:
        return mark_safe("<b>safe</b>\u2028")
    if kind == 5:
        return datetime.datetime(2020, 1, 2, 3, 4, 5, rnd.randrange(10**6), tzinfo=datetime.UTC)
    if kind == 6:
        return rnd.choice(
            [
                datetime.date(2021, 3, 4),
                decimal.Decimal("12.30"),
                uuid.UUID(int=rnd.getrandbits(128)),
                gettext_lazy("Not listed"),
            ]
        )
    if kind in (7, 8):
        return [random_json_value(rnd, depth + 1) for _ in range(rnd.randrange(4))]
    return {
        "".join(rnd.choice(characters) for _ in range(3)): random_json_value(rnd, depth + 1)
        for _ in range(rnd.randrange(4))
    }


def test_the_api_writes_the_json_drf_would_byte_for_byte():
    """The API's renderer (orjson) writes what DRF's JSONRenderer writes, for 3,000 random
    values with every kind of character and value the serializers give, and falls back to
    DRF's for what orjson refuses (a number beyond 64 bits) and for an indented answer."""
    rnd = random.Random(11)
    for _ in range(3000):
        value = random_json_value(rnd)
        assert JSONRenderer().render(value) == renderers.JSONRenderer().render(value), value
    huge = {"count": 10**30}
    assert JSONRenderer().render(huge) == b'{"count":1000000000000000000000000000000}'
    indented = "application/json; indent=2"
    assert JSONRenderer().render({"a": [1]}, indented) == b'{\n  "a": [\n    1\n  ]\n}'


def test_api_answers_are_written_by_the_sites_renderer(client):
    make_market("Line\u2028Break", country="CN")
    response = client.get("/api/markets/", HTTP_ACCEPT="application/json")
    assert b'"name":"Line\\u2028Break"' in response.content
    assert response.json()["results"][0]["country_name"] == "China"
