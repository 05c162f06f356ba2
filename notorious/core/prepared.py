"""Statements planned once per database connection (PostgreSQL's prepared statements, kept
by psycopg).

PostgreSQL plans every statement it is sent. For the short statements of a page about one
entry, planning costs more than running: at 10,000 markets a market's page spent 2.9 ms of
PostgreSQL planning its six statements against 0.4 ms running them. A prepared statement is
planned when it is first run on a connection; PostgreSQL keeps the plan for the session
and plans again by itself when a table it reads changes shape or has its statistics
refreshed (a migration, ANALYZE).

Inside `plans_kept()`, statements go to PostgreSQL with their parameters apart from the text
(server-side binding), and psycopg prepares each statement the first time it runs on the
connection: the same text with other values is the same statement. PostgreSQL plans its
first five runs for their own values, then keeps one plan for all values if that plan is
priced no worse. That is right where a statement's values differ only in which entry
they name (a market's listings, coverage, figures), and wrong where they decide how much
a statement reads (a search's words, a list's filters): so plans are kept only where a
view asks (`PublishedDetailView`, the pages of one entry). Everywhere else parameters are
written into the text (Django's default, client-side binding) and every statement is
planned for its values.

`fetch_all` writes its values into the text and runs it with plans kept: a plan made for
exactly those values, kept for the next request that asks the same (the changes of a pair
of editions, planned in 5-7 ms at 10,000 markets against about 2 ms run).

psycopg keeps at most `prepared_max` statements a connection (100), forgetting the least
recently used, and starts afresh after a rollback. Prepared statements belong to the
database session, like the planner's costs (`core.planner`) and the request's statement
timeout (`core.query_limits`): behind a connection pooler, its session mode
(docs/deployment.md).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections
from django.db.backends.postgresql.base import Cursor, ServerBindingCursor

_keeping_plans = ContextVar("notorious_keeping_plans", default=False)


@contextmanager
def plans_kept():
    """Inside: every statement this thread runs is prepared on its connection (see above)."""
    token = _keeping_plans.set(True)
    try:
        yield
    finally:
        _keeping_plans.reset(token)


def _cursor(connection, *args, **kwargs):
    """psycopg's cursor factory for the site's connections: server-side binding, which
    prepares, inside `plans_kept()`; client-side binding, Django's default, elsewhere."""
    kind = ServerBindingCursor if _keeping_plans.get() else Cursor
    return kind(connection, *args, **kwargs)


def choose_binding(sender, connection, **kwargs):
    """`connection_created` receiver: the new connection's cursors bind as `plans_kept`
    says (settings.py has psycopg prepare a statement bound server-side at its first run)."""
    connection.connection.cursor_factory = _cursor


def fetch_all(alias, sql, params=()):
    """The rows of `sql` with `params` on the database `alias`, from a statement prepared for
    exactly these values: planned the first time on a connection, only run after that."""
    connection = connections[alias]
    text = connection.ops.compose_sql(sql, params)
    with plans_kept(), connection.cursor() as cursor:
        cursor.execute(text)
        return cursor.fetchall()
