"""Where each market's listing status turns, stored once and kept true by PostgreSQL.

A market's turns are the editions where it starts a run of listings (first named, or named
again after an edition without it) and those that drop it (named the year before, not in
an edition on record). Deriving them reads every listing with window functions: about a
second per request at 10,000 markets for the home page, the timeline and an edition's
page. So they are stored in `reports_market_turns`, one row per (market, year), and kept
true by triggers (migration 0005), whatever writes:

- INSERT, UPDATE and DELETE on reports_listing recompute the turns of the markets the
  statement's rows name (an UPDATE only when a listing's market, edition, flag or
  "source says first" changed); TRUNCATE empties the table;
- INSERT, UPDATE (of `year` or `is_published`) and DELETE on reports_report recompute the
  markets listed in the edition and in the year before it (whose drops it makes);
- a market's row goes with it (ON DELETE CASCADE). A market's own flag is not stored: each
  market's turns are its own, and readers' pages join the published markets.

Each recompute first takes the table's SHARE ROW EXCLUSIVE lock (only writers of this
table wait for it, never readers), then reads the listings afresh: a transaction changing
the same markets at the same time waits, then recomputes from what the first committed.

Only what the listings say is stored: the published listings of published editions (the
readers' record), and for each start whether the market was listed earlier (`earlier`)
and whether a source says the listing is its first (`said_first`). Whether a turn is a
fact rests on the editions' completeness, which changes with their counts: pages apply it
when they read (`turn_kind`, `TURN_KIND_SQL`), as `markets.history.compute_history` says.

`manage.py recount_listings` recomputes every market (`rebuild`); the data check
`stored_turns_not_live` compares the table with a computation made now.
"""

from django.db import connection, models, transaction

from notorious.markets.history import FIRST_EDITION_YEAR
from notorious.markets.models import Kind

# Every market's turns from its listings (for some markets: `{markets}` is a condition on
# `l.market_id`), as rows (market_id, year, dropped, earlier, said_first). A start: a listing
# whose market was not listed the year before; a drop: the year after a listing, when an
# edition on record reviews it and does not list the market. Migration 0005 holds a copy
# of this statement in its trigger function (a migration must not change with the code).
LIVE = """
    WITH listed AS (
        SELECT l.market_id, r.year, l.source_says_first AS said_first
        FROM reports_listing l
        JOIN reports_report r ON r.id = l.report_id
        WHERE l.is_published AND r.is_published AND {markets}
    ), runs AS (
        SELECT *, LAG(year) OVER w AS before, LEAD(year) OVER w AS after,
            row_number() OVER w AS nth
        FROM listed
        WINDOW w AS (PARTITION BY market_id ORDER BY year)
    )
    SELECT market_id, year, false, nth > 1, said_first
    FROM runs WHERE before IS DISTINCT FROM year - 1
    UNION ALL
    SELECT market_id, year + 1, true, true, false
    FROM runs
    WHERE after IS DISTINCT FROM year + 1 AND EXISTS (
        SELECT 1 FROM reports_report r WHERE r.year = runs.year + 1 AND r.is_published
    )
"""
COLUMNS = "market_id, year, dropped, earlier, said_first"


class MarketTurn(models.Model):
    """A market's turn in the edition reviewing `year`: a start of a run of listings, or
    (`dropped`) the edition after a run's last listing. Written only by the database's
    triggers; what kind of turn it is for readers depends on completeness (`turn_kind`)."""

    market = models.ForeignKey(
        "markets.Market",
        # The database deletes the rows with their market (migration 0005's own key).
        on_delete=models.DO_NOTHING,
        related_name="turns",
        db_constraint=False,
        db_index=False,  # the unique (market, year) serves lookups by market
    )
    year = models.IntegerField()
    dropped = models.BooleanField()
    earlier = models.BooleanField()  # a start: the market is listed in an earlier edition
    said_first = models.BooleanField()  # a start: a source says the listing is its first

    class Meta:
        db_table = "reports_market_turns"
        constraints = [
            models.UniqueConstraint(fields=["market", "year"], name="market_turn_unique_year")
        ]
        indexes = [models.Index(fields=["year", "market"], name="market_turn_year_idx")]

    def __str__(self):
        return f"Turn of market {self.market_id} in {self.year}"


# The turn kinds (the timeline's event kinds).
FIRST_LISTED, FIRST_ENTERED = "first_listed", "first_entered"
RETURNED, ENTERED_AGAIN = "returned", "entered_again"
DROPPED, NOT_ENTERED = "dropped", "not_entered"


def turn_kind(record, year, section, dropped, earlier, said_first):
    """What a stored turn is against `record` (`markets.history`'s rule): a drop is a fact
    when `year`'s section is complete, a return when the year before is, a first listing
    when a source says so, when it is in USTR's first list, or when every edition before it
    is complete. `TURN_KIND_SQL` states the same in SQL."""
    if dropped:
        return DROPPED if record.is_complete(year, section) else NOT_ENTERED
    if earlier:
        return RETURNED if record.is_complete(year - 1, section) else ENTERED_AGAIN
    if said_first or year <= FIRST_EDITION_YEAR or record.complete_through(year - 1, section):
        return FIRST_LISTED
    return FIRST_ENTERED


# `turn_kind` in SQL, on a turn `t` of a market `m`, with parameters: the "year:kind" keys
# of the complete sections, twice, USTR's first year, and the keys complete through.
TURN_KIND_SQL = f"""
    CASE
        WHEN t.dropped THEN CASE WHEN t.year || ':' || m.kind = ANY(%s)
            THEN '{DROPPED}' ELSE '{NOT_ENTERED}' END
        WHEN t.earlier THEN CASE WHEN (t.year - 1) || ':' || m.kind = ANY(%s)
            THEN '{RETURNED}' ELSE '{ENTERED_AGAIN}' END
        WHEN t.said_first OR t.year <= %s OR (t.year - 1) || ':' || m.kind = ANY(%s)
            THEN '{FIRST_LISTED}'
        ELSE '{FIRST_ENTERED}'
    END
"""


def turn_kind_params(record, years):
    """The parameters of `TURN_KIND_SQL` for turns in `years`, against `record`."""
    kinds = [kind.value for kind in Kind]
    complete = [f"{y}:{k}" for y in record.years for k in kinds if record.is_complete(y, k)]
    through = [f"{y - 1}:{k}" for y in years for k in kinds if record.complete_through(y - 1, k)]
    return [complete, complete, FIRST_EDITION_YEAR, through]


def live_turns():
    """Every market's turns computed now from the listings, as a set of rows."""
    with connection.cursor() as cursor:
        cursor.execute(LIVE.format(markets="true"))
        return set(cursor.fetchall())


def stored_turns():
    """Every stored turn, as a set of rows like `live_turns`'."""
    return set(
        MarketTurn.objects.values_list("market_id", "year", "dropped", "earlier", "said_first")
    )


def rebuild():
    """Compute every market's turns again and store them: a repair, should the data check
    ever find them wrong (`manage.py recount_listings`). Locks the listings and editions
    against writes meanwhile (then the table, in the triggers' order)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_listing, reports_report IN SHARE MODE")
        cursor.execute("LOCK TABLE reports_market_turns IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("DELETE FROM reports_market_turns")
        cursor.execute(f"INSERT INTO reports_market_turns ({COLUMNS}) {LIVE.format(markets='true')}")
