"""Every dated event on record, in date order: editions, listings' turns, coverage.

A market's turns (first listed, returning, dropped) are derived with the same rule as
its listing history (`markets.history`), stated in SQL (`timeline_turns`) so that they
are counted and read a page at a time, and dated by the edition that made them. A turn
the record cannot confirm, its editions being incomplete, is an event of its own kind,
saying what is known: first entered (it may have been named before), entered again (it
may have been listed throughout), not entered (it may still be listed). A year between
the first and latest edition with no edition on record is an event too: a gap, never
skipped.

An edition whose publication date is not recorded, or a gap, is placed, for ordering
only, at the start of the year after the one it reviews (when editions usually come
out); the page lists it under its own heading, stating no date.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import Count, Q

from notorious.markets.history import LISTED, NEW, RETURNING
from notorious.markets.models import Market
from notorious.press.models import Article

from .models import Report
from .timeline_turns import (
    DROPPED,
    ENTERED_AGAIN,
    FIRST_ENTERED,
    FIRST_LISTED,
    NOT_ENTERED,
    RETURNED,
    MarketTurns,
)

EDITION = "edition"
GAP = "gap"
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


@dataclass(frozen=True)
class Block:
    """The events of one date that are not coverage: its editions and gaps (`anchors`),
    then `turns` markets' turns from the `first_turn`-th in timeline order; at `start`."""

    start: int
    anchors: list
    first_turn: int
    turns: int

    @property
    def size(self):
        return len(self.anchors) + self.turns


