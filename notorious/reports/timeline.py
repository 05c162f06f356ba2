"""Every dated event on record, in date order: editions, listings' turns, coverage.

A market's turns (first listed, returning, dropped) are derived with the same rule as
its listing history (`markets.history`), from one query over published listings, and
dated by the edition that made them. A turn the record cannot confirm, its editions being
incomplete, is an event of its own kind, saying what is known: first entered (it may have
been named before), entered again (it may have been listed throughout), not entered (it
may still be listed). A year between the first and latest edition with no edition on
record is an event too: a gap, never skipped.

An edition whose publication date is not recorded, or a gap, is placed, for ordering
only, at the start of the year after the one it reviews (when editions usually come
out); the page lists it under its own heading, stating no date.
"""

import datetime
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import Count, Q

from notorious.markets.history import LISTED, NEW, RETURNING, compute_history
from notorious.markets.models import Market
from notorious.press.models import Article

from .models import Listing, Report

EDITION = "edition"
GAP = "gap"
FIRST_LISTED = "first_listed"
FIRST_ENTERED = "first_entered"
RETURNED = "returned"
ENTERED_AGAIN = "entered_again"
DROPPED = "dropped"
NOT_ENTERED = "not_entered"
ARTICLE = "article"

KIND_LABELS = {
    EDITION: "Edition published",
    GAP: "No edition on record",
    FIRST_LISTED: "First listed",
    FIRST_ENTERED: "First entered",
    RETURNED: "Listed again",
    ENTERED_AGAIN: "Entered again",
    DROPPED: "Dropped",
    NOT_ENTERED: "Not entered",
    ARTICLE: "Coverage",
}
# Turns the record cannot confirm: what is known, not a change.
UNCONFIRMED = {FIRST_ENTERED, ENTERED_AGAIN, NOT_ENTERED}
# Within one date: the edition, then what it changed, then coverage.
KIND_ORDER = {
    EDITION: 0,
    GAP: 0,
    FIRST_LISTED: 1,
    FIRST_ENTERED: 1,
    RETURNED: 2,
    ENTERED_AGAIN: 2,
    DROPPED: 3,
    NOT_ENTERED: 3,
    ARTICLE: 4,
}


@dataclass(frozen=True)
class Event:
    kind: str
    date: datetime.date  # for ordering; see `date_known`
    date_known: bool
    date_display: str
    report: Report | None = None
    market: Market | None = None
    article: Article | None = None
    article_id: int | None = None  # coverage: its `article` is fetched for its page only
    year: int | None = None  # a gap: the year no edition on record reviews
    note: str = ""  # an unconfirmed turn: what is missing ("the 2020 review: 6 of 39 ...")

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def confirmed(self):
        return self.kind not in UNCONFIRMED

    @property
    def group(self):
        """The heading it is listed under: its year, or its edition when undated."""
        if self.kind == GAP:
            return f"{self.year} review: no edition on record"
        if self.date_known:
            return str(self.date.year)
        return f"{self.report.year} review: publication date not recorded"

    @property
    def sort_key(self):
        name = self.market.name if self.market else ""
        return (self.date, KIND_ORDER[self.kind], name, self.article_id or 0)


def edition_date(report):
    """When an edition came out, for ordering; and whether that date is on record."""
    if report.published_on:
        return report.published_on, True
    return datetime.date(report.year + 1, 1, 1), False


def edition_events(report):
    date, known = edition_date(report)
    display = report.publication_date_display or "Date not recorded"
    return Event(EDITION, date, known, display, report=report)


@dataclass(frozen=True)
class Timeline:
    """Every event, sorted (`events`, an `EventSequence`). Coverage events carry only the
    article's id and date: the page shows a slice of them, and `with_articles` fetches the
    articles of that slice."""

    events: Sequence
    undated_articles: object  # coverage with no recorded date cannot be placed (a queryset)


def article_event(pk, published_on):
    display = f"{published_on.day} {published_on:%B %Y}"
    return Event(ARTICLE, published_on, True, display, article_id=pk)


