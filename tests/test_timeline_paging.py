"""The timeline's events are the editions' events merged with the dated coverage, read
from SQL a slice at a time (reports.timeline.EventSequence): any slice is the slice of
the whole list sorted in memory, oldest or newest first."""

import datetime

import pytest

from notorious.press.models import Article
from notorious.reports.timeline import article_event, build_timeline
from tests.factories import list_market, make_article, make_market, make_report

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


def whole(newest_first):
    """Every event sorted in memory, as the timeline sorted them before it was paged."""
    timeline = build_timeline(newest_first=newest_first)
    events = list(timeline.events.events)
    events += [
        article_event(pk, day)
        for pk, day in Article.objects.exclude(published_on=None).values_list("pk", "published_on")
    ]
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
