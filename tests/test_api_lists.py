"""The API's long lists (editions, listings, coverage): counted and ordered on their ids, the
page's rows then read whole; pages keep the list's order and the query count stays fixed."""

import pytest

from tests.factories import list_market, make_article, make_market, make_outlet, make_report

pytestmark = pytest.mark.django_db


def get_json(client, url, **params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def every_page(client, url, **params):
    """Every result of a list, page after page through the `next` links, and its count."""
    page = get_json(client, url, **params)
    count, results = page["count"], list(page["results"])
    while page["next"]:
        page = get_json(client, page["next"])
        results += page["results"]
    return count, results


def test_listing_pages_follow_the_lists_order(client):
    for name in ["Bazaar", "Arcade", "Cloud"]:
        list_market(make_market(name), 2020, 2021)

    count, results = every_page(client, "/api/listings/", page_size="2")

    assert count == 6
    assert [(r["year"], r["market_name"]) for r in results] == [
        (2021, "Arcade"),
        (2021, "Bazaar"),
        (2021, "Cloud"),
        (2020, "Arcade"),
        (2020, "Bazaar"),
        (2020, "Cloud"),
    ]
    # Each page is read whole: the status rests on the market's whole history.
    assert {r["status"] for r in results if r["year"] == 2021} == {"continuing"}
    last = get_json(client, "/api/listings/", page_size="4", page="last")
    assert [(r["year"], r["market_name"]) for r in last["results"]] == [
        (2020, "Bazaar"),
        (2020, "Cloud"),
    ]


def test_coverage_pages_are_newest_first_undated_last(client):
    outlet = make_outlet("Daily")
    for headline, day in [("Older", "2024-01-01"), ("Undated", None), ("Newer", "2024-02-01")]:
        make_article(headline, outlet=outlet, published_on=day)
    make_article("Draft", published_on="2024-03-01", is_published=False)

    count, results = every_page(client, "/api/articles/", page_size="2")

    assert count == 3
    assert [r["headline"] for r in results] == ["Newer", "Older", "Undated"]
    assert {r["outlet"] for r in results} == {"daily"}


def test_edition_list_counts_editions_and_their_entered_listings(client):
    make_report(2022, is_published=False)
    for year in (2019, 2020, 2021):
        make_report(year, online_count_stated=2)
    list_market(make_market("Arcade"), 2020, 2021)
    list_market(make_market("Bazaar"), 2021)

    count, results = every_page(client, "/api/reports/", page_size="2")

    assert count == 3
    assert [(r["year"], r["sections"]["online"]["entered"]) for r in results] == [
        (2021, 2),
        (2020, 1),
        (2019, 0),
    ]
    assert [r["sections"]["online"]["complete"] for r in results] == [True, False, False]


@pytest.mark.parametrize("url", ["/api/reports/", "/api/listings/", "/api/articles/"])
def test_long_lists_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, url):
    def add(start, count):
        for n in range(start, start + count):
            make_report(2000 + n)
            market = make_market(f"Market {n}")
            list_market(market, 2000 + n)
            make_article(f"Story {n}", outlet=make_outlet(f"Outlet {n}"), markets=[market])

    add(0, 2)
    with django_assert_max_num_queries(12) as few:
        get_json(client, url)
    add(2, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert get_json(client, url)["count"] == 22


@pytest.mark.parametrize("page_size", range(1, 8))
def test_pages_past_the_middle_read_from_the_end_hold_the_same_rows(client, page_size):
    """Pages past the middle are read in the reverse order and put back: every page size
    gives the same list, dates descending with undated last, ties by headline."""
    days = [("E", None), ("B", "2024-01-02"), ("A", "2024-01-02"), ("D", None), ("C", "2024-01-01")]
    days += [("G", "2024-03-01"), ("F", "2024-01-01")]
    for headline, day in days:
        make_article(f"Story {headline}", published_on=day)

    count, results = every_page(client, "/api/articles/", page_size=str(page_size))

    assert count == 7
    assert [r["headline"][-1] for r in results] == list("GABCFDE")
    last = get_json(client, "/api/articles/", page_size=str(page_size), page="last")
    assert last["results"] == results[-(7 % page_size or page_size) :]
