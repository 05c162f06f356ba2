"""Each edition's turns counted by section and shape, stored and kept true by triggers
(notorious/reports/turn_counts.py says what each trigger keeps true, and why)."""

from django.db import migrations, models

from notorious.core.generation import statement_triggers, watch_tables

# The turns of published markets by year, section and shape, for the years `{years}`
# selects: `turn_counts.COUNT` as it was when this migration was written.
COUNT = """
    SELECT t.year, m.kind, t.dropped, t.earlier, t.said_first, count(*)
    FROM reports_market_turns t
    JOIN markets_market m ON m.id = t.market_id AND m.is_published
    WHERE {years}
    GROUP BY 1, 2, 3, 4, 5
"""
COLUMNS = "year, section, dropped, earlier, said_first, markets"

# The turns a statement changed, each with +1 (as it is now) or -1 (as it was).
CHANGED_ROWS = """
    CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT *, 1 AS sign FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT *, -1 AS sign FROM old_rows'
        ELSE 'SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows'
    END
"""

# A market's columns its counted turns rest on.
MARKET_KEY = "(o.is_published, o.kind)"

CREATE = [
    f"INSERT INTO reports_turn_counts ({COLUMNS}) {COUNT.format(years='true')}",
    # The years' counts again, after the turns' lock (the lock their writers take): a
    # transaction changing turns or markets at the same time waits here, then counts what
    # the first committed (each statement of this function takes a new snapshot).
    f"""
    CREATE FUNCTION reports_turn_counts_refresh(years integer[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(years) = 0 THEN
            RETURN;
        END IF;
        LOCK TABLE reports_market_turns IN SHARE ROW EXCLUSIVE MODE;
        DELETE FROM reports_turn_counts WHERE year = ANY(years);
        INSERT INTO reports_turn_counts ({COLUMNS})
        {COUNT.format(years="t.year = ANY(years)")};
    END $$
    """,
    # Turns added, deleted or changed: add what the statement's rows of published markets
    # add (+1 as they are now, -1 as they were), after the turns' lock, so that a market
    # published or moved meanwhile is read as committed (its own trigger waits for the
    # lock, then counts its years again). A count come to 0 is removed, as never counted.
    f"""
    CREATE FUNCTION reports_turn_counts_turns_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        LOCK TABLE reports_market_turns IN SHARE ROW EXCLUSIVE MODE;
        EXECUTE format($sql$
            WITH delta AS (
                SELECT c.year, m.kind, c.dropped, c.earlier, c.said_first, sum(c.sign) AS n
                FROM (%s) AS c
                JOIN markets_market m ON m.id = c.market_id AND m.is_published
                GROUP BY 1, 2, 3, 4, 5
            )
            INSERT INTO reports_turn_counts AS counts ({COLUMNS})
            SELECT * FROM delta WHERE n <> 0
            ON CONFLICT (year, section, dropped, earlier, said_first)
            DO UPDATE SET markets = counts.markets + excluded.markets
        $sql$, {CHANGED_ROWS});
        DELETE FROM reports_turn_counts WHERE markets = 0;
        RETURN NULL;
    END $$
    """,
    *statement_triggers("reports_market_turns", "reports_turn_counts_turns_changed", "turn_counts"),
    """
    CREATE FUNCTION reports_turn_counts_turns_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM reports_turn_counts;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER turn_counts_truncate AFTER TRUNCATE ON reports_market_turns
    FOR EACH STATEMENT EXECUTE FUNCTION reports_turn_counts_turns_truncated()
    """,
    # Markets published, unpublished or moved to the other section: the years of their
    # turns (read after the lock, so that turns committed meanwhile are among them).
    f"""
    CREATE FUNCTION reports_turn_counts_markets_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed bigint[];
    BEGIN
        changed := ARRAY(
            SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE {MARKET_KEY} IS DISTINCT FROM {MARKET_KEY.replace("o.", "n.")});
        IF cardinality(changed) = 0 THEN
            RETURN NULL;
        END IF;
        LOCK TABLE reports_market_turns IN SHARE ROW EXCLUSIVE MODE;
        PERFORM reports_turn_counts_refresh(ARRAY(
            SELECT DISTINCT year FROM reports_market_turns
            WHERE market_id IN (SELECT unnest(changed))));
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER turn_counts_update AFTER UPDATE ON markets_market
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_turn_counts_markets_changed()
    """,
    # Markets deleted: their turns go at commit (a deferred key), or at once (SET
    # CONSTRAINTS ... IMMEDIATE), when the markets can no longer be read to take them
    # away: every year is counted again (the markets' turns, still there or not, are no
    # longer joined to a market). Deleting a market is rare; this is a tenth of a second.
    """
    CREATE FUNCTION reports_turn_counts_markets_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        LOCK TABLE reports_market_turns IN SHARE ROW EXCLUSIVE MODE;
        PERFORM reports_turn_counts_refresh(ARRAY(
            SELECT DISTINCT year FROM reports_market_turns
            UNION SELECT year FROM reports_turn_counts));
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER turn_counts_delete AFTER DELETE ON markets_market
    FOR EACH STATEMENT EXECUTE FUNCTION reports_turn_counts_markets_deleted()
    """,
]

DROP = [
    "DROP TRIGGER turn_counts_update ON markets_market",
    "DROP TRIGGER turn_counts_delete ON markets_market",
    *[
        f"DROP TRIGGER turn_counts_{event} ON reports_market_turns"
        for event in ("insert", "update", "delete", "truncate")
    ],
    "DROP FUNCTION reports_turn_counts_markets_deleted()",
    "DROP FUNCTION reports_turn_counts_markets_changed()",
    "DROP FUNCTION reports_turn_counts_turns_truncated()",
    "DROP FUNCTION reports_turn_counts_turns_changed()",
    "DROP FUNCTION reports_turn_counts_refresh(integer[])",
]


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0004_completeness"),
        ("reports", "0006_edition_listing_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TurnCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.IntegerField()),
                ("section", models.CharField(max_length=10)),
                ("dropped", models.BooleanField()),
                ("earlier", models.BooleanField()),
                ("said_first", models.BooleanField()),
                ("markets", models.IntegerField()),
            ],
            options={
                "db_table": "reports_turn_counts",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "section", "dropped", "earlier", "said_first"),
                        name="turn_count_unique_shape",
                    )
                ],
            },
        ),
        migrations.RunSQL(CREATE, DROP),
        watch_tables("reports_turn_counts"),
    ]