class EventSequence(Sequence):
    """Every event in order, for a Paginator: the editions' events (`events`, sorted) and
    the dated coverage (`articles`, a queryset), merged. Coverage is read from SQL only for
    the slice asked for (ids and dates), never all of it: within a date it comes after the
    edition and its turns (KIND_ORDER), and in article-id order, so an edition's event
    stands after every article dated before it (after it, newest first), counted in SQL."""

    def __init__(self, events, articles, newest_first=False):
        self.events = events
        self.newest_first = newest_first
        self.articles = articles.exclude(published_on=None).order_by(
            "-published_on" if newest_first else "published_on", "pk"
        )
        self._positions = self._article_count = None

    def positions(self):
        """Each of `events`' place among all events: its index, plus the articles before it
        (one query for every date)."""
        if self._positions is None:
            dates = sorted({event.date for event in self.events})
            before = "published_on__gt" if self.newest_first else "published_on__lt"
            counts = self.articles.order_by().aggregate(
                all=Count("pk"),
                **{
                    f"d{index}": Count("pk", filter=Q(**{before: date}))
                    for index, date in enumerate(dates)
                },
            )
            self._article_count = counts["all"]
            placed = {date: counts[f"d{index}"] for index, date in enumerate(dates)}
            self._positions = [
                index + placed[event.date] for index, event in enumerate(self.events)
            ]
        return self._positions

    def __len__(self):
        self.positions()
        return len(self.events) + self._article_count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1] if index >= 0 else self[len(self) + index :][:1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("An EventSequence is sliced in order.")
        positions = self.positions()
        first = bisect_left(positions, start)
        last = bisect_left(positions, stop)
        # Every other place in [start, stop) holds an article, in order.
        skipped = start - first
        wanted = max(0, (stop - start) - (last - first))
        dated = self.articles.values_list("pk", "published_on")[skipped : skipped + wanted]
        articles = iter([article_event(pk, date) for pk, date in dated])
        chosen = dict(zip(positions[first:last], self.events[first:last], strict=True))
        return [
            chosen[place] if place in chosen else next(articles) for place in range(start, stop)
        ]

    def __iter__(self):
        return iter(self[0 : len(self)])


def with_articles(events):
    """`events` with each coverage event's article (outlet and original) in place: one
    query, for the events a page shows."""
    ids = [event.article_id for event in events if event.article_id]
    found = Article.objects.select_related("outlet", "republishes").in_bulk(ids)
    return [
        replace(event, article=found[event.article_id]) if event.article_id else event
        for event in events
    ]


def build_timeline(markets=None, articles=None, newest_first=False):
    """Events for the given published markets and articles (all, by default), sorted.

    Runs a fixed number of queries, however many markets, listings and articles there are;
    articles are read as ids and dates, only those of the slice a page shows (see
    `EventSequence` and `with_articles`).
    """
    reports = list(Report.objects.published().order_by("year"))
    by_year = {report.year: report for report in reports}
    record = Report.objects.edition_record()
    events = [edition_events(report) for report in reports]
    events += [gap_event(year) for year in record.span if not record.has_edition(year)]

    markets = Market.objects.published() if markets is None else markets
    # What an event shows of a market (its name and link), not whole rows.
    markets = {market.pk: market for market in markets.only("pk", "name", "slug", "kind")}
    listed, said_first = defaultdict(set), set()
    for market_id, year, source_says_first in (
        Listing.objects.published()
        .filter(market_id__in=list(markets))
        .values_list("market_id", "report__year", "source_says_first")
    ):
        listed[market_id].add(year)
        if source_says_first:
            said_first.add((market_id, year))

    for market_id, market in markets.items():
        years = listed[market_id]
        first_by_source = bool(years) and (market_id, min(years)) in said_first
        history = compute_history(record, market.kind, years, first_by_source)
        events += market_events(history, market, by_year)

    articles = Article.objects.published() if articles is None else articles
    undated = articles.filter(published_on=None).select_related("outlet", "republishes")

    if newest_first:
        # Newest dates first, but within a date an edition still precedes what it changed.
        events.sort(key=lambda event: (-event.date.toordinal(), *event.sort_key[1:]))
    else:
        events.sort(key=lambda event: event.sort_key)
    return Timeline(EventSequence(events, articles, newest_first), undated)


def gap_event(year):
    """A year with no edition on record, placed where its edition would be."""
    return Event(GAP, datetime.date(year + 1, 1, 1), False, "No edition on record", year=year)


def market_events(history, market, by_year):
    """A market's turns, from its `ListingHistory`: facts, and what is known where the
    editions they rest on are incomplete (with a note saying what is missing)."""
    record, section = history.record, history.section
    events = []
    for year, (status, confirmed) in history.statuses.items():
        if status == NEW:
            kind = FIRST_LISTED if confirmed else FIRST_ENTERED
            note = "" if confirmed else record.incomplete_through(year - 1, section)
        elif status == RETURNING:
            kind, note = RETURNED, ""
        elif status == LISTED:
            kind, note = ENTERED_AGAIN, record.missing_in(year - 1, section)
        else:
            continue
        events.append(_edition_event(kind, by_year[year], market, note))
    for year in record.years:
        dropped, confirmed = history.dropped_in(year)
        if dropped:
            kind, note = (
                (DROPPED, "") if confirmed else (NOT_ENTERED, record.missing_in(year, section))
            )
            events.append(_edition_event(kind, by_year[year], market, note))
    return events


def _edition_event(kind, report, market, note=""):
    edition = edition_events(report)
    return Event(
        kind, edition.date, edition.date_known, edition.date_display, report, market, note=note
    )
