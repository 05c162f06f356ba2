"""Markets' turns on the timeline: counted, and read a page at a time, from the turns the
database keeps (`market_turns.MarketTurn`, kept true by triggers).

The rule is `markets.history.compute_history`'s, for every market at once: a stored start
(a listing whose market was not named the year before) is a first listing (confirmed when
a source says so, when it is in USTR's first list, or when every edition before it is
complete for the market's kind), else a return (confirmed when the year before is
complete); a stored drop (not named in an edition on record after a listing) is confirmed
when that edition's section is complete. The completeness is known before the query and
passed in as a table of what each shape of stored turn is (`market_turns.turn_kinds`).
tests/test_timeline_paging.py checks that this gives, market by market, the events
`timeline.market_events` derives from `compute_history`.
"""

from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connection

from notorious.markets.models import Market

from . import turn_counts
from .market_turns import (  # noqa: F401 (the kinds, for the timeline)
    DROPPED,
    ENTERED_AGAIN,
    FIRST_ENTERED,
    FIRST_LISTED,
    NOT_ENTERED,
    RETURNED,
    TURN_KINDS_SQL,
    turn_kinds,
    turn_kinds_params,
)

# Per edition year: the turns of the markets `{markets}` selects.
_COUNTS = """
SELECT t.year, count(*)
FROM reports_market_turns t
WHERE t.market_id IN ({markets})
GROUP BY t.year
"""
# Per edition year, section and shape: the turns of the markets `{markets}` selects (each
# shape's kind is known before the query: `turn_kinds`).
_SHAPE_COUNTS = """
SELECT t.year, m.kind, t.dropped, t.earlier, t.said_first, count(*)
FROM reports_market_turns t
JOIN markets_market m ON m.id = t.market_id
WHERE t.market_id IN ({markets})
GROUP BY 1, 2, 3, 4, 5
"""
# The turns made by the editions `%s`, each of its kind, in timeline order (see
# `MarketTurns.slice`).
_SLICE = """
SELECT t.market_id, t.year, k.kind
FROM reports_market_turns t
JOIN markets_market m ON m.id = t.market_id
JOIN {kinds} ON k.year = t.year AND k.section = m.kind AND k.dropped = t.dropped
    AND k.earlier = t.earlier AND k.said_first = t.said_first
WHERE t.year = ANY(%s) AND t.market_id IN ({markets})
ORDER BY (%s::date[])[array_position(%s::int[], t.year)] {direction},
    CASE WHEN t.dropped THEN 3 WHEN t.earlier THEN 2 ELSE 1 END,
    m.name COLLATE "C", t.market_id, t.year
OFFSET %s LIMIT %s
"""


class MarketTurns:
    """The turns of the `markets` (a queryset of published markets; None for all of them)
    against `record`, each dated by the edition that made it (`dates`: {year: date}):
    counted per edition year (one query over the stored turns, or for all published
    markets over their stored counts: `counts`), and read in timeline order a slice at a
    time from the turns of the editions the slice falls in (`slice`), as (market id, year,
    kind)."""

    def __init__(self, markets, record, dates, newest_first=False):
        self.record, self.dates, self.newest_first = record, dates, newest_first
        # Every published market's turns are counted already (`turn_counts`).
        self.all_published = markets is None
        markets = Market.objects.published() if markets is None else markets
        try:
            self.markets = markets.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # no market can match (`Market.objects.none()`): no turns
            self.markets = None
        self._counts = None

    def counts(self):
        """{edition year: how many turns it made}: one query."""
        if self._counts is None and self.markets is None:
            self._counts = {}
        if self._counts is None and self.all_published:
            self._counts = {
                year: sum(kinds.values()) for year, kinds in self.counts_by_kind().items()
            }
        if self._counts is None:
            with connection.cursor() as cursor:
                cursor.execute(_COUNTS.format(markets=self.markets[0]), self.markets[1])
                rows = cursor.fetchall()
            # Only the record's editions (a turn stored meanwhile for another is left out).
            self._counts = {year: count for year, count in rows if year in self.dates}
        return self._counts

    def counts_by_kind(self):
        """{edition year: {turn kind: how many}}: one query, for the timeline's rows."""
        if self.markets is None:
            return {}
        years = [year for year in self.record.years if year in self.dates]
        if self.all_published:
            return turn_counts.counts_by_kind(self.record, years)
        kinds = {tuple(row[:5]): row[5] for row in turn_kinds(self.record, years)}
        with connection.cursor() as cursor:
            cursor.execute(_SHAPE_COUNTS.format(markets=self.markets[0]), self.markets[1])
            rows = cursor.fetchall()
        counts = defaultdict(lambda: defaultdict(int))
        for *shape, count in rows:
            kind = kinds.get(tuple(shape))
            if kind:  # only the record's editions (as `counts`)
                counts[shape[0]][kind] += count
        return {year: dict(kinds) for year, kinds in counts.items()}

    def slice(self, offset, limit):
        """The turns from `offset` (in timeline order), at most `limit`: [(market id, year,
        kind)], one query reading only the turns of the editions the slice falls in."""
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
        record, all_years = self.record, list(self.record.years)
        sql = _SLICE.format(
            kinds=TURN_KINDS_SQL,
            markets=self.markets[0],
            direction="DESC" if self.newest_first else "ASC",
        )
        params = [*turn_kinds_params(record, years), years, *self.markets[1]]
        params += [[self.dates[year] for year in all_years], all_years, offset, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
