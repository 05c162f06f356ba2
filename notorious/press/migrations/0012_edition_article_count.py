"""Each edition's count of published articles, stored and kept true by triggers
(notorious/press/edition_article_count.py says what each trigger keeps true, and why)."""

import django.db.models.deletion
from django.db import migrations, models

from notorious.core.generation import statement_triggers, watch_tables

# The rows a statement changed, each with +1 (as it is now) or -1 (as it was).
CHANGED_ROWS = """
    CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT *, 1 AS sign FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT *, -1 AS sign FROM old_rows'
        ELSE 'SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows'
    END
"""

# Add the (report_id, sign) rows of a query (a format() string, with the statement's
# changes for its %s) to each edition's count: plpgsql for a trigger function's body (the
# transition tables are visible only there, not in a function it calls). An edition without
# a row has its count stored afresh: counted now, this statement's rows included, as the
# transaction sees them; another transaction having stored it meanwhile, the change is
# added to what that one stored. Editions not (yet) in reports_report get no row: their
# pages count live.
APPLY = """
        FOR missing IN EXECUTE format(
            'WITH delta AS (
                SELECT report_id, sum(sign) AS published FROM (%s) AS signs
                GROUP BY report_id HAVING sum(sign) <> 0
            ), updated AS (
                UPDATE press_edition_article_count AS counts
                SET published = counts.published + delta.published
                FROM delta WHERE counts.report_id = delta.report_id
                RETURNING counts.report_id
            )
            SELECT delta.report_id, delta.published FROM delta
            JOIN reports_report AS report ON report.id = delta.report_id
            WHERE delta.report_id NOT IN (SELECT report_id FROM updated)', format({query}, changed))
        LOOP
            INSERT INTO press_edition_article_count AS counts (report_id, published)
            SELECT missing.report_id, count(*)
            FROM press_article_reports AS link
            JOIN press_article AS article ON article.id = link.article_id AND article.is_published
            WHERE link.report_id = missing.report_id
            ON CONFLICT (report_id) DO UPDATE SET published = counts.published + missing.published;
        END LOOP;
"""

# The links a statement made (+1) or undid (-1), of published articles.
LINKS_APPLY = APPLY.format(
    query="""'SELECT changes.report_id, changes.sign FROM (%s) AS changes
             JOIN press_article AS article
                ON article.id = changes.article_id AND article.is_published'"""
)
# The links of articles a statement published (+1), unpublished or deleted (-1).
ARTICLES_APPLY = APPLY.format(
    query="""'SELECT link.report_id, flips.sign
             FROM (SELECT id, sum(sign) AS sign FROM (%s) AS changes WHERE is_published
                   GROUP BY id HAVING sum(sign) <> 0) AS flips
             JOIN press_article_reports AS link ON link.article_id = flips.id'"""
)

CREATE = [
    """
    ALTER TABLE press_edition_article_count ADD CONSTRAINT press_edition_article_count_report_fk
    FOREIGN KEY (report_id) REFERENCES reports_report (id) ON DELETE CASCADE
    """,
    # Every edition's count as it is now (a copy of edition_article_count.RECOUNT: a
    # migration must not change with the code).
    """
    INSERT INTO press_edition_article_count (report_id, published)
    SELECT r.id, count(a.id)
    FROM reports_report r
    LEFT JOIN press_article_reports l ON l.report_id = r.id
    LEFT JOIN press_article a ON a.id = l.article_id AND a.is_published
    GROUP BY r.id
    """,
    # Links made, changed or undone. Their articles are share-locked first: an article being
    # published or unpublished now is read as it is once that commits, and an article
    # changed after this waits for this transaction, then counts these links itself. An
    # article gone (deleted earlier in the transaction) counts as unpublished, as its
    # deletion did.
    f"""
    CREATE FUNCTION press_edition_article_count_links_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed text := {CHANGED_ROWS};
        missing record;
    BEGIN
        EXECUTE format(
            'SELECT 1 FROM press_article WHERE id IN (SELECT article_id FROM (%s) AS changes)
             ORDER BY id FOR SHARE', changed);
        {LINKS_APPLY}
        RETURN NULL;
    END $$
    """,
    *statement_triggers(
        "press_article_reports",
        "press_edition_article_count_links_changed",
        "edition_article_count",
    ),
    """
    CREATE FUNCTION press_edition_article_count_links_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE press_edition_article_count SET published = 0;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER edition_article_count_truncate AFTER TRUNCATE ON press_article_reports
    FOR EACH STATEMENT EXECUTE FUNCTION press_edition_article_count_links_truncated()
    """,
    # Articles published (+1), unpublished or deleted (-1): their links move into or out of
    # the counts. Statements that leave every article's flag as it was (most edits) find no
    # flip and change nothing.
    f"""
    CREATE FUNCTION press_edition_article_count_articles_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed text := {CHANGED_ROWS};
        missing record;
    BEGIN
        {ARTICLES_APPLY}
        RETURN NULL;
    END $$
    """,
    *statement_triggers(
        "press_article", "press_edition_article_count_articles_changed", "edition_article_count"
    ),
]

DROP = [
    *[
        f"DROP TRIGGER edition_article_count_{event} ON {table}"
        for table in ("press_article_reports", "press_article")
        for event in ("insert", "update", "delete")
    ],
    "DROP TRIGGER edition_article_count_truncate ON press_article_reports",
    "DROP FUNCTION press_edition_article_count_articles_changed()",
    "DROP FUNCTION press_edition_article_count_links_truncated()",
    "DROP FUNCTION press_edition_article_count_links_changed()",
    "ALTER TABLE press_edition_article_count DROP CONSTRAINT press_edition_article_count_report_fk",
]


class Migration(migrations.Migration):
    """Each edition's count of published articles its page states, stored."""

    dependencies = [
        ("press", "0011_history_corrections"),
        ("reports", "0010_listing_said_first_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="EditionArticleCount",
            fields=[
                (
                    "report",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="article_count",
                        serialize=False,
                        to="reports.report",
                    ),
                ),
                ("published", models.BigIntegerField()),
            ],
            options={"db_table": "press_edition_article_count"},
        ),
        migrations.RunSQL(CREATE, DROP),
        # A content table like the others (tests/test_freshness.py): a change to it, which
        # only its triggers make, moves the content generation too.
        watch_tables("press_edition_article_count"),
    ]
