"""The home page, the timeline, the 404 page, and what every public page shares."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


@pytest.fixture
def site(db):
    """Three editions and markets that are new, continuing, returning and dropped.

    2019 and 2020 are marked all entered; 2021 states 42 online markets, 3 of them entered.
    No edition before 2019 is on record, so the first listings are new only where a source
    says so."""
    all_entered = {"online_all_entered": True, "completeness_note": "Checked."}
    r2019 = make_report(2019, published_on=datetime.date(2020, 1, 30), **all_entered)
    make_report(2020, published_on=datetime.date(2021, 1, 14), **all_entered)
    r2021 = make_report(
        2021,
        published_on=datetime.date(2022, 2, 1),
        published_on_precision="month",
        online_count_stated=42,
        physical_count_stated=35,
    )
    make_report(2022, is_published=False)  # a draft edition never counts as the latest
    alibaba = make_company("Alibaba Group")
    tencent = make_company("Tencent")
    make_listing(make_market("AliExpress", operator=alibaba), r2021, source_says_first=True)
    wechat = make_market("WeChat", operator=tencent)
    taobao = make_market("Taobao", operator=alibaba)
    gone = make_market("Gone Market")
    for market in (wechat, taobao, gone):
        make_listing(market, r2019, source_says_first=True)
    list_market(wechat, 2021)
    list_market(taobao, 2020, 2021)
    list_market(gone, 2020)
    list_market(make_market("Draft Newcomer", is_published=False), 2021)
    outlet = make_outlet("TSF")
    for day in range(1, 8):
        make_article(
            f"Story {day}",
            outlet=outlet,
            published_on=datetime.date(2022, 3, day),
            companies=[alibaba] if day % 2 else [tencent],
        )
    make_article("Unseen draft story", published_on=datetime.date(2022, 4, 1), is_published=False)
    return {"alibaba": alibaba}


# --- home ----------------------------------------------------------------------------


def test_home_shows_the_latest_edition_at_a_glance(client, site):
    response = client.get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "The latest edition: the 2021 review" in text
    assert "Reviews the year 2021" in text
    assert "Published as Review of Notorious Markets for Counterfeiting and Piracy" in text
    assert "Published February 2022" in text
    assert "Online markets 42 3 of 42 entered" in text
    assert "Physical markets 35 0 of 35 entered" in text
    assert "New in the 2021 review (1) AliExpress (Alibaba Group)" in text
    assert "Back on the list (1) WeChat" in text
    # The 2021 review is not all entered: Gone Market is not entered, not dropped.
    assert "Dropped since the 2020 review (0) None known: see below." in text
    assert (
        "Not entered in the 2021 review (1) Named in the 2020 review but not among the "
        "listings entered for 2021 (the 2021 review: 3 of 42 online markets entered): they "
        "may still be listed. Gone Market"
    ) in text
    assert "Draft Newcomer" not in text


def test_home_states_drops_once_the_latest_edition_is_complete(client, site):
    Report.objects.filter(year=2021).update(online_count_stated=3)
    text = text_of(client.get("/"))
    assert "Online markets 3 3 of 3 entered — complete" in text
    assert "Dropped since the 2020 review (1) Gone Market" in text
    assert "Not confirmed" not in text


def test_home_latest_coverage_newest_five(client, site):
    text = text_of(client.get("/"))
    shown = re.findall(r"Story (\d)", text)
    assert shown == ["7", "6", "5", "4", "3"]
    assert "Unseen draft story" not in text


def test_home_search_box_asks_search_with_q(client, site):
    html = client.get("/").content.decode()
    form = re.search(r'<form class="search-form search-form--hero"[^>]*>.*?</form>', html, re.S)
    assert 'action="/search/"' in form.group(0) and 'method="get"' in form.group(0)
    assert re.search(r'<label for="home-search-q">', form.group(0))
    assert 'id="home-search-q" type="search" name="q"' in form.group(0)


def test_home_names_the_first_ten_of_each_long_group_and_links_to_all(client, db):
    complete = {"online_all_entered": True, "physical_all_entered": True}
    r2020, r2021 = make_report(2020, **complete), make_report(2021, **complete)
    for i in range(12):
        make_listing(make_market(f"New {i:02}"), r2021, source_says_first=True)
    for i in range(11):
        make_listing(make_market(f"Old {i:02}"), r2020)
    response = client.get("/")
    text = text_of(response)
    assert (
        "New in the 2021 review (12) "
        + " ".join(f"New {i:02}" for i in range(10))
        + " The first 10 of 12 by name are listed here; all 12, with their reasons."
    ) in text
    assert "New 10" not in text and "New 11" not in text
    assert (
        "Dropped since the 2020 review (11) "
        + " ".join(f"Old {i:02}" for i in range(10))
        + " The first 10 of 11 by name are listed here; all 11, with their reasons."
    ) in text
    html = response.content.decode()
    # Every market of each group stays one link away, with its reasons.
    assert '<a href="/reports/2021/changes/?group=added">all 12, with their reasons</a>' in html
    assert '<a href="/reports/2021/changes/?group=dropped">all 11, with their reasons</a>' in html
    changes = text_of(client.get("/reports/2021/changes/?group=added"))
    assert "New 10" in changes and "New 11" in changes


def test_home_with_nothing_published(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No edition is published yet." in text_of(response)


def test_home_query_count_does_not_grow_with_data(client, db):
    grow(2)
    small = queries_for(client, "/")
    grow(18, start=2)
    assert queries_for(client, "/") == small


def test_home_reads_the_editions_once(client, site):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200

    reading_editions = [q["sql"] for q in captured if 'FROM "reports_report"' in q["sql"]]
    assert len(reading_editions) == 1, reading_editions


# --- timeline ------------------------------------------------------------------------


def events(response):
    return [
        (event.kind, event.date_display, event.market.name if event.market else "")
        for event in response.context["timeline"].events
    ]


def labelled_events(response):
    return [
        (event.kind, event.date_display, event.market.name if event.market else "", event.label)
        for event in response.context["timeline"].events
    ]


def test_timeline_in_date_order(client, site):
    response = client.get("/timeline/events/")
    assert response.status_code == 200
    shown = events(response)
    assert shown[:8] == [
        ("edition", "30 January 2020", ""),
        ("first_listed", "30 January 2020", "Gone Market"),
        ("first_listed", "30 January 2020", "Taobao"),
        ("first_listed", "30 January 2020", "WeChat"),
        ("edition", "14 January 2021", ""),
        ("dropped", "14 January 2021", "WeChat"),
        ("edition", "February 2022", ""),
        ("first_listed", "February 2022", "AliExpress"),
    ]
    assert shown[8:11] == [
        ("returned", "February 2022", "WeChat"),
        ("not_entered", "February 2022", "Gone Market"),
        ("article", "1 March 2022", ""),
    ]
    assert len(shown) == 11 + 6
    text = text_of(response)
    assert "Draft Newcomer" not in text and "Unseen draft story" not in text
    assert "2022 review" not in text


def test_timeline_newest_first(client, site):
    shown = events(client.get("/timeline/events/?order=newest"))
    assert shown[0] == ("article", "7 March 2022", "")
    assert shown[-4:] == [
        ("edition", "30 January 2020", ""),
        ("first_listed", "30 January 2020", "Gone Market"),
        ("first_listed", "30 January 2020", "Taobao"),
        ("first_listed", "30 January 2020", "WeChat"),
    ]


def test_timeline_filtered_by_company_and_market(client, site):
    by_company = events(client.get("/timeline/events/?company=alibaba-group"))
    assert {name for kind, _date, name in by_company if name} == {"AliExpress", "Taobao"}
    assert sum(kind == "article" for kind, *_ in by_company) == 4  # odd days: about Alibaba
    assert sum(kind == "edition" for kind, *_ in by_company) == 3
    by_market = events(client.get("/timeline/events/?market=wechat"))
    assert [(kind, name) for kind, _date, name in by_market if name] == [
        ("first_listed", "WeChat"),
        ("dropped", "WeChat"),
        ("returned", "WeChat"),
    ]
    both = events(client.get("/timeline/events/?company=alibaba-group&market=wechat"))
    assert [kind for kind, *_ in both] == ["edition", "edition", "edition"]


def test_timeline_text_for_each_kind_of_event(client, site):
    text = text_of(client.get("/timeline/events/?market=wechat"))
    assert (
        "Edition published 2019 review published, in the Review of Notorious Markets for "
        "Counterfeiting and Piracy."
    ) in text
    assert "First listed WeChat named for the first time, in the 2019 review." in text
    assert "Dropped WeChat left out of the 2020 review." in text
    assert "Listed again WeChat back on the list in the 2021 review." in text
    gone = text_of(client.get("/timeline/events/?market=gone-market"))
    assert (
        "Not entered (not confirmed) Gone Market, named the year before, is not among the "
        "listings entered for the 2021 review (the 2021 review: 3 of 42 online markets "
        "entered): it may still be listed."
    ) in gone


def test_timeline_undated_editions_and_articles_are_labelled_not_guessed(client, db):
    make_report(2018)
    list_market(make_market("Early"), 2018)
    make_article("No date here")
    response = client.get("/timeline/events/")
    groups = {event.group for event in response.context["timeline"].events}
    assert groups == {"2018 review: publication date not recorded"}
    text = text_of(response)
    assert "2018 review: publication date not recorded Date not recorded Edition published" in text
    assert "Coverage without a recorded date No date here" in text


@pytest.mark.parametrize(
    "query", ["company=nobody", "market=nowhere", "order=sideways", "company=%00"]
)
@pytest.mark.parametrize("path", ["/timeline/", "/timeline/events/"])
def test_timeline_unknown_values_give_a_400_with_a_message(client, site, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "Some of this address was not understood" in text_of(response)


@pytest.mark.parametrize("path", ["/timeline/", "/timeline/events/"])
@pytest.mark.parametrize("query", ["", "?company=scale-group", "?market=anchor&order=newest"])
def test_timeline_query_count_does_not_grow_with_data(client, db, path, query):
    grow(2)
    small = queries_for(client, f"{path}{query}")
    grow(18, start=2)
    assert queries_for(client, f"{path}{query}") == small


def test_timeline_is_paginated(client, site, monkeypatch):
    """The whole timeline was one page (4.2 MB with the synthetic dataset): now a fixed
    number of events a page, the count still the whole timeline's."""
    from notorious.reports import timeline_views as views

    everything = events(client.get("/timeline/events/"))
    monkeypatch.setattr(views, "EVENTS_PER_PAGE", 5)
    make_article("Undated story")
    first = client.get("/timeline/events/")
    assert first.context["paginator"].count == len(everything) == 17
    shown = [
        (e.kind, e.date_display, e.market.name if e.market else "") for e in first.context["events"]
    ]
    assert shown == everything[:5]
    text = text_of(first)
    assert "17 events, 5 a page" in text and "Page 1 of 4" in text
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert "Undated story" not in text  # coverage without a date is on the last page
    last = client.get("/timeline/events/", {"page": "last"})
    assert len(last.context["events"]) == 2
    assert "Story 7" in text_of(last) and "Undated story" in text_of(last)
    newest_last = client.get("/timeline/events/", {"page": "4", "order": "newest"})
    assert text_of(newest_last).count("Story") == 0
    for page in ("0", "5", "abc", "²", "-1"):
        response = client.get("/timeline/events/", {"page": page})
        assert response.status_code == 400, page
        assert "the results fill 4 pages" in text_of(response)


