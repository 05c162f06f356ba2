"""Downloads of search results: /search/?q=…&format=json (every group) or
&format=csv|json&group=companies|markets|coverage (one group), every match, not the first 50."""

import csv
import io
import json

import pytest

from notorious.search import MARKETS_SHOWN
from tests.factories import list_market, make_article, make_company, make_market, make_outlet

pytestmark = pytest.mark.django_db


def get(client, expect=200, **params):
    response = client.get("/search/", params)
    assert response.status_code == expect, response.content[:500]
    return response


def body(response):
    """A download's bytes: every download streams."""
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response):
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


@pytest.fixture
def alibaba():
    group = make_company("Alibaba Group", aliases="阿里巴巴集团")
    subsidiary = make_company("Taobao China", parent=group)
    list_market(make_market("Taobao", operator=subsidiary, aliases="淘宝"), 2020, 2021)
    list_market(make_market("AliExpress", operator=group), 2021)
    make_market("Unrelated Bazaar")
    make_market("Draft Alibaba Shop", operator=group, is_published=False)
    make_article("Alibaba sued over fakes", outlet=make_outlet("Wire"), companies=[group])
    make_article("Alibaba draft story", is_published=False)
    make_company("Alibaba Draft Holdings", is_published=False)
    return group


def test_json_download_holds_every_group_as_the_api_shows_it(client, alibaba):
    response = get(client, q="alibaba", format="json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="notorious-search-alibaba.json"'
    data = json.loads(body(response))
    assert data["query"] == "alibaba"
    page = get(client, q="alibaba").context["results"]
    for group, shown, count in (
        ("companies", page.companies, page.company_count),
        ("markets", page.markets, page.market_count),
        ("coverage", page.articles, page.article_count),
    ):
        assert data[group]["count"] == count == len(data[group]["results"])
        # The page's order, and nothing unpublished.
        assert [entry["slug"] for entry in data[group]["results"]] == [e.slug for e in shown]
    assert [m["slug"] for m in data["markets"]["results"]] == ["aliexpress", "taobao"]
    assert [c["slug"] for c in data["companies"]["results"]] == ["alibaba-group"]
    assert [a["headline"] for a in data["coverage"]["results"]] == ["Alibaba sued over fakes"]
    # Each entry exactly as the API gives it.
    from_api = client.get("/api/markets/taobao/").json()
    assert data["markets"]["results"][1] == from_api


def test_csv_download_of_one_group(client, alibaba):
    response = get(client, q="alibaba", format="csv", group="markets")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="notorious-search-alibaba-markets.csv"'
    )
    rows = csv_rows(response)
    assert [row["slug"] for row in rows] == ["aliexpress", "taobao"]
    assert rows[1]["aliases"] == "淘宝"
    assert rows[1]["listed_in"] == "2020; 2021"
    # What the markets download says: the first year entered, not known to be the first.
    assert (rows[1]["first_entered_year"], rows[1]["first_listed_confirmed"]) == ("2020", "false")
    assert rows[1]["timeline"] == "2020: First entered; 2021: Continuing"
    companies = csv_rows(get(client, q="alibaba", format="csv", group="companies"))
    assert [row["slug"] for row in companies] == ["alibaba-group"]
    coverage = json.loads(body(get(client, q="alibaba", format="json", group="coverage")))
    assert coverage["count"] == 1
    assert coverage["results"][0]["headline"] == "Alibaba sued over fakes"
    # A query in another script: the file name keeps to ASCII.
    response = get(client, q="淘宝", format="csv", group="markets")
    assert response["Content-Disposition"] == (
        'attachment; filename="notorious-search-markets.csv"'
    )
    assert [row["slug"] for row in csv_rows(response)] == ["taobao"]


def test_download_holds_every_match_not_only_the_first_page(client):
    for n in range(MARKETS_SHOWN + 7):
        make_market(f"Replica market {n:02}")
    page = get(client, q="replica").context["results"]
    assert len(page.markets) == MARKETS_SHOWN
    assert page.market_count == MARKETS_SHOWN + 7
    rows = csv_rows(get(client, q="replica", format="csv", group="markets"))
    assert len(rows) == MARKETS_SHOWN + 7
    assert [row["slug"] for row in rows[:MARKETS_SHOWN]] == [m.slug for m in page.markets]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "alibaba", "format": "csv"}, "A CSV file holds one kind of entry"),
        ({"q": "alibaba", "format": "json", "group": "banana"}, "Unknown group “banana”"),
        ({"q": "alibaba", "format": "xlsx", "group": "markets"}, "Unknown format “xlsx”"),
        ({"q": "", "format": "json"}, "Nothing was searched for"),
        ({"format": "json"}, "Nothing was searched for"),
        ({"q": "!!!", "format": "json"}, "no letters or digits"),
        ({"q": "a" * 10_000, "format": "json"}, "searches are limited to 200 characters"),
        ({"q": "\x00", "format": "csv", "group": "markets"}, "no letters or digits"),
    ],
)
def test_bad_downloads_give_a_400_with_a_message(client, alibaba, params, message):
    response = get(client, expect=400, **params)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_results_page_links_to_its_downloads(client, alibaba):
    html = get(client, q="alibaba").content.decode()
    assert 'href="?q=alibaba&amp;format=json"' in html
    for group in ("companies", "markets", "coverage"):
        assert f'href="?q=alibaba&amp;format=csv&amp;group={group}"' in html
        assert f'href="?q=alibaba&amp;format=json&amp;group={group}"' in html
    # No results, no download links.
    html = get(client, q="nothingmatchesthis").content.decode()
    assert "format=" not in html


def test_search_downloads_are_capped_and_paged(client, settings):
    settings.DOWNLOAD_MAX_ROWS = 2
    for n in range(5):
        make_market(f"Replica market {n}")
    data = json.loads(body(get(client, q="replica", format="json")))
    markets = data["markets"]
    assert (markets["count"], markets["pages"], len(markets["results"])) == (5, 3, 2)
    # The three-group file's next page is the group's own download.
    assert markets["next"] == (
        "https://notorious.example/search/?q=replica&format=json&group=markets&page=2"
    )
    assert data["companies"]["count"] == 0 and data["companies"]["next"] is None

    response = get(client, q="replica", format="csv", group="markets", page="3")
    assert response["Content-Disposition"] == (
        'attachment; filename="notorious-search-replica-markets-page-3-of-3.csv"'
    )
    assert response["X-Total-Count"] == "5"
    assert len(csv_rows(response)) == 1
    for page in ("4", "0", "²"):
        get(client, expect=400, q="replica", format="csv", group="markets", page=page)
    response = get(client, expect=400, q="replica", format="json", page="2")
    assert "add group=companies" in response.content.decode()
