"""The count of published articles, stored and kept true by triggers
(notorious/press/article_count.py says what each trigger keeps true, and why)."""

from django.db import migrations, models

from notorious.core.generation import statement_triggers, watch_tables

# The count as it is now, stored in row 1 (a copy of article_count.RECOUNT: a migration must
# not change with the code).
STORE_LIVE_COUNT = """
    INSERT INTO press_article_count (id, published)
    SELECT 1, count(*) FROM press_article WHERE is_published
"""

CREATE = [
    f"{STORE_LIVE_COUNT} ON CONFLICT (id) DO UPDATE SET published = excluded.published",
    # The statement's rows, +1 each as they are now and -1 each as they were; a row missing
    # is stored afresh (a count that already includes this statement's rows, seen by the
    # transaction itself: the change is added only to a row another transaction stored).
    f"""
    CREATE FUNCTION press_article_count_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed text := CASE TG_OP
            WHEN 'INSERT' THEN 'SELECT is_published, 1 AS sign FROM new_rows'
            WHEN 'DELETE' THEN 'SELECT is_published, -1 AS sign FROM old_rows'
            ELSE 'SELECT is_published, 1 AS sign FROM new_rows
                  UNION ALL SELECT is_published, -1 FROM old_rows'
        END;
        delta bigint;
    BEGIN
        EXECUTE format(
            'SELECT coalesce(sum(sign) FILTER (WHERE is_published), 0) FROM (%s) AS changes',
            changed) INTO delta;
        IF delta = 0 THEN
            RETURN NULL;
        END IF;
        UPDATE press_article_count SET published = published + delta WHERE id = 1;
        IF NOT FOUND THEN
            {STORE_LIVE_COUNT}
            ON CONFLICT (id) DO UPDATE SET published = press_article_count.published + delta;
        END IF;
        RETURN NULL;
    END $$
    """,
    *statement_triggers("press_article", "press_article_count_changed", "article_count"),
    """
    CREATE FUNCTION press_article_count_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE press_article_count SET published = 0;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER article_count_truncate AFTER TRUNCATE ON press_article
    FOR EACH STATEMENT EXECUTE FUNCTION press_article_count_truncated()
    """,
]

DROP = [
    *[
        f"DROP TRIGGER article_count_{event} ON press_article"
        for event in ("insert", "update", "delete", "truncate")
    ],
    "DROP FUNCTION press_article_count_truncated()",
    "DROP FUNCTION press_article_count_changed()",
]


class Migration(migrations.Migration):
    """The count of published articles `/coverage/` states, stored (issue 11)."""

    dependencies = [
        ("press", "0009_word_match_statistics"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("published", models.BigIntegerField()),
            ],
            options={"db_table": "press_article_count"},
        ),
        migrations.RunSQL(CREATE, DROP),
        # A content table like the others (tests/test_freshness.py): a change to it, which
        # only its triggers make, moves the content generation too.
        watch_tables("press_article_count"),
    ]
