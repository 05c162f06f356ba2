"""CSV and JSON downloads on the list pages: exactly what the page's filters select."""

import csv
import io
import json

import pytest

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


def download(client, url, expect=200, **params):
    response = client.get(url, params)
    assert response.status_code == expect, response.content[:500]
    return response


def body(response):
    """A download's bytes: every download streams."""
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response):
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # so spreadsheets read the CJK names right
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def json_slugs(response, key="slug"):
    data = json.loads(body(response))
    assert data["count"] == len(data["results"])
    return [item[key] for item in data["results"]]


@pytest.fixture
def alibaba_family():
    group = make_company("Alibaba Group", aliases="阿里巴巴集团")
    subsidiary = make_company("Taobao China", parent=group)
    list_market(make_market("Taobao", operator=subsidiary, aliases="淘宝\n淘寶"), 2020, 2021)
    list_market(make_market("AliExpress", operator=group), 2021)
    list_market(make_market("Unrelated", operator=make_company("Other Co")), 2020)
    make_market("Draft Taobao", operator=subsidiary, is_published=False)
    return group


def test_market_download_holds_what_the_filters_select_as_csv_and_json(client, alibaba_family):
    response = download(client, "/markets/", company="alibaba-group", format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="notorious-markets.csv"'
    rows = csv_rows(response)
    assert [row["slug"] for row in rows] == ["aliexpress", "taobao"]
    taobao = rows[1]
    assert taobao["aliases"] == "淘宝; 淘寶"
    assert taobao["operator"] == "taobao-china"
    assert (taobao["listed_in"], taobao["in_latest_edition"]) == ("2020; 2021", "true")
    # No edition is complete: 2020 is the first listing entered, not known to be the first.
    assert (taobao["first_entered_year"], taobao["first_listed_confirmed"]) == ("2020", "false")
    assert taobao["timeline"] == "2020: First entered; 2021: Continuing"
    # AliExpress is not entered in 2020, whose online section is incomplete: no "Not listed".
    assert rows[0]["timeline"] == "2020: Not entered; 2021: First entered"
    assert "first_year_listed" not in taobao and "listed_before_first_entry" not in taobao

    response = download(client, "/markets/", company="alibaba-group", format="json")
    assert response["Content-Type"] == "application/json"
    from_page = json.loads(body(response))["results"]
    from_api = client.get("/api/markets/", {"company": "alibaba-group"}).json()["results"]
    assert from_page == from_api


def test_download_has_every_page_in_the_pages_order(client):
    for n in range(55):
        make_market(f"Market {n:02}")
    list_market(make_market("Zz Veteran"), 2019, 2020, 2021)
    page = client.get("/markets/", {"sort": "-years_listed"})
    assert len(page.context["object_list"]) == 50
    slugs = json_slugs(download(client, "/markets/", sort="-years_listed", format="json"))
    assert len(slugs) == 56
    assert slugs[0] == "zz-veteran"
    assert slugs[1:] == sorted(slugs[1:])
    # The HTML list's page number is not a download's: all 56 fit in the first file.
    assert len(json_slugs(download(client, "/markets/", page="1", format="json"))) == 56


def test_bad_filters_or_format_give_a_400_with_the_pages_message(client):
    response = download(client, "/markets/", expect=400, kind="banana", format="csv")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "banana" in response.content.decode()
    response = download(client, "/markets/", expect=400, format="xlsx")
    assert "Unknown format “xlsx”: use csv or json." in response.content.decode()


def test_company_coverage_and_outlet_downloads(client, alibaba_family):
    tsf = make_outlet("TSF", country="TW")
    make_outlet("Draft Outlet", is_published=False)
    story = make_article("About Taobao", outlet=tsf, companies=[alibaba_family])
    make_article("Other story")
    make_article("Draft story", is_published=False, companies=[alibaba_family])

    companies = csv_rows(download(client, "/companies/", parent="alibaba-group", format="csv"))
    assert [row["slug"] for row in companies] == ["taobao-china"]
    assert companies[0]["parent"] == "alibaba-group"
    coverage = download(client, "/coverage/", company="alibaba-group", format="json")
    assert json_slugs(coverage) == [story.slug]
    everything = json_slugs(download(client, "/coverage/", format="json"))
    assert sorted(everything) == sorted([story.slug, "other-story"])
    outlets = csv_rows(download(client, "/coverage/outlets/", format="csv"))
    assert [(row["slug"], row["country"]) for row in outlets] == [("tsf", "TW")]


def test_reports_and_a_reports_listings(client):
    first = make_report(2020)
    second = make_report(2021, online_count_stated=3)
    make_report(2022, is_published=False)
    make_listing(make_market("Shop"), second, reasons="Counterfeits, widely.")
    make_listing(make_market("Stall", kind="physical"), second)
    make_listing(make_market("Hidden", is_published=False), second)
    make_listing(make_market("Older"), first)

    reports = csv_rows(download(client, "/reports/", format="csv"))
    assert [row["year"] for row in reports] == ["2021", "2020"]
    # Each section's completeness, in dotted columns.
    latest = reports[0]
    assert [latest[f"sections.online.{key}"] for key in ("stated", "entered", "complete")] == [
        "3",
        "1",
        "false",
    ]
    assert (latest["sections.physical.stated"], latest["sections.physical.entered"]) == ("", "1")
    assert (latest["complete"], latest["display_name"], latest["title"]) == (
        "false",
        "The 2021 edition",
        "",
    )
    json_reports = json.loads(body(download(client, "/reports/", format="json")))["results"]
    assert json_reports == client.get("/api/reports/").json()["results"]

    response = download(client, "/reports/2021/", format="csv")
    assert response["Content-Disposition"] == ('attachment; filename="notorious-2021-listings.csv"')
    listings = csv_rows(response)
    assert [(row["market"], row["section"]) for row in listings] == [
        ("shop", "online"),
        ("stall", "physical"),
    ]
    assert listings[0]["reasons"] == "Counterfeits, widely."
    # Nothing before 2021 is complete: each is the first listing entered, not known as new.
    assert [(row["status"], row["confirmed"], row["status_label"]) for row in listings] == [
        ("new", "false", "First entered"),
        ("new", "false", "First entered"),
    ]
    download(client, "/reports/2022/", expect=404, format="json")


def test_list_pages_link_to_their_downloads_with_the_current_filters(client, alibaba_family):
    html = client.get("/markets/", {"company": "alibaba-group", "page": "1"}).content.decode()
    assert 'href="?company=alibaba-group&amp;format=csv"' in html
    assert 'href="?company=alibaba-group&amp;format=json"' in html
    for url in ("/companies/", "/coverage/", "/coverage/outlets/", "/reports/", "/reports/2021/"):
        assert 'format=csv"' in client.get(url).content.decode(), url


def test_cells_a_spreadsheet_would_run_as_formulas_are_escaped_in_csv_not_json(client):
    """A name or alias planted as a formula reaches spreadsheet users as text: prefixed
    with a quote (OWASP's advice), as is a cell already starting with a quote and one."""
    link = '=HYPERLINK("https://evil.example","Taobao")'
    make_market(link, slug="planted", aliases="@SUM(1+1)\n淘宝")
    make_market("-2+3+cmd|' /C calc'!A0", slug="minus")
    make_market("'=already quoted", slug="quoted")
    make_market("Plain 'quote' + sum = fine", slug="plain")

    rows = {row["slug"]: row for row in csv_rows(download(client, "/markets/", format="csv"))}
    assert (rows["planted"]["name"], rows["planted"]["aliases"]) == (
        f"'{link}",
        "'@SUM(1+1); 淘宝",
    )
    assert rows["minus"]["name"] == "'-2+3+cmd|' /C calc'!A0"
    assert rows["quoted"]["name"] == "''=already quoted"
    assert rows["plain"]["name"] == "Plain 'quote' + sum = fine"
    # JSON is not for spreadsheets: it keeps the names as they are.
    results = json.loads(body(download(client, "/markets/", format="json")))["results"]
    assert {item["slug"]: item["name"] for item in results}["planted"] == link


@pytest.fixture
def five_markets(settings):
    """Five markets, and downloads capped at two rows a file: three pages."""
    settings.DOWNLOAD_MAX_ROWS = 2
    return [make_market(f"Market {n}").slug for n in range(1, 6)]


def test_a_download_over_the_cap_is_cut_into_pages_that_say_so(client, five_markets):
    first = download(client, "/markets/", format="json")
    data = json.loads(body(first))
    assert [item["slug"] for item in data["results"]] == five_markets[:2]
    assert (data["count"], data["page"], data["pages"], data["cap"]) == (5, 1, 3, 2)
    assert data["next"] == "https://notorious.example/markets/?format=json&page=2"
    assert data["previous"] is None
    assert "Page 1 of 3: rows 1 to 2 of 5" in data["note"]
    assert "export_dataset" in data["note"]
    assert first["Content-Disposition"] == (
        'attachment; filename="notorious-markets-page-1-of-3.json"'
    )

    # A CSV holds only rows, so its name and headers say which part it is.
    second = download(client, "/markets/", format="csv", page="2")
    assert [row["slug"] for row in csv_rows(second)] == five_markets[2:4]
    assert second["Content-Disposition"] == (
        'attachment; filename="notorious-markets-page-2-of-3.csv"'
    )
    assert second["X-Total-Count"] == "5"
    assert second["X-Download-Page"] == "2 of 3"
    links = second["Link"]
    assert '<https://notorious.example/markets/?format=csv&page=3>; rel="next"' in links
    assert '<https://notorious.example/markets/?format=csv&page=1>; rel="prev"' in links

    last = json.loads(body(download(client, "/markets/", format="json", page="last")))
    assert [item["slug"] for item in last["results"]] == five_markets[4:]
    assert (last["page"], last["next"]) == (3, None)


def test_a_download_within_the_cap_is_one_whole_file(client, five_markets, settings):
    settings.DOWNLOAD_MAX_ROWS = 5
    response = download(client, "/markets/", format="csv")
    assert response["Content-Disposition"] == 'attachment; filename="notorious-markets.csv"'
    assert "Link" not in response
    assert len(csv_rows(response)) == 5


@pytest.mark.parametrize("page", ["0", "4", "abc", "²", "-1", "1.5", ""])
def test_a_page_the_download_does_not_have_is_a_400(client, five_markets, page):
    response = download(client, "/markets/", expect=400, format="csv", page=page)
    assert "it has 3 pages of up to 2 rows" in response.content.decode()


def test_downloads_stream_with_a_fixed_number_of_queries(client, settings, monkeypatch):
    """Rows are fetched a chunk at a time, so the queries grow with the chunks (bounded by
    the cap), never with the rows of the dataset."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notorious.api import downloads

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            rows = csv_rows(download(client, url, format="csv"))
        return len(rows), len(captured)

    monkeypatch.setattr(downloads, "CHUNK_ROWS", 1000)
    for n in range(3):
        list_market(make_market(f"Shop {n}"), 2021)
    few = queries("/markets/")
    for n in range(3, 30):
        list_market(make_market(f"Shop {n}"), 2020, 2021)
    assert queries("/markets/") == (30, few[1])
    # With a cap, a bigger dataset still costs the same.
    settings.DOWNLOAD_MAX_ROWS = 3
    assert queries("/markets/") == (3, few[1])
