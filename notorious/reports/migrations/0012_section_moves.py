"""Each market's moves to another section, stored and kept true by triggers
(notorious/reports/section_moves.py says what each trigger keeps true, and why; issue 11)."""

from django.db import migrations, models

from notorious.core.generation import statement_triggers, watch_tables

# Markets' moves from their listings, for the markets `{markets}` selects (a condition on
# `l.market_id`): `section_moves.LIVE` as it was when this migration was written.
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

# A listing's columns its market's moves rest on.
LISTING_KEY = "(o.market_id, o.report_id, o.is_published, o.section)"
# An edition's.
REPORT_KEY = "(o.year, o.is_published)"
# The markets the statement's listings name, before and after: those whose key changed.
CHANGED_MARKETS = f"""
    SELECT DISTINCT market FROM old_rows o FULL JOIN new_rows n ON n.id = o.id,
        LATERAL (VALUES (o.market_id), (n.market_id)) AS each (market)
    WHERE {LISTING_KEY} IS DISTINCT FROM {LISTING_KEY.replace("o.", "n.")}
        AND market IS NOT NULL
    ORDER BY market
"""

CREATE = [
    f"INSERT INTO reports_section_moves ({COLUMNS}) {LIVE.format(markets='true')}",
    """
    ALTER TABLE reports_section_moves ADD CONSTRAINT reports_section_moves_market_id_fk
    FOREIGN KEY (market_id) REFERENCES markets_market (id) ON DELETE CASCADE
    DEFERRABLE INITIALLY DEFERRED
    """,
    # The markets' moves computed again, after the table's lock (market_turns' reasons).
    f"""
    CREATE FUNCTION reports_section_moves_refresh(markets bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(markets) = 0 THEN
            RETURN;
        END IF;
        LOCK TABLE reports_section_moves IN SHARE ROW EXCLUSIVE MODE;
        DELETE FROM reports_section_moves WHERE market_id IN (SELECT unnest(markets));
        INSERT INTO reports_section_moves ({COLUMNS})
        {LIVE.format(markets="l.market_id IN (SELECT unnest(markets))")};
    END $$
    """,
    f"""
    CREATE FUNCTION reports_section_moves_listings_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM reports_section_moves_refresh(
                ARRAY(SELECT DISTINCT market_id FROM new_rows ORDER BY market_id));
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM reports_section_moves_refresh(
                ARRAY(SELECT DISTINCT market_id FROM old_rows ORDER BY market_id));
        ELSE
            PERFORM reports_section_moves_refresh(ARRAY({CHANGED_MARKETS}));
        END IF;
        RETURN NULL;
    END $$
    """,
    *statement_triggers("reports_listing", "reports_section_moves_listings_changed", "moves"),
    """
    CREATE FUNCTION reports_section_moves_listings_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM reports_section_moves;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER moves_truncate AFTER TRUNCATE ON reports_listing
    FOR EACH STATEMENT EXECUTE FUNCTION reports_section_moves_listings_truncated()
    """,
    # Editions added, deleted, moved to another year, published or unpublished: the
    # markets listed in them (a move rests on its edition and the one before).
    f"""
    CREATE FUNCTION reports_section_moves_editions_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        ids bigint[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(id) INTO ids FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(id) INTO ids FROM old_rows;
        ELSE
            SELECT array_agg(n.id) INTO ids FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE {REPORT_KEY} IS DISTINCT FROM {REPORT_KEY.replace("o.", "n.")};
        END IF;
        IF ids IS NULL THEN
            RETURN NULL;
        END IF;
        PERFORM reports_section_moves_refresh(ARRAY(
            SELECT DISTINCT l.market_id FROM reports_listing l WHERE l.report_id = ANY(ids)
            ORDER BY l.market_id));
        RETURN NULL;
    END $$
    """,
    *statement_triggers("reports_report", "reports_section_moves_editions_changed", "moves"),
]

DROP = [
    *[
        f"DROP TRIGGER moves_{event} ON {table}"
        for table in ("reports_listing", "reports_report")
        for event in ("insert", "update", "delete")
    ],
    "DROP TRIGGER moves_truncate ON reports_listing",
    "DROP FUNCTION reports_section_moves_editions_changed()",
    "DROP FUNCTION reports_section_moves_listings_truncated()",
    "DROP FUNCTION reports_section_moves_listings_changed()",
    "DROP FUNCTION reports_section_moves_refresh(bigint[])",
    "ALTER TABLE reports_section_moves DROP CONSTRAINT reports_section_moves_market_id_fk",
]


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0009_history_corrections"),
        ("reports", "0011_market_turn_year_shape"),
    ]

    operations = [
        migrations.CreateModel(
            name="SectionMove",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.IntegerField()),
                ("section", models.CharField(max_length=10)),
                ("previous_section", models.CharField(max_length=10)),
                (
                    "market",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="section_moves",
                        to="markets.market",
                    ),
                ),
            ],
            options={
                "db_table": "reports_section_moves",
                "indexes": [
                    models.Index(
                        fields=["year", "market"],
                        include=("previous_section",),
                        name="section_move_year_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("market", "year"), name="section_move_unique_year"
                    )
                ],
            },
        ),
        migrations.RunSQL(CREATE, DROP),
        watch_tables("reports_section_moves"),
    ]