class EventSequence(Sequence):
    """Every event in order, for a Paginator: the editions and gaps (`anchors`, sorted),
    the markets' turns (`turns`, a `TurnSource`) and the dated coverage (`articles`, a
    queryset), merged. Turns and coverage are read from SQL only for the slice asked for,
    never all of them: within a date the edition comes first, then its turns (KIND_ORDER),
    then the coverage in article-id order, so a date's editions and turns stand together
    after every article dated before it (after it, newest first), counted in SQL."""

    def __init__(self, anchors, turns, articles, newest_first=False):
        self.anchors, self.turns = anchors, turns
        self.newest_first = newest_first
        self.articles = articles.exclude(published_on=None).order_by(
            "-published_on" if newest_first else "published_on", "pk"
        )
        self._blocks = self._article_count = None

    def blocks(self):
        """Each date's `Block`, in order, placed among the articles (one query for the turns
        of every edition, one for the articles before every date)."""
        if self._blocks is None:
            turns = self.turns.counts_by_date()
            dates = {event.date for event in self.anchors} | set(turns)
            dates = sorted(dates, reverse=self.newest_first)
            before = "published_on__gt" if self.newest_first else "published_on__lt"
            counts = self.articles.order_by().aggregate(
                all=Count("pk"),
                **{
                    f"d{index}": Count("pk", filter=Q(**{before: date}))
                    for index, date in enumerate(dates)
                },
            )
            self._article_count = counts["all"]
            self._blocks, placed, first_turn = [], 0, 0
            for index, date in enumerate(dates):
                anchors = [event for event in self.anchors if event.date == date]
                block = Block(placed + counts[f"d{index}"], anchors, first_turn, turns.get(date, 0))
                self._blocks.append(block)
                placed += block.size
                first_turn += block.turns
        return self._blocks

    def __len__(self):
        blocks = self.blocks()
        return sum(block.size for block in blocks) + self._article_count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1] if index >= 0 else self[len(self) + index :][:1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("An EventSequence is sliced in order.")
        chosen, turn_places, placed_before = {}, {}, 0
        for block in self.blocks():
            placed_before += min(max(start - block.start, 0), block.size)
            for place in range(max(start, block.start), min(stop, block.start + block.size)):
                offset = place - block.start
                if offset < len(block.anchors):
                    chosen[place] = block.anchors[offset]
                else:
                    turn_places[place] = block.first_turn + offset - len(block.anchors)
        if turn_places:
            first = min(turn_places.values())
            turns = self.turns.events(first, len(turn_places))
            chosen.update({place: turns[turn - first] for place, turn in turn_places.items()})
        # Every other place in [start, stop) holds an article, in order.
        skipped = start - placed_before
        wanted = (stop - start) - len(chosen)
        dated = self.articles.values_list("pk", "published_on")[skipped : skipped + wanted]
        articles = iter([article_event(pk, date) for pk, date in dated])
        return [
            chosen[place] if place in chosen else next(articles) for place in range(start, stop)
        ]

    def __iter__(self):
        return iter(self[0 : len(self)])


class TurnSource:
    """The markets' turns for an `EventSequence`: `MarketTurns` (SQL) counted by date, and
    a slice of them as Events (their markets read in one query, only those shown)."""

    def __init__(self, markets, record, newest_first=False):
        self.record = record
        self.by_year = {report.year: report for report in record.editions}
        self.dates = {year: edition_date(report)[0] for year, report in self.by_year.items()}
        self.sql = MarketTurns(markets, record, self.dates, newest_first)

    def counts_by_date(self):
        counts = defaultdict(int)
        for year, count in self.sql.counts().items():
            counts[self.dates[year]] += count
        return counts

    def events(self, offset, limit):
        rows = self.sql.slice(offset, limit)
        markets = Market.objects.only("pk", "name", "slug", "kind").in_bulk(
            {market_id for market_id, _, _ in rows}
        )
        return [
            turn_event(kind, self.by_year[year], markets[market_id], self.record)
            for market_id, year, kind in rows
        ]


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

    Runs a fixed number of queries, however many markets, listings and articles there are:
    the markets' turns and the articles are counted in SQL and read only for the slice a
    page shows (see `EventSequence`, `MarketTurns` and `with_articles`).
    """
    record = Report.objects.edition_record()
    anchors = [edition_events(report) for report in record.editions]
    anchors += [gap_event(year) for year in record.span if not record.has_edition(year)]
    if newest_first:
        # Newest dates first, but within a date an edition still precedes what it changed.
        anchors.sort(key=lambda event: (-event.date.toordinal(), *event.sort_key[1:]))
    else:
        anchors.sort(key=lambda event: event.sort_key)

    turns = TurnSource(markets, record, newest_first)
    articles = Article.objects.published() if articles is None else articles
    undated = articles.filter(published_on=None).select_related("outlet", "republishes")
    return Timeline(EventSequence(anchors, turns, articles, newest_first), undated)


def gap_event(year):
    """A year with no edition on record, placed where its edition would be."""
    return Event(GAP, datetime.date(year + 1, 1, 1), False, "No edition on record", year=year)


def market_events(history, market, by_year):
    """A market's turns, from its `ListingHistory`: facts, and what is known where the
    editions they rest on are incomplete. The rule market by market, as `compute_history`
    states it; `MarketTurns` states it for every market at once in SQL, and the tests
    check that the two agree."""
    record = history.record
    events = []
    for year, (status, confirmed) in history.statuses.items():
        if status == NEW:
            kind = FIRST_LISTED if confirmed else FIRST_ENTERED
        elif status == RETURNING:
            kind = RETURNED
        elif status == LISTED:
            kind = ENTERED_AGAIN
        else:
            continue
        events.append(turn_event(kind, by_year[year], market, record))
    for year in record.years:
        dropped, confirmed = history.dropped_in(year)
        if dropped:
            kind = DROPPED if confirmed else NOT_ENTERED
            events.append(turn_event(kind, by_year[year], market, record))
    return events


def turn_event(kind, report, market, record):
    """A market's turn of `kind` in `report`'s edition, with a note saying what is missing
    when it is not confirmed ("the 2020 review: 6 of 39 online markets entered")."""
    year, section = report.year, market.kind
    if kind == FIRST_ENTERED:
        note = record.incomplete_through(year - 1, section)
    elif kind == ENTERED_AGAIN:
        note = record.missing_in(year - 1, section)
    elif kind == NOT_ENTERED:
        note = record.missing_in(year, section)
    else:
        note = ""
    edition = edition_events(report)
    return Event(
        kind, edition.date, edition.date_known, edition.date_display, report, market, note=note
    )
