"""The timeline's events are the editions' events merged with the markets' turns and the
dated coverage, both read from SQL a slice at a time (reports.timeline.EventSequence and
reports.timeline_turns): any slice is the slice of the whole list built by the rule market
by market (`compute_history`, `market_events`) and sorted in memory, oldest or newest
first."""

import datetime

import pytest

from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Report
from notorious.reports.timeline import (
    UNCONFIRMED,
    article_event,
    build_timeline,
    edition_events,
    gap_event,
    market_events,
)
from tests.factories import list_market, make_article, make_market, make_report
from tests.test_change_sets import tangled  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated():
    make_report(2019, published_on=datetime.date(2020, 2, 1))
    make_report(2020)  # no date: placed at 1 January 2021
    make_report(2021, published_on=datetime.date(2022, 2, 1))
    list_market(make_market("Alpha"), 2019, 2021)
    list_market(make_market("Beta"), 2020)
    days = [(2020, 1, 5), (2020, 2, 1), (2020, 2, 1), (2021, 1, 1), (2022, 2, 1), (2023, 3, 3)]
    for number, day in enumerate(days):
        make_article(f"Story {number}", published_on=datetime.date(*day))
    make_article("Undated", published_on=None)


def whole(newest_first, markets=None, articles=None):
    """Every event, each market's turns by the rule market by market, sorted in memory: the
    timeline as it was built before it was paged."""
    record = Report.objects.edition_record()
    by_year = {report.year: report for report in record.editions}
    events = [edition_events(report) for report in record.editions]
    events += [gap_event(year) for year in record.span if not record.has_edition(year)]
    markets = Market.objects.published() if markets is None else markets
    for market in markets.with_listings():
        events += market_events(market.listing_history(record), market, by_year)
    articles = Article.objects.published() if articles is None else articles
    dated = articles.exclude(published_on=None).values_list("pk", "published_on")
    events += [article_event(pk, day) for pk, day in dated]
    if newest_first:
        return sorted(events, key=lambda event: (-event.date.toordinal(), *event.sort_key[1:]))
    return sorted(events, key=lambda event: event.sort_key)


@pytest.mark.parametrize("newest_first", [False, True])
def test_every_slice_is_the_slice_of_the_whole(dated, newest_first):
    expected = whole(newest_first)
    events = build_timeline(newest_first=newest_first).events
    assert len(events) == len(expected) == 6 + 3 + 5
    assert list(events) == expected
    for start in range(len(expected)):
        for stop in range(start, len(expected) + 2):
            assert events[start:stop] == expected[start:stop], (start, stop)
    assert events[-1] == expected[-1]


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_turns_in_sql_are_the_rule_market_by_market(tangled, newest_first):  # noqa: F811
    expected = whole(newest_first)
    events = build_timeline(newest_first=newest_first).events
    assert len(events) == len(expected)
    assert list(events) == expected
    assert [event.note for event in events] == [event.note for event in expected]
    # The fixture reaches every kind of turn, confirmed or not.
    kinds = {event.kind for event in expected}
    assert {"first_listed", "returned", "dropped"} | UNCONFIRMED <= kinds
    for start, stop in ((0, 7), (5, 40), (33, 34), (len(expected) - 9, len(expected))):
        assert events[start:stop] == expected[start:stop], (start, stop)


def test_the_turns_of_one_market_are_the_rule(tangled):  # noqa: F811
    markets = Market.objects.published().filter(name__in=["Online 0", "Physical 7"])
    expected = whole(False, markets=markets, articles=Article.objects.none())
    assert list(build_timeline(markets, Article.objects.none()).events) == expected


@pytest.fixture
def same_day():
    """Two editions published the same day (their turns are ordered together), USTR's first
    list among them, and coverage on that day."""
    day = datetime.date(2008, 1, 10)
    reports = [
        make_report(2006, published_on=day),
        make_report(2007, published_on=day, online_all_entered=True, completeness_note="x"),
        make_report(2008),
    ]
    for index, years in enumerate([(2006,), (2007,), (2006, 2008), (2007, 2008), (2008,)]):
        list_market(make_market(f"M{index}"), *years)
    make_article("Same day", published_on=day)
    return reports


@pytest.mark.parametrize("newest_first", [False, True])
def test_editions_of_one_date_share_their_turns_order(same_day, newest_first):
    expected = whole(newest_first)
    events = build_timeline(newest_first=newest_first).events
    assert list(events) == expected
    for start in range(len(expected)):
        for stop in range(start, len(expected) + 1):
            assert events[start:stop] == expected[start:stop], (start, stop)


def test_no_market_matching_leaves_the_editions_and_coverage(dated):
    events = build_timeline(Market.objects.none()).events
    assert [event.kind for event in events if event.market] == []
    assert len(events) == 3 + 6
