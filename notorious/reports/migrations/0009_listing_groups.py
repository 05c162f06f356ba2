"""Each edition's published listings by country and category, stored and kept true by
triggers (notorious/reports/group_counts.py says what each trigger keeps true, and why)."""

from django.db import migrations, models

from notorious.core.generation import statement_triggers, watch_tables

# Every group's count, counted from the listings: to fill the table.
LIVE = """
    SELECT l.report_id, m.country, m.category, count(*)
    FROM reports_listing l
    JOIN markets_market m ON m.id = l.market_id AND m.is_published
    WHERE l.is_published
    GROUP BY 1, 2, 3
"""
COLUMNS = "report_id, country, category, listings"

# The rows a statement changed, each with +1 (as it is now) or -1 (as it was).
CHANGED_ROWS = """
    CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT *, 1 AS sign FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT *, -1 AS sign FROM old_rows'
        ELSE 'SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows'
    END
"""

# Add each group's sum of `sign`, from a query of (report_id, country, category, sign).
APPLY = """
    INSERT INTO reports_listing_groups AS counts (report_id, country, category, listings)
    SELECT report_id, country, category, sum(sign) FROM (%s) AS changes
    GROUP BY 1, 2, 3 HAVING sum(sign) <> 0
    ON CONFLICT ON CONSTRAINT listing_group_unique
    DO UPDATE SET listings = counts.listings + excluded.listings
"""

CREATE = [
    # The rows go with their edition, whoever deletes it; checked at commit, as the
    # listings' own key is, since a transaction may add a listing before its edition.
    """
    ALTER TABLE reports_listing_groups ADD CONSTRAINT reports_listing_groups_report_id_fk
    FOREIGN KEY (report_id) REFERENCES reports_report (id) ON DELETE CASCADE
    DEFERRABLE INITIALLY DEFERRED
    """,
    f"INSERT INTO reports_listing_groups ({COLUMNS}) {LIVE}",
    # Listings added, changed or deleted: their markets share-locked first (a market
    # published, unpublished or moved now is read as it is once that commits; one changed
    # after this waits, then moves these listings itself), then each published listing of a
    # published market counted in its market's group.
    f"""
    CREATE FUNCTION reports_listing_groups_listings_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed text := {CHANGED_ROWS};
    BEGIN
        EXECUTE format(
            'SELECT 1 FROM markets_market WHERE id IN (SELECT market_id FROM (%s) AS changes)
             ORDER BY id FOR SHARE', changed);
        EXECUTE format($apply${APPLY}$apply$, format(
            'SELECT changes.report_id, market.country, market.category, changes.sign
             FROM (%s) AS changes
             JOIN markets_market AS market
                ON market.id = changes.market_id AND market.is_published
             WHERE changes.is_published', changed));
        RETURN NULL;
    END $$
    """,
    *statement_triggers(
        "reports_listing", "reports_listing_groups_listings_changed", "listing_groups"
    ),
    """
    CREATE FUNCTION reports_listing_groups_listings_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM reports_listing_groups;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER listing_groups_truncate AFTER TRUNCATE ON reports_listing
    FOR EACH STATEMENT EXECUTE FUNCTION reports_listing_groups_listings_truncated()
    """,
    # Markets published, unpublished, deleted or given another country or category: their
    # published listings leave the old group and join the new one. A statement that leaves
    # every market's flag, country and category as they were (most of them) adds nothing:
    # each market's old and new rows cancel out.
    f"""
    CREATE FUNCTION reports_listing_groups_markets_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed text := {CHANGED_ROWS};
    BEGIN
        EXECUTE format($apply${APPLY}$apply$, format(
            'SELECT listing.report_id, moves.country, moves.category, moves.sign
             FROM (SELECT id, country, category, sum(sign) AS sign
                   FROM (%s) AS changes WHERE is_published
                   GROUP BY 1, 2, 3 HAVING sum(sign) <> 0) AS moves
             JOIN reports_listing AS listing
                ON listing.market_id = moves.id AND listing.is_published', changed));
        RETURN NULL;
    END $$
    """,
    *statement_triggers(
        "markets_market", "reports_listing_groups_markets_changed", "listing_groups"
    ),
]

DROP = [
    *[
        f"DROP TRIGGER listing_groups_{event} ON {table}"
        for table in ("reports_listing", "markets_market")
        for event in ("insert", "update", "delete")
    ],
    "DROP TRIGGER listing_groups_truncate ON reports_listing",
    "DROP FUNCTION reports_listing_groups_markets_changed()",
    "DROP FUNCTION reports_listing_groups_listings_truncated()",
    "DROP FUNCTION reports_listing_groups_listings_changed()",
    "ALTER TABLE reports_listing_groups DROP CONSTRAINT reports_listing_groups_report_id_fk",
]


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0009_history_corrections"),
        ("reports", "0008_history_corrections"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListingGroupCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("country", models.CharField(max_length=2)),
                ("category", models.CharField(max_length=30)),
                ("listings", models.IntegerField()),
                (
                    "report",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reports.report",
                    ),
                ),
            ],
            options={"db_table": "reports_listing_groups"},
        ),
        migrations.AddConstraint(
            model_name="listinggroupcount",
            constraint=models.UniqueConstraint(
                fields=("report", "country", "category"), name="listing_group_unique"
            ),
        ),
        migrations.RunSQL(CREATE, DROP),
        watch_tables("reports_listing_groups"),
    ]
