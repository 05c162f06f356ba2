"""The grid (`/grid/`): every market against every edition, filtered and sorted as on
`/markets/`, its cells saying what the record shows, and its downloads giving the same."""

import csv
import io
import json
import re

import pytest
from django.test import Client

from tests.factories import list_market, make_company, make_listing, make_market, make_report
from tests.page_helpers import grow, queries_for, text_of


@pytest.fixture
def record(db):
    """Editions 2018 (complete), 2020 (incomplete: 1 of 5 online entered) and 2021
    (complete); no edition for 2019 is on record. A draft market is listed too."""
    complete = {"online_all_entered": True, "physical_all_entered": True}
    r2018 = make_report(2018, **complete)
    r2020 = make_report(2020, online_count_stated=5)
    r2021 = make_report(2021, **complete)
    group = make_company("Group")
    shop = make_market("Shop", operator=group, country="CN")
    for report in (r2018, r2021):
        make_listing(shop, report)
    forum = make_market("Forum", country="MX")
    make_listing(forum, r2020)
    make_listing(forum, r2021)
    make_listing(make_market("Draft", is_published=False), r2021)
    return group


def words(html, market):
    """The words of each cell of `market`'s row, as screen readers hear them."""
    row = re.search(rf">{market}</a></th>(.*?)</tr>", html, re.S).group(1)
    return re.findall(r'<span class="visually-hidden">([^<]*)</span>', row)


def test_each_market_is_a_row_and_each_year_of_the_record_a_column(record):
    response = Client().get("/grid/")
    assert response.status_code == 200
    html = response.content.decode()
    headers = re.findall(r'<th scope="col" class="grid-year">(.*?)</th>', html)
    assert len(headers) == 4  # 2018 to 2021, the year with no edition included
    assert '<a href="/reports/2018/">2018</a>' in headers[0]
    assert headers[1] == '<span title="No edition on record">2019</span>'
    assert words(html, "Shop") == [
        "2018: listed, first entered",
        "2019: no edition on record",
        "2020: not entered",
        "2021: listed, listed",  # 2020 is incomplete: continuing or returning not known
    ]
    assert words(html, "Forum") == [
        "2018: not listed",
        "2019: no edition on record",
        "2020: listed, first entered",
        "2021: listed, continuing",
    ]
    assert "Draft" not in text_of(response)


def test_the_grid_takes_the_markets_filters_and_sorting(record):
    html = Client().get(f"/grid/?company={record.slug}").content.decode()
    assert ">Shop</a>" in html and ">Forum</a>" not in html
    html = Client().get("/grid/?sort=-first_year").content.decode()
    assert html.index(">Forum</a>") < html.index(">Shop</a>")


def test_a_filter_it_cannot_read_gives_a_400_with_a_message(record):
    response = Client().get("/grid/?kind=banana")
    assert response.status_code == 400
    assert "No results" in text_of(response)


def download(url):
    response = Client().get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode().lstrip("\ufeff")


def test_the_downloads_give_the_grid_as_shown(record):
    rows = list(csv.DictReader(io.StringIO(download("/grid/?format=csv&sort=name"))))
    assert [row["market"] for row in rows] == ["Forum", "Shop"]
    shop = rows[1]
    assert (shop["operator"], shop["country"]) == ("Group", "China")
    assert [shop[year] for year in ("2018", "2019", "2020", "2021")] == [
        "First entered",
        "No edition on record",
        "Not entered",
        "Listed",
    ]
    data = json.loads(download(f"/grid/?format=json&company={record.slug}"))
    assert [row["market"] for row in data["results"]] == ["Shop"]
    assert data["results"][0]["2018"] == "First entered"


def test_the_grid_costs_the_same_queries_whatever_the_data(db):
    client = Client()
    grow(2)
    small = queries_for(client, "/grid/")
    grow(18, start=2)
    assert queries_for(client, "/grid/") == small


def test_the_grid_is_linked_from_home_markets_and_company_pages(record):
    list_market(make_market("Other"), 2021)
    assert 'href="/grid/"' in Client().get("/").content.decode()
    assert 'href="/grid/?kind=online"' in Client().get("/markets/?kind=online").content.decode()
    company = Client().get(f"/companies/{record.slug}/").content.decode()
    assert f'href="/grid/?company={record.slug}"' in company


@pytest.mark.browser
def test_the_header_row_and_first_column_stay_in_view(db, live_server, browser):
    from tests.conftest import ARTIFACTS

    grow(30)
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(f"{live_server.url}/grid/")
        region = page.locator(".grid-wrap")
        header = page.locator(".grid thead th.grid-year").first
        name = page.locator(".grid tbody th.grid-market").first
        region.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / f"grid-{width}.png", full_page=False)
        before = (header.bounding_box()["y"], name.bounding_box()["x"])
        region.evaluate("element => element.scrollTo(400, 400)")
        page.wait_for_timeout(100)
        # Scrolled down and across, the years and the markets' names have not moved.
        assert abs(header.bounding_box()["y"] - before[0]) < 2
        assert abs(name.bounding_box()["x"] - before[1]) < 2
        page.screenshot(path=ARTIFACTS / f"grid-{width}-scrolled.png", full_page=False)
        page.close()
