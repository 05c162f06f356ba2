"""Which markets each edition moved to another section of the report, stored once and kept
true by PostgreSQL.

An edition's changes page counts the markets it moved from one section to the other since
the year before (`turn_sets.TurnSets.counts`). Counted from the two editions' listings, that
merged some 10,000 index entries a request at 10,000 markets (about 1 ms of the page's
8-9, where the demo data's whole page takes 4). So the moves are stored in
`reports_section_moves`, one row per (market, year) where a market's published listing in
the edition reviewing `year` is in another section than its published listing the year
before, and kept true by triggers (migration 0012), whatever writes:

- INSERT, UPDATE and DELETE on reports_listing recompute the moves of the markets the
  statement's rows name (an UPDATE only when a listing's market, edition, flag or section
  changed); TRUNCATE empties the table;
- INSERT, UPDATE (of `year` or `is_published`) and DELETE on reports_report recompute the
  markets listed in the edition: a move rests on the edition it is in and the one before;
- a market's row goes with it (ON DELETE CASCADE). A market's own flag and kind are not
  stored: pages join the published markets, and count each move under its market's kind.

Each recompute first takes the table's SHARE ROW EXCLUSIVE lock, then reads the listings
afresh, as `market_turns` does: a transaction moving the same markets waits, then
recomputes from what the first committed.

A move is always a fact (both listings are entered), so unlike a turn it needs no reading
against the editions' completeness. `manage.py recount_listings` computes every market's
moves again (`rebuild`); the data check `stored_moves_not_live` compares the table with a
computation made now.
"""

from django.db import models

from .market_turns import live_rows, refill

# Every market's moves from its listings (for some markets: `{markets}` is a condition on
# `l.market_id`), as rows (market_id, year, section, previous_section): a published listing
# of a published edition in another section than the market's published listing in the
# edition reviewing the year before. Migration 0012 holds a copy of this statement in its
# trigger function (a migration must not change with the code).
LIVE = """
    WITH listed AS (
        SELECT l.market_id, r.year, l.section
        FROM reports_listing l
        JOIN reports_report r ON r.id = l.report_id
        WHERE l.is_published AND r.is_published AND {markets}
    ), runs AS (
        SELECT *, LAG(year) OVER w AS year_before, LAG(section) OVER w AS section_before
        FROM listed
        WINDOW w AS (PARTITION BY market_id ORDER BY year)
    )
    SELECT market_id, year, section, section_before
    FROM runs WHERE year_before = year - 1 AND section_before <> section
"""
COLUMNS = "market_id, year, section, previous_section"


class SectionMove(models.Model):
    """A market listed in one section of the edition reviewing `year` (`section`) and in
    the other the year before (`previous_section`). Written only by the database's
    triggers."""

    market = models.ForeignKey(
        "markets.Market",
        # The database deletes the rows with their market (migration 0012's own key).
        on_delete=models.DO_NOTHING,
        related_name="section_moves",
        db_constraint=False,
        db_index=False,  # the unique (market, year) serves lookups by market
    )
    year = models.IntegerField()
    section = models.CharField(max_length=10)
    previous_section = models.CharField(max_length=10)

    class Meta:
        db_table = "reports_section_moves"
        constraints = [
            models.UniqueConstraint(fields=["market", "year"], name="section_move_unique_year")
        ]
        indexes = [
            # A year's moves, with where each came from, read from the index alone.
            models.Index(
                fields=["year", "market"],
                include=["previous_section"],
                name="section_move_year_idx",
            )
        ]

    def __str__(self):
        return f"Move of market {self.market_id} in {self.year}"


def live_moves():
    """Every market's moves computed now from the listings, as a set of rows."""
    return live_rows(LIVE)


def stored_moves():
    """Every stored move, as a set of rows like `live_moves`'."""
    return set(SectionMove.objects.values_list("market_id", "year", "section", "previous_section"))


def rebuild():
    """Compute every market's moves again and store them: a repair, should the data check
    ever find them wrong (`manage.py recount_listings`)."""
    refill("reports_section_moves", COLUMNS, LIVE)
