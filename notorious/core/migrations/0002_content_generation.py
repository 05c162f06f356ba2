"""The content generation in PostgreSQL (notorious/core/generation.py): its one-row table,
the queue of bumps to make at commit, and a trigger on every content table."""

from django.db import migrations, models

from notorious.core.generation import watch_tables

# A generation starts from the clock (microseconds), so a row recreated after being lost
# starts above any number pages were cached under.
CLOCK = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"

CREATE = [
    """
    CREATE TABLE core_content_generation (
        id smallint PRIMARY KEY CHECK (id = 1),
        generation bigint NOT NULL
    )
    """,
    f"INSERT INTO core_content_generation (id, generation) VALUES (1, {CLOCK})",
    # One row per transaction that changed content, until it commits.
    "CREATE TABLE core_content_generation_pending (transaction_id bigint PRIMARY KEY)",
    # The content tables' statement trigger: queue one bump for this transaction. A second
    # change in the same transaction finds its row there and queues nothing.
    """
    CREATE FUNCTION core_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO core_content_generation_pending (transaction_id)
        VALUES (txid_current()) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$
    """,
    # At commit: bump the generation (recreating the row if it was lost).
    f"""
    CREATE FUNCTION core_bump_content_generation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM core_content_generation_pending WHERE transaction_id = NEW.transaction_id;
        INSERT INTO core_content_generation AS current (id, generation) VALUES (1, {CLOCK})
        ON CONFLICT (id) DO UPDATE SET generation = current.generation + 1;
        RETURN NULL;
    END $$
    """,
    """
    CREATE CONSTRAINT TRIGGER bump_at_commit AFTER INSERT ON core_content_generation_pending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_bump_content_generation()
    """,
]

DROP = [
    "DROP TABLE core_content_generation_pending",
    "DROP FUNCTION core_bump_content_generation()",
    "DROP FUNCTION core_content_changed()",
    "DROP TABLE core_content_generation",
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_editors_group"),
        ("companies", "0003_generated_search_vector"),
        ("markets", "0004_completeness"),
        ("reports", "0003_completeness"),
        ("press", "0004_generated_search_vector"),
        ("figures", "0003_figure_about"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentGeneration",
            fields=[
                ("id", models.SmallIntegerField(primary_key=True, serialize=False)),
                ("generation", models.BigIntegerField()),
            ],
            options={"db_table": "core_content_generation", "managed": False},
        ),
        migrations.RunSQL(CREATE, DROP),
        watch_tables(
            "companies_company",
            "markets_market",
            "reports_report",
            "reports_listing",
            "press_outlet",
            "press_article",
            "press_article_cited_outlets",
            "press_article_markets",
            "press_article_companies",
            "press_article_reports",
            "figures_figure",
        ),
    ]
