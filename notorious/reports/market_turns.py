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
when they read (`turn_kind`, tabulated by `turn_kinds` for queries), as
`markets.history.compute_history` says.

`manage.py recount_listings` recomputes every market (`rebuild`); the data check
`stored_turns_not_live` compares the table with a computation made now.
"""

from django.db import connection, models, transaction

from notorious.markets.history import NEW, RETURNING, compute_history
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
        indexes = [
            # With the turn's shape, which picks its group (`TurnSets.condition`): the
            # turns of a year in one group are read from the index alone (a changes
            # page's 50 first entered of 2,847 turns at 10,000 markets: 364 table pages,
            # 2.4 ms, before).
            models.Index(
                fields=["year", "market"],
                include=["dropped", "earlier", "said_first"],
                name="market_turn_year_idx",
            )
        ]

    def __str__(self):
        return f"Turn of market {self.market_id} in {self.year}"


# The turn kinds (the timeline's event kinds).
FIRST_LISTED, FIRST_ENTERED = "first_listed", "first_entered"
RETURNED, ENTERED_AGAIN = "returned", "entered_again"
DROPPED, NOT_ENTERED = "dropped", "not_entered"


def turn_kind(record, year, section, dropped, earlier, said_first):
    """What a stored turn in `section` of the edition reviewing `year` is against `record`:
    what `compute_history` says of a market listed only where the turn says (the year before
    for a drop; this year and, when `earlier`, the latest edition before the year before).
    A drop is a fact when `year`'s section is complete, a return when the year before is, a
    first listing when a source says so, when it is in USTR's first list, or when every
    edition before it is complete."""
    if dropped:
        _dropped, confirmed = compute_history(record, section, [year - 1]).dropped_in(year)
        return DROPPED if confirmed else NOT_ENTERED
    before = [each for each in record.years if each < year - 1][-1:] if earlier else []
    history = compute_history(record, section, [*before, year], said_first)
    status, confirmed = history.status_in(year)
    if status == NEW:
        return FIRST_LISTED if confirmed else FIRST_ENTERED
    return RETURNED if status == RETURNING else ENTERED_AGAIN


# What a stored turn can be: (dropped, earlier, said_first). A drop is stored as earlier
# and not said first.
SHAPES = ((True, True, False), (False, True, False), (False, True, True))
SHAPES += ((False, False, False), (False, False, True))


def turn_kinds(record, years):
    """Every stored turn's kind in `years` against `record`, as rows (year, section,
    dropped, earlier, said_first, kind): `turn_kind` tabulated, for queries to join
    (`TURN_KINDS_SQL`) or to group by."""
    return [
        (year, section, *shape, turn_kind(record, year, section, *shape))
        for year in years
        for section in Kind.values
        for shape in SHAPES
    ]


# `turn_kinds` as a table `k` to join (its columns as arrays: `turn_kinds_params`).
TURN_KINDS_SQL = """
    unnest(%s::int[], %s::text[], %s::bool[], %s::bool[], %s::bool[], %s::text[])
        AS k (year, section, dropped, earlier, said_first, kind)
"""


def turn_kinds_params(record, years):
    """The parameters of `TURN_KINDS_SQL`: `turn_kinds(record, years)` column by column."""
    rows = turn_kinds(record, years)
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 6


def live_turns():
    """Every market's turns computed now from the listings, as a set of rows."""
    return live_rows(LIVE)


def stored_turns():
    """Every stored turn, as a set of rows like `live_turns`'."""
    return set(
        MarketTurn.objects.values_list("market_id", "year", "dropped", "earlier", "said_first")
    )


def rebuild():
    """Compute every market's turns again and store them: a repair, should the data check
    ever find them wrong (`manage.py recount_listings`)."""
    refill("reports_market_turns", COLUMNS, LIVE)


def live_rows(live):
    """The rows of `live` (a statement over markets' listings, `{markets}` a condition on
    `l.market_id`, as `LIVE`) for every market, computed now, as a set."""
    with connection.cursor() as cursor:
        cursor.execute(live.format(markets="true"))
        return set(cursor.fetchall())


def refill(table, columns, live):
    """Store `live`'s rows (as `live_rows`) for every market in `table`'s `columns`, in
    place of what it held: a stored table kept true by triggers on listings and editions
    (this module's, `section_moves`'), computed again. Locks the listings and editions
    against writes meanwhile (then the table, in the triggers' order)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_listing, reports_report IN SHARE MODE")
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({columns}) {live.format(markets='true')}")
