"""Markets' turns on the timeline as one SQL statement: counted, and read a page at a time.

The rule is `markets.history.compute_history`'s, for every market at once: each market's
published listings in year order (window functions give the year of the listing before and
after each one), against the record's completeness, which is known before the query and
passed in as lists of "year:kind" keys. A listing whose market was not named the year
before is a first listing (confirmed when a source says so, when it is in USTR's first
list, or when every edition before it is complete for the market's kind), else a return
(confirmed when the year before is complete); a listing whose market is not named in the
next edition on record is a drop (confirmed when that edition's section is complete).
tests/test_timeline_turns.py checks that this gives, market by market, the events
`timeline.market_events` derives from `compute_history`.
"""

from django.db import connection

from notorious.markets.history import FIRST_EDITION_YEAR
from notorious.markets.models import Kind, Market

from .models import Listing, Report

# The kinds of turn (`timeline`'s event kinds), written into the SQL as literals.
FIRST_LISTED, FIRST_ENTERED = "first_listed", "first_entered"
RETURNED, ENTERED_AGAIN = "returned", "entered_again"
DROPPED, NOT_ENTERED = "dropped", "not_entered"

_EVENTS = """
WITH listed AS (
    SELECT l.market_id, m.kind, m.name, r.year, l.source_says_first AS said_first
    FROM {listing} l
    JOIN {report} r ON r.id = l.report_id
    JOIN {market} m ON m.id = l.market_id
    WHERE l.is_published AND r.is_published AND m.is_published
      AND l.market_id IN ({markets})
), runs AS (
    SELECT *,
        LAG(year) OVER w AS before,
        LEAD(year) OVER w AS after
    FROM listed
    WINDOW w AS (PARTITION BY market_id ORDER BY year)
), events AS (
    SELECT market_id, name, year,
        CASE
            WHEN before IS NULL THEN CASE
                WHEN said_first OR year <= %s OR (year - 1) || ':' || kind = ANY(%s)
                THEN '{first_listed}' ELSE '{first_entered}' END
            WHEN (year - 1) || ':' || kind = ANY(%s) THEN '{returned}'
            ELSE '{entered_again}'
        END AS kind
    FROM runs
    WHERE before IS DISTINCT FROM year - 1
    UNION ALL
    SELECT market_id, name, year + 1,
        CASE WHEN (year + 1) || ':' || kind = ANY(%s) THEN '{dropped}' ELSE '{not_entered}' END
    FROM runs
    WHERE after IS DISTINCT FROM year + 1 AND year + 1 = ANY(%s)
), placed AS (
    SELECT events.*,
        (%s::date[])[array_position(%s::int[], year)] AS day,
        CASE kind
            WHEN '{first_listed}' THEN 1 WHEN '{first_entered}' THEN 1
            WHEN '{returned}' THEN 2 WHEN '{entered_again}' THEN 2
            ELSE 3
        END AS kind_order
    FROM events
)
"""


class MarketTurns:
    """The turns of the `markets` (a queryset of published markets) against `record`, each
    dated by the edition that made it (`dates`: {year: date}): counted per edition year, and
    read in timeline order a slice at a time, as (market id, year, kind)."""

    def __init__(self, markets, record, dates, newest_first=False):
        self.record, self.newest_first = record, newest_first
        kinds = [kind.value for kind in Kind]
        years = list(record.years)
        complete = [f"{y}:{k}" for y in years for k in kinds if record.is_complete(y, k)]
        through = [
            f"{y - 1}:{k}" for y in years for k in kinds if record.complete_through(y - 1, k)
        ]
        market_sql, market_params = markets.order_by().values("pk").query.sql_with_params()
        self.sql = _EVENTS.format(
            listing=Listing._meta.db_table,
            report=Report._meta.db_table,
            market=Market._meta.db_table,
            markets=market_sql,
            first_listed=FIRST_LISTED,
            first_entered=FIRST_ENTERED,
            returned=RETURNED,
            entered_again=ENTERED_AGAIN,
            dropped=DROPPED,
            not_entered=NOT_ENTERED,
        )
        self.params = [
            *market_params,
            FIRST_EDITION_YEAR,
            through,
            complete,
            complete,
            years,
            [dates[year] for year in years],
            years,
        ]

    def counts(self):
        """{edition year: how many turns it made}: one query."""
        with connection.cursor() as cursor:
            cursor.execute(
                self.sql + "SELECT year, count(*) FROM placed GROUP BY year", self.params
            )
            return dict(cursor.fetchall())

    def slice(self, offset, limit):
        """The turns from `offset` (in timeline order), at most `limit`: [(market id, year,
        kind)], one query."""
        if limit <= 0:
            return []
        direction = "DESC" if self.newest_first else "ASC"
        # Names in code-point order (COLLATE "C"), as Python sorts them.
        order = f'day {direction}, kind_order, name COLLATE "C", market_id, year'
        with connection.cursor() as cursor:
            cursor.execute(
                self.sql
                + f"SELECT market_id, year, kind FROM placed ORDER BY {order} OFFSET %s LIMIT %s",
                [*self.params, offset, limit],
            )
            return cursor.fetchall()
