"""How many turns each edition made, by section and shape, counted once and kept true by
PostgreSQL.

`/timeline/` states each edition's turns (first listed, listed again, dropped and those
the record cannot confirm) and an edition's changes page counts its groups. Counting them
from `reports_market_turns` joined to the published markets read every market's turns on
each request (40 ms and growing with the data at 10,000 markets). So they are stored in
`reports_turn_counts`: one row per (edition year, section, shape of turn) holding how many
published markets of that section (their `kind`) have a turn of that shape in that year.
Triggers keep it true (migration 0007), whatever writes:

- INSERT, UPDATE and DELETE on reports_market_turns (made only by its own triggers, which
  follow every change of listings and editions) add what the statement's rows of
  published markets add or take away (statement triggers reading the transition tables);
  TRUNCATE empties the table;
- an UPDATE of markets' `is_published` or `kind` counts again the years those markets'
  turns are in; a DELETE of markets counts every year again (their turns go at commit,
  their key being deferred, when the markets can no longer be read to take them away).

Each change first takes reports_market_turns' SHARE ROW EXCLUSIVE lock (the lock its own
writers take), then reads the markets: writers of turns and of markets' flags wait for
each other, and whichever commits last reads what the first committed.

Only the shapes are stored, not what kind of turn each shape is: that depends on the
editions' completeness, which changes with their counts and flags (`market_turns.turn_kind`
says it, tabulated by `turn_kinds`). A page reads the year's rows (a few dozen at most) and
applies `turn_kinds` to them: constant work however many markets there are
(`counts_by_kind`).

`manage.py recount_listings` counts every year again (`recount`); the data check
`stored_turn_counts_not_live` compares the table with a count of the turns computed now.
"""

from collections import defaultdict

from django.db import connection, models, transaction

from .market_turns import COLUMNS as MARKET_TURN_COLUMNS
from .market_turns import LIVE, turn_kinds

# Each edition year's turns of published markets by section and shape, for the years
# `{years}` selects (a condition on `t.year`), from the turns `{turns}` (a table `t`).
# Migration 0007 holds a copy of this statement in its trigger function (a migration must
# not change with the code).
COUNT = """
    SELECT t.year, m.kind, t.dropped, t.earlier, t.said_first, count(*)
    FROM {turns}
    JOIN markets_market m ON m.id = t.market_id AND m.is_published
    WHERE {years}
    GROUP BY 1, 2, 3, 4, 5
"""
COLUMNS = "year, section, dropped, earlier, said_first, markets"


class TurnCount(models.Model):
    """How many published markets of `section` have a turn of one shape (`dropped`,
    `earlier`, `said_first`, as `market_turns.MarketTurn`) in the edition reviewing `year`.
    Written only by the database's triggers; what kind of turn the shape is for readers
    depends on completeness (`counts_by_kind`)."""

    year = models.IntegerField()
    section = models.CharField(max_length=10)  # the markets' kind
    dropped = models.BooleanField()
    earlier = models.BooleanField()
    said_first = models.BooleanField()
    markets = models.IntegerField()

    class Meta:
        db_table = "reports_turn_counts"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "section", "dropped", "earlier", "said_first"],
                name="turn_count_unique_shape",
            )
        ]

    def __str__(self):
        return f"Turns of one shape in {self.year}"


def counts_by_kind(record, years=None):
    """{edition year: {turn kind: how many published markets made it}} for the editions
    reviewing `years` (every edition on record by default), against `record`: one query
    of the stored counts."""
    years = [year for year in (record.years if years is None else years) if year in record.years]
    kinds = {tuple(row[:5]): row[5] for row in turn_kinds(record, years)}
    rows = TurnCount.objects.filter(year__in=years).values_list(
        "year", "section", "dropped", "earlier", "said_first", "markets"
    )
    counts = defaultdict(lambda: defaultdict(int))
    for *shape, number in rows:
        counts[shape[0]][kinds[tuple(shape)]] += number
    return {year: dict(by_kind) for year, by_kind in counts.items()}


def stored_turn_counts():
    """Every stored count, as {(year, section, dropped, earlier, said_first): markets}."""
    rows = TurnCount.objects.values_list(
        "year", "section", "dropped", "earlier", "said_first", "markets"
    )
    return {tuple(shape): number for *shape, number in rows}


def live_turn_counts():
    """The counts of the turns computed now from the listings (`market_turns.LIVE`), like
    `stored_turn_counts`'."""
    turns = f"({LIVE.format(markets='true')}) AS t ({MARKET_TURN_COLUMNS})"
    with connection.cursor() as cursor:
        cursor.execute(COUNT.format(turns=turns, years="true"))
        return {tuple(shape): number for *shape, number in cursor.fetchall()}


def recount():
    """Count every year's turns again from the stored turns and store the counts: a
    repair, should the data check ever find them wrong (`manage.py recount_listings`, after
    it has computed the turns again). Takes the turns' lock, as the triggers do."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_market_turns IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("DELETE FROM reports_turn_counts")
        count = COUNT.format(turns="reports_market_turns t", years="true")
        cursor.execute(f"INSERT INTO reports_turn_counts ({COLUMNS}) {count}")
