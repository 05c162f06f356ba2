"""Every dated event on record, in date order: editions, listings' turns, coverage.

A market's turns (first listed, returning, dropped) are derived with the same rules as
its listing history (`markets.history`), from one query over published listings, and
dated by the edition that made them. An edition whose publication date is not recorded
is placed, for ordering only, at the start of the year after the one it reviews (when
editions usually come out); the page lists it under its own heading, stating no date.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from notorious.markets.history import NEW, RETURNING, compute_history
from notorious.markets.models import Market
from notorious.press.models import Article

from .models import Listing, Report

EDITION = "edition"
FIRST_LISTED = "first_listed"
RETURNED = "returned"
DROPPED = "dropped"
ARTICLE = "article"

KIND_LABELS = {
    EDITION: "Edition published",
    FIRST_LISTED: "First listed",
    RETURNED: "Listed again",
    DROPPED: "Dropped",
    ARTICLE: "Coverage",
}
# Within one date: the edition, then what it changed, then coverage.
KIND_ORDER = {EDITION: 0, FIRST_LISTED: 1, RETURNED: 2, DROPPED: 3, ARTICLE: 4}


@dataclass(frozen=True)
class Event:
    kind: str
    date: datetime.date  # for ordering; see `date_known`
    date_known: bool
    date_display: str
    report: Report | None = None
    market: Market | None = None
    article: Article | None = None

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def group(self):
        """The heading it is listed under: its year, or its edition when undated."""
        if self.date_known:
            return str(self.date.year)
        return f"{self.report.year} review: publication date not recorded"

    @property
    def sort_key(self):
        name = self.market.name if self.market else ""
        return (self.date, KIND_ORDER[self.kind], name, self.article.pk if self.article else 0)


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
    events: list
    undated_articles: list  # coverage with no recorded date cannot be placed


def build_timeline(markets=None, articles=None, newest_first=False):
    """Events for the given published markets and articles (all, by default), sorted.

    Runs a fixed number of queries, however many markets, listings and articles there are.
    """
    reports = list(Report.objects.published().order_by("year"))
    by_year = {report.year: report for report in reports}
    edition_years = list(by_year)
    record = Report.objects.edition_record()
    events = [edition_events(report) for report in reports]

    markets = Market.objects.published() if markets is None else markets
    markets = {market.pk: market for market in markets}
    listed = defaultdict(set)
    for market_id, year in (
        Listing.objects.published()
        .filter(market_id__in=list(markets))
        .values_list("market_id", "report__year")
    ):
        listed[market_id].add(year)

    for market_id, market in markets.items():
        years = listed[market_id]
        history = compute_history(record, market.kind, years)
        for year, (status, confirmed) in history.statuses.items():
            if status in (NEW, RETURNING) and confirmed:
                kind = FIRST_LISTED if status == NEW else RETURNED
                events.append(_edition_event(kind, by_year[year], market))
        for previous, year in pairwise(edition_years):
            if previous in years and year not in years:
                events.append(_edition_event(DROPPED, by_year[year], market))

    articles = Article.objects.published() if articles is None else articles
    undated = []
    for article in articles.select_related("outlet", "republishes"):
        if article.published_on:
            display = f"{article.published_on.day} {article.published_on:%B %Y}"
            events.append(Event(ARTICLE, article.published_on, True, display, article=article))
        else:
            undated.append(article)

    if newest_first:
        # Newest dates first, but within a date an edition still precedes what it changed.
        events.sort(key=lambda event: (-event.date.toordinal(), *event.sort_key[1:]))
    else:
        events.sort(key=lambda event: event.sort_key)
    return Timeline(events, undated)


def _edition_event(kind, report, market):
    edition = edition_events(report)
    return Event(kind, edition.date, edition.date_known, edition.date_display, report, market)
