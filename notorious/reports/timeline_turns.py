"""Markets' turns on the timeline as one SQL statement: counted, and read a page at a time.

The rule is `markets.history.compute_history`'s, for every market at once: each market's
published listings in year order (window functions give the year of the listing before and
after each one), against the record's completeness, which is known before the query and
passed in as lists of "year:kind" keys. A listing whose market was not named the year
before is a first listing (confirmed when a source says so, when it is in USTR's first
list, or when every edition before it is complete for the market's kind), else a return
(confirmed when the year before is complete); a listing whose market is not named the
year after, an edition for that year being on record, is followed by a drop (confirmed
when that edition's section is complete).
tests/test_timeline_paging.py checks that this gives, market by market, the events
`timeline.market_events` derives from `compute_history`.
"""

from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connection

from notorious.markets.history import FIRST_EDITION_YEAR
from notorious.markets.models import Kind, Market

from .models import Listing, Report

# The kinds of turn (`timeline`'s event kinds), written into the SQL as literals.
FIRST_LISTED, FIRST_ENTERED = "first_listed", "first_entered"
RETURNED, ENTERED_AGAIN = "returned", "entered_again"
DROPPED, NOT_ENTERED = "dropped", "not_entered"

# Each market's published listings, with the years of its listings before and after each
# one (`{years}` may bound the editions read).
_RUNS = """
WITH listed AS (
    SELECT l.market_id, r.year, l.source_says_first AS said_first
    FROM {listing} l
    JOIN {report} r ON r.id = l.report_id
    WHERE l.is_published AND r.is_published AND l.market_id IN ({markets}){years}
), runs AS (
    SELECT *, LAG(year) OVER w AS before, LEAD(year) OVER w AS after
    FROM listed
    WINDOW w AS (PARTITION BY market_id ORDER BY year)
)
"""
# Per edition year: the listings that are a turn (not named the year before), and those
# followed by a drop (not named the year after).
_COUNTS = """
SELECT year,
    count(*) FILTER (WHERE before IS DISTINCT FROM year - 1),
    count(*) FILTER (WHERE after IS DISTINCT FROM year + 1)
FROM runs GROUP BY year
"""
# The turns made by the editions `%s` (their listings and the year before's being read),
# each of its kind, in timeline order. A turn is a first listing unless the market is
# listed in some earlier edition (an EXISTS probing its listings by index).
_SLICE = """
, events AS (
    SELECT market_id, year, said_first, false AS gone, EXISTS (
        SELECT 1 FROM {listing} l JOIN {report} r ON r.id = l.report_id
        WHERE l.market_id = runs.market_id AND l.is_published AND r.is_published
          AND r.year < runs.year - 1
    ) AS earlier
    FROM runs
    WHERE year = ANY(%s) AND before IS DISTINCT FROM year - 1
    UNION ALL
    SELECT market_id, year + 1, false, true, true
    FROM runs
    WHERE year + 1 = ANY(%s) AND after IS DISTINCT FROM year + 1
)
SELECT e.market_id, e.year,
    CASE
        WHEN gone THEN CASE WHEN e.year || ':' || m.kind = ANY(%s)
            THEN '{dropped}' ELSE '{not_entered}' END
        WHEN earlier THEN CASE WHEN (e.year - 1) || ':' || m.kind = ANY(%s)
            THEN '{returned}' ELSE '{entered_again}' END
        WHEN said_first OR e.year <= %s OR (e.year - 1) || ':' || m.kind = ANY(%s)
            THEN '{first_listed}'
        ELSE '{first_entered}'
    END
FROM events e JOIN {market} m ON m.id = e.market_id
ORDER BY (%s::date[])[array_position(%s::int[], e.year)] {direction},
    CASE WHEN gone THEN 3 WHEN earlier THEN 2 ELSE 1 END,
    m.name COLLATE "C", e.market_id, e.year
OFFSET %s LIMIT %s
"""


class MarketTurns:
    """The turns of the `markets` (a queryset of published markets) against `record`, each
    dated by the edition that made it (`dates`: {year: date}): counted per edition year (one
    query over every listing, `counts`), and read in timeline order a slice at a time from
    the listings of the editions the slice falls in (`slice`), as (market id, year, kind)."""

    def __init__(self, markets, record, dates, newest_first=False):
        self.record, self.dates, self.newest_first = record, dates, newest_first
        try:
            self.markets = markets.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # no market can match (`Market.objects.none()`): no turns
            self.markets = None
        self._counts = None

    def _runs(self, years=None):
        """The `_RUNS` statement and its parameters, over the editions `years` (or all)."""
        sql = _RUNS.format(
            listing=Listing._meta.db_table,
            report=Report._meta.db_table,
            markets=self.markets[0],
            years="" if years is None else " AND r.year = ANY(%s)",
        )
        params = [*self.markets[1]] + ([] if years is None else [sorted(years)])
        return sql, params

    def counts(self):
        """{edition year: how many turns it made}: one query."""
        if self._counts is None and self.markets is None:
            self._counts = {}
        if self._counts is None:
            sql, params = self._runs()
            with connection.cursor() as cursor:
                cursor.execute(sql + _COUNTS, params)
                rows = cursor.fetchall()
            counts = dict.fromkeys(self.record.years, 0)
            for year, turns, followed_by_drop in rows:
                counts[year] += turns
                if year + 1 in counts:
                    counts[year + 1] += followed_by_drop
            self._counts = {year: count for year, count in counts.items() if count}
        return self._counts

    def slice(self, offset, limit):
        """The turns from `offset` (in timeline order), at most `limit`: [(market id, year,
        kind)], one query reading only the editions the slice falls in (and the year
        before each: what says whether a listing is a turn)."""
        counts, by_day = self.counts(), defaultdict(list)
        for year in counts:
            by_day[self.dates[year]].append(year)
        # Editions of one date are ordered together (by kind, then name): read them all.
        skipped, seen, years = 0, 0, []
        for day in sorted(by_day, reverse=self.newest_first):
            count = sum(counts[year] for year in by_day[day])
            if seen + count <= offset:
                skipped += count
            elif seen < offset + limit:
                years += by_day[day]
            seen += count
        if limit <= 0 or not years:
            return []
        return self._read(years, offset - skipped, limit)

    def _read(self, years, offset, limit):
        record, kinds = self.record, [kind.value for kind in Kind]
        complete = [f"{y}:{k}" for y in record.years for k in kinds if record.is_complete(y, k)]
        through = [
            f"{y - 1}:{k}" for y in years for k in kinds if record.complete_through(y - 1, k)
        ]
        sql, params = self._runs({*years, *(year - 1 for year in years)})
        sql += _SLICE.format(
            listing=Listing._meta.db_table,
            report=Report._meta.db_table,
            market=Market._meta.db_table,
            direction="DESC" if self.newest_first else "ASC",
            first_listed=FIRST_LISTED,
            first_entered=FIRST_ENTERED,
            returned=RETURNED,
            entered_again=ENTERED_AGAIN,
            dropped=DROPPED,
            not_entered=NOT_ENTERED,
        )
        all_years = list(record.years)
        params += [years, years, complete, complete, FIRST_EDITION_YEAR, through]
        params += [[self.dates[year] for year in all_years], all_years, offset, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
