"""Each edition's entered listings, stored and kept true by triggers
(notorious/reports/entry_counts.py says what each trigger keeps true, and why)."""

from django.db import migrations, models

from notorious.core.generation import statement_triggers, watch_tables

# An edition's counts, counted from its listings: to fill the table, and for an edition
# added after its listings (foreign keys are checked at commit, so a transaction may add a
# listing before its edition).
LIVE = """
    SELECT r.id,
        count(l.id) FILTER (WHERE l.section = 'online'),
        count(l.id) FILTER (WHERE l.section = 'online' AND l.is_published AND m.is_published),
        count(l.id) FILTER (WHERE l.section = 'physical'),
        count(l.id) FILTER (WHERE l.section = 'physical' AND l.is_published AND m.is_published)
    FROM {reports} r
    LEFT JOIN reports_listing l ON l.report_id = r.id
    LEFT JOIN markets_market m ON m.id = l.market_id
    GROUP BY r.id
"""
COLUMNS = "report_id, online_entered, online_published, physical_entered, physical_published"

# The rows a statement changed, each with +1 (as it is now) or -1 (as it was).
CHANGED_ROWS = """
    CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT *, 1 AS sign FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT *, -1 AS sign FROM old_rows'
        ELSE 'SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows'
    END
"""

# Add each edition's sums of `sign`, from a query of listings with their report_id,
# section, sign, whether the listing itself came or went (`entered`: false when only its
# market's flag changed) and whether readers see it (`visible`).
APPLY = """
    WITH delta AS (
        SELECT report_id,
            sum(sign) FILTER (WHERE section = 'online' AND entered) AS online_entered,
            sum(sign) FILTER (WHERE section = 'online' AND visible) AS online_published,
            sum(sign) FILTER (WHERE section = 'physical' AND entered) AS physical_entered,
            sum(sign) FILTER (WHERE section = 'physical' AND visible) AS physical_published
        FROM (%s) AS changes
        GROUP BY report_id
    )
    UPDATE reports_entry_counts AS counts SET
        online_entered = counts.online_entered + coalesce(delta.online_entered, 0),
        online_published = counts.online_published + coalesce(delta.online_published, 0),
        physical_entered = counts.physical_entered + coalesce(delta.physical_entered, 0),
        physical_published = counts.physical_published + coalesce(delta.physical_published, 0)
    FROM delta
    WHERE counts.report_id = delta.report_id
        AND (coalesce(delta.online_entered, 0), coalesce(delta.online_published, 0),
             coalesce(delta.physical_entered, 0), coalesce(delta.physical_published, 0))
            <> (0, 0, 0, 0)
"""

CREATE = [
    # The row goes with its edition, whoever deletes it.
    """
    ALTER TABLE reports_entry_counts ADD CONSTRAINT reports_entry_counts_report_id_fk
    FOREIGN KEY (report_id) REFERENCES reports_report (id) ON DELETE CASCADE
    """,
    f"INSERT INTO reports_entry_counts ({COLUMNS}) {LIVE.format(reports='reports_report')}",
    # A new edition: its row, counting any listings the transaction added before it.
    f"""
    CREATE FUNCTION reports_entry_counts_editions_added() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO reports_entry_counts ({COLUMNS}) {LIVE.format(reports="new_rows")}
        ON CONFLICT (report_id) DO NOTHING;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER entry_counts AFTER INSERT ON reports_report
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reports_entry_counts_editions_added()
    """,
    # Listings added, changed or deleted. Their markets are share-locked first: a market
    # being published or unpublished now is read as it is once that commits, and a market
    # changed after this waits for this transaction, then counts these listings itself. A
    # market gone (deleted earlier in the transaction) counts as unpublished, as its
    # deletion did.
    f"""
    CREATE FUNCTION reports_entry_counts_listings_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed text := {CHANGED_ROWS};
    BEGIN
        EXECUTE format(
            'SELECT 1 FROM markets_market WHERE id IN (SELECT market_id FROM (%s) AS changes)
             ORDER BY id FOR SHARE', changed);
        EXECUTE format($apply${APPLY}$apply$, format(
            'SELECT changes.report_id, changes.section, changes.sign, true AS entered,
                changes.is_published AND coalesce(market.is_published, false) AS visible
             FROM (%s) AS changes
             LEFT JOIN markets_market AS market ON market.id = changes.market_id', changed));
        RETURN NULL;
    END $$
    """,
    *statement_triggers("reports_listing", "reports_entry_counts_listings_changed", "entry_counts"),
    """
    CREATE FUNCTION reports_entry_counts_listings_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE reports_entry_counts SET online_entered = 0, online_published = 0,
            physical_entered = 0, physical_published = 0;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER entry_counts_truncate AFTER TRUNCATE ON reports_listing
    FOR EACH STATEMENT EXECUTE FUNCTION reports_entry_counts_listings_truncated()
    """,
    # Markets published (+1), unpublished or deleted (-1): their published listings move
    # into or out of readers' counts. Statements that leave every market's flag as it was
    # (most of them) stop at the first step.
    f"""
    CREATE FUNCTION reports_entry_counts_markets_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed text := {CHANGED_ROWS};
    BEGIN
        EXECUTE format($apply${APPLY}$apply$, format(
            'SELECT listing.report_id, listing.section, flips.sign,
                false AS entered, true AS visible
             FROM (SELECT id, sum(sign) AS sign FROM (%s) AS changes WHERE is_published
                   GROUP BY id HAVING sum(sign) <> 0) AS flips
             JOIN reports_listing AS listing
                ON listing.market_id = flips.id AND listing.is_published', changed));
        RETURN NULL;
    END $$
    """,
    *statement_triggers("markets_market", "reports_entry_counts_markets_changed", "entry_counts"),
]

DROP = [
    *[
        f"DROP TRIGGER entry_counts_{event} ON {table}"
        for table in ("reports_listing", "markets_market")
        for event in ("insert", "update", "delete")
    ],
    "DROP TRIGGER entry_counts_truncate ON reports_listing",
    "DROP TRIGGER entry_counts ON reports_report",
    "DROP FUNCTION reports_entry_counts_markets_changed()",
    "DROP FUNCTION reports_entry_counts_listings_truncated()",
    "DROP FUNCTION reports_entry_counts_listings_changed()",
    "DROP FUNCTION reports_entry_counts_editions_added()",
    "ALTER TABLE reports_entry_counts DROP CONSTRAINT reports_entry_counts_report_id_fk",
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_content_generation"),
        ("markets", "0004_completeness"),
        ("reports", "0003_completeness"),
    ]

    operations = [
        migrations.CreateModel(
            name="EntryCounts",
            fields=[
                (
                    "report",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="entry_counts",
                        serialize=False,
                        to="reports.report",
                    ),
                ),
                ("online_entered", models.IntegerField()),
                ("online_published", models.IntegerField()),
                ("physical_entered", models.IntegerField()),
                ("physical_published", models.IntegerField()),
            ],
            options={"db_table": "reports_entry_counts"},
        ),
        migrations.RunSQL(CREATE, DROP),
        watch_tables("reports_entry_counts"),
    ]
