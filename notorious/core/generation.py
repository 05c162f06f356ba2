"""The content generation: one number in PostgreSQL that changes whenever content does.

Every table the public pages read (the content apps' models and their many-to-many
tables; not edit history, sessions or logs) has a statement-level trigger,
`content_changed`, on INSERT, UPDATE, DELETE and TRUNCATE. The first change in a
transaction queues one bump of the number (a row in core_content_generation_pending); the
bump itself runs as the transaction commits (a deferred constraint trigger). So:

- the new number becomes visible exactly when the change does, to every process and every
  server reading that database: it commits with the change, or not at all (a rollback);
- every way of writing counts: a save in the admin, a bulk `.update()`, an import, a
  management command, raw SQL in psql, a TRUNCATE;
- a transaction takes the generation row's lock only at its commit, so writers neither
  queue behind a long import nor deadlock on the row.

The page cache keys pages on this number (notorious/core/page_cache.py). Reading it is one
primary-key lookup on the database the page renders from (`read_alias`): on a replica, the
number and the data arrive together, so a page is never stored under a number newer than
its data.

A new content model needs the trigger on its table: add a migration with
`watch_tables("app_table", ...)`; tests/test_freshness.py fails until every content table
has it.
"""

from contextlib import suppress

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, migrations, router

from notorious.core.models import ContentGeneration
from notorious.core.query_limits import MARGIN_SECONDS, watchdog

# The apps whose entries the public pages show.
CONTENT_APPS = ("companies", "markets", "reports", "press", "figures")
TRIGGER = "content_changed"


def content_tables():
    """The tables of every content model, many-to-many tables included, edit history
    (django-simple-history's models and their many-to-many tables) not."""
    tables = set()
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not hasattr(model, "instance_type"):  # simple-history's historical models
                tables.add(model._meta.db_table)
    return sorted(tables)


def watch_tables(*tables):
    """A migration operation: changes to `tables` bump the content generation."""
    create = [
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION core_content_changed()"
        for table in tables
    ]
    drop = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}" for table in tables]
    return migrations.RunSQL(create, drop)


# The transition tables a statement trigger reads, by event.
TRANSITION_TABLES = (
    ("INSERT", "NEW TABLE AS new_rows"),
    ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("DELETE", "OLD TABLE AS old_rows"),
)


def statement_triggers(table, function, name):
    """CREATE TRIGGER statements running `function()` once per INSERT, UPDATE and DELETE
    statement on `table` (triggers `name`_insert, `name`_update, `name`_delete), each with
    the statement's rows as transition tables: `new_rows` and `old_rows`, as the event has
    them. For migrations keeping a stored summary true (reports/entry_counts.py)."""
    return [
        f"""
        CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table}
        REFERENCING {tables}
        FOR EACH STATEMENT EXECUTE FUNCTION {function}()
        """
        for event, tables in TRANSITION_TABLES
    ]


def read_alias():
    """The database whose generation goes with the pages rendered now: the one readers'
    queries go to (a replica, if the router sends them there)."""
    return router.db_for_read(ContentGeneration)


def current():
    """The content generation as the reading database sees it now (one primary-key lookup),
    or None if its row is missing. Raises the database's error if it is out of reach.

    Its query is also the persistent connection's health check for the request (instead of
    Django's `SELECT 1` first, a round trip every cached page would pay): a connection that
    fails it is closed, and the generation read again on a new one."""
    connection = connections[read_alias()]
    if (
        connection.health_check_enabled
        and connection.connection is not None
        and not connection.health_check_done
    ):
        connection.health_check_done = True
        try:
            return _read(connection)
        except DatabaseError:
            with suppress(DatabaseError):
                connection.close()
    return _read(connection)


def _read(connection):
    """Read before the request's time limits apply (a cached page needs no other query), so
    under the watchdog with /healthz's short limit: a frozen server gives an error within
    it (and the page cache its last generation) rather than holding the request."""
    seconds = settings.DB_HEALTH_TIMEOUT_SECONDS + MARGIN_SECONDS
    with watchdog.watching(connection, seconds), connection.cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {ContentGeneration._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None
