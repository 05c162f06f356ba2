"""Each market's turns, stored and kept true by triggers (notorious/reports/market_turns.py
says what each trigger keeps true, and why)."""

from django.db import migrations, models

from notorious.core.generation import statement_triggers, watch_tables

# Markets' turns from their listings, for the markets `{markets}` selects (a condition on
# `l.market_id`): `market_turns.LIVE` as it was when this migration was written.
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

# A listing's columns its market's turns rest on.
LISTING_KEY = "(o.market_id, o.report_id, o.is_published, o.source_says_first)"
# An edition's.
REPORT_KEY = "(o.year, o.is_published)"

CREATE = [
    # Filled before the key is added: no check is left pending for the indexes to wait on.
    f"INSERT INTO reports_market_turns ({COLUMNS}) {LIVE.format(markets='true')}",
    # How often each shape of turn comes in each year, together: the columns are far from
    # independent (a drop is always `earlier`), and estimating a group of 50 markets as 600
    # made PostgreSQL walk every market in name order (180 ms against 12 at 10,000 markets).
    """
    CREATE STATISTICS reports_market_turns_shape (mcv)
    ON year, dropped, earlier, said_first FROM reports_market_turns
    """,
    # Its statistics now, not at autovacuum's next visit: the pages' plans rest on them.
    "ANALYZE reports_market_turns",
    """
    ALTER TABLE reports_market_turns ADD CONSTRAINT reports_market_turns_market_id_fk
    FOREIGN KEY (market_id) REFERENCES markets_market (id) ON DELETE CASCADE
    DEFERRABLE INITIALLY DEFERRED
    """,
    # The markets' turns computed again, after the table's lock: a transaction changing
    # them at the same time waits here, then reads what the first committed (each
    # statement of this function takes a new snapshot, under READ COMMITTED).
    f"""
    CREATE FUNCTION reports_market_turns_refresh(markets bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(markets) = 0 THEN
            RETURN;
        END IF;
        LOCK TABLE reports_market_turns IN SHARE ROW EXCLUSIVE MODE;
        -- A set, not `= ANY(markets)`: publishing an edition names every market, and
        -- matching each listing against an array of them would take seconds.
        DELETE FROM reports_market_turns WHERE market_id IN (SELECT unnest(markets));
        INSERT INTO reports_market_turns ({COLUMNS})
        {LIVE.format(markets="l.market_id IN (SELECT unnest(markets))")};
    END $$
    """,
    # Listings added, deleted, or changed in what the turns rest on: their markets.
    f"""
    CREATE FUNCTION reports_market_turns_listings_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM reports_market_turns_refresh(
                ARRAY(SELECT DISTINCT market_id FROM new_rows ORDER BY market_id));
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM reports_market_turns_refresh(
                ARRAY(SELECT DISTINCT market_id FROM old_rows ORDER BY market_id));
        ELSE
            PERFORM reports_market_turns_refresh(ARRAY(
                SELECT DISTINCT market FROM old_rows o FULL JOIN new_rows n ON n.id = o.id,
                    LATERAL (VALUES (o.market_id), (n.market_id)) AS each (market)
                WHERE {LISTING_KEY} IS DISTINCT FROM {LISTING_KEY.replace("o.", "n.")}
                    AND market IS NOT NULL
                ORDER BY market));
        END IF;
        RETURN NULL;
    END $$
    """,
    *statement_triggers("reports_listing", "reports_market_turns_listings_changed", "market_turns"),
    """
    CREATE FUNCTION reports_market_turns_listings_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM reports_market_turns;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER market_turns_truncate AFTER TRUNCATE ON reports_listing
    FOR EACH STATEMENT EXECUTE FUNCTION reports_market_turns_listings_truncated()
    """,
    # Editions added, deleted, moved to another year, published or unpublished: the
    # markets listed in them (their runs) and in the year before each (its drops).
    f"""
    CREATE FUNCTION reports_market_turns_editions_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        ids bigint[];
        years integer[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(id), array_agg(year) INTO ids, years FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(id), array_agg(year) INTO ids, years FROM old_rows;
        ELSE
            SELECT array_agg(changed.id), array_agg(changed.year) INTO ids, years
            FROM old_rows o JOIN new_rows n ON n.id = o.id,
                LATERAL (VALUES (o.id, o.year), (n.id, n.year)) AS changed (id, year)
            WHERE {REPORT_KEY} IS DISTINCT FROM {REPORT_KEY.replace("o.", "n.")};
        END IF;
        IF ids IS NULL THEN
            RETURN NULL;
        END IF;
        PERFORM reports_market_turns_refresh(ARRAY(
            SELECT DISTINCT l.market_id FROM reports_listing l
            WHERE l.report_id = ANY(ids) OR l.report_id IN (
                SELECT r.id FROM reports_report r WHERE r.year + 1 = ANY(years))
            ORDER BY l.market_id));
        RETURN NULL;
    END $$
    """,
    *statement_triggers("reports_report", "reports_market_turns_editions_changed", "market_turns"),
]

DROP = [
    *[
        f"DROP TRIGGER market_turns_{event} ON {table}"
        for table in ("reports_listing", "reports_report")
        for event in ("insert", "update", "delete")
    ],
    "DROP TRIGGER market_turns_truncate ON reports_listing",
    "DROP FUNCTION reports_market_turns_editions_changed()",
    "DROP FUNCTION reports_market_turns_listings_truncated()",
    "DROP FUNCTION reports_market_turns_listings_changed()",
    "DROP FUNCTION reports_market_turns_refresh(bigint[])",
    "DROP STATISTICS reports_market_turns_shape",
    "ALTER TABLE reports_market_turns DROP CONSTRAINT reports_market_turns_market_id_fk",
]


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0004_completeness"),
        ("reports", "0004_entry_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="MarketTurn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.IntegerField()),
                ("dropped", models.BooleanField()),
                ("earlier", models.BooleanField()),
                ("said_first", models.BooleanField()),
                (
                    "market",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="turns",
                        to="markets.market",
                    ),
                ),
            ],
            options={
                "db_table": "reports_market_turns",
                "indexes": [models.Index(fields=["year", "market"], name="market_turn_year_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("market", "year"), name="market_turn_unique_year"
                    )
                ],
            },
        ),
        migrations.RunSQL(CREATE, DROP),
        watch_tables("reports_market_turns"),
    ]