def test_timeline_pages_run_the_same_queries(client, site, monkeypatch):
    from notorious.reports import timeline_views as views

    monkeypatch.setattr(views, "EVENTS_PER_PAGE", 5)
    # Two queries fetch a page's markets' turns (the slice, then their markets), two its
    # articles (the slice's ids and dates, then the articles); the last page adds two for
    # undated coverage. Pages 1 and 2 hold turns and no article, page 3 articles only.
    most = queries_for(client, "/timeline/events/?page=4")
    assert [queries_for(client, f"/timeline/events/?page={n}") for n in (1, 2, 3)] == [
        most - 2,
        most - 2,
        most - 2,
    ]


def test_timeline_events_download_as_csv(client, site):
    import csv
    import io

    response = client.get("/timeline/events/?company=alibaba-group&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    shown = labelled_events(client.get("/timeline/events/?company=alibaba-group"))
    assert [(row["event"], row["market"]) for row in rows] == [
        (label, market) for _kind, _date, market, label in shown
    ]
    assert {row["date"] for row in rows if row["event"] == "Edition published"} >= {"2022-02-01"}
    assert client.get("/timeline/events/?format=xls").status_code == 400
    assert client.get("/timeline/events/?format=csv&page=9").status_code == 400


# --- timeline: one row per edition -----------------------------------------------------


def rows(response):
    return {
        row.year: (row.new, row.returning, row.dropped, row.unconfirmed, row.coverage)
        for row in response.context["edition_rows"]
    }


def test_timeline_is_one_row_per_edition_with_its_counts(client, site):
    make_article("February story", published_on=datetime.date(2022, 2, 20))
    make_article("Draft February", published_on=datetime.date(2022, 2, 21), is_published=False)
    response = client.get("/timeline/")
    assert response.status_code == 200
    # (new, returning, dropped, (first entered, entered again, not entered), coverage)
    assert rows(response) == {
        2019: (3, 0, 0, (0, 0, 0), 0),
        2020: (0, 0, 1, (0, 0, 0), 0),
        2021: (1, 1, 0, (0, 0, 1), 1),
    }
    text = text_of(response)
    assert "2021 review · February 2022 · 3 listings entered" in text
    # 2021 is incomplete: its counts are of what is entered, and Gone Market's absence is
    # not a drop.
    assert "1 new, 1 returning, 0 dropped among the listings entered (incomplete)" in text
    assert "1 not entered (may still be listed)" in text
    assert "1 article published in February 2022" in text
    page = response.content.decode()
    assert page.count("<details>") == 3
    assert 'href="/reports/2021/changes/"' in page
    assert 'href="/timeline/events/"' in page  # every event stays reachable


def test_timeline_rows_filtered_newest_first_and_gaps(client, site):
    response = client.get("/timeline/?company=alibaba-group&order=newest")
    assert [row.year for row in response.context["edition_rows"]] == [2021, 2020, 2019]
    # Alibaba's markets: AliExpress first listed in 2021, Taobao in 2019.
    assert rows(response)[2021][:3] == (1, 0, 0)
    assert rows(response)[2019][:3] == (1, 0, 0)
    Report.objects.filter(year=2020).delete()
    text = text_of(client.get("/timeline/"))
    assert "2020 review: no edition on record, so what it listed is not known." in text


def test_timeline_row_escapes_what_editors_entered(client, db):
    make_report(2019, title="Review <b>2019</b> & annex", published_on=datetime.date(2020, 1, 9))
    response = client.get("/timeline/")
    assert "The 2019 review: Review <b>2019</b> & annex. Published: 9 January 2020." in text_of(
        response
    )
    assert "Review &lt;b&gt;2019&lt;/b&gt; &amp; annex" in response.content.decode()


def test_timeline_row_of_an_undated_edition_states_no_date(client, db):
    make_report(2019, published_on=None)
    text = text_of(client.get("/timeline/"))
    assert "2019 review · date not recorded" in text
    assert "articles that month" not in text and "published in" not in text


# --- every page ----------------------------------------------------------------------


@pytest.fixture
def every_page(site):
    figure = make_figure("75", "%", source_report=Report.objects.get(year=2021))
    return [
        "/",
        "/markets/",
        "/markets/aliexpress/",
        "/companies/",
        "/companies/alibaba-group/",
        "/reports/",
        "/reports/2021/",
        "/coverage/",
        "/coverage/story-1/",
        "/coverage/outlets/",
        "/coverage/outlets/tsf/",
        "/timeline/",
        "/timeline/events/",
        f"/figures/{figure.slug}/",
    ]


def test_every_page_has_its_canonical_url_description_and_no_script(client, every_page):
    descriptions = set()
    for url in every_page:
        response = client.get(url + ("&" if "?" in url else "?") + "utm_source=x")
        assert response.status_code == 200, url
        assert canonical(response) == f"https://notorious.example{url}", url
        description = meta_description(response)
        assert description and len(description) > 40, url
        descriptions.add(description)
        html = response.content.decode()
        # Works without JavaScript. The only script is the name boxes' autocomplete, a
        # static file loaded only where a form has one; never inline (the CSP forbids it).
        # JSON-LD is data, not script: it must parse as JSON.
        for tag, script in re.findall(r"(<script\b[^>]*>)(.*?)</script>", html, re.S):
            if tag == '<script type="application/ld+json">':
                assert json.loads(script)["@context"] == "https://schema.org", url
            else:
                assert not script.strip(), url
        assert set(re.findall(r"<script\b[^>]*>", html)) <= {
            '<script src="/static/js/lookup.js" defer>',
            '<script type="application/ld+json">',
        }, url
        assert ' style="' not in html, url
    assert len(descriptions) == len(every_page)


def test_every_form_control_has_a_label(client, every_page):
    for url in every_page:
        html = client.get(url).content.decode()
        for control_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html):
            assert f'<label for="{control_id}"' in html, (url, control_id)
        assert not re.search(r"<(?:input|select)(?![^>]*\bid=)[^>]*>", html), url


def test_nav_marks_the_current_section(client, every_page):
    html = client.get("/markets/aliexpress/").content.decode()
    assert '<a href="/markets/" aria-current="true">Markets</a>' in html
    assert 'aria-current="page">Coverage' in client.get("/coverage/").content.decode()


def test_404_page_is_useful(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = text_of(response)
    assert "There is nothing at this address" in text
    assert "may not be published yet" in text
    html = response.content.decode()
    assert '<label for="notfound-search-q">' in html and 'action="/search/"' in html
    assert 'href="/markets/"' in html


def test_draft_pages_are_404s_for_readers_and_previews_for_staff(editor_client, site):
    make_market("Secret Market", is_published=False)
    make_company("Secret Company", is_published=False)
    reader = Client()
    for url in ("/markets/secret-market/", "/companies/secret-company/", "/reports/2022/"):
        assert reader.get(url).status_code == 404, url
        assert editor_client.get(url).status_code == 200, url
