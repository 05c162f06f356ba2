"""Statements planned once per database connection (PostgreSQL's PREPARE and EXECUTE).

An edition's changes are read in one statement of a UNION ALL branch per group, the same
text on every request for the same editions. At 10,000 markets PostgreSQL spent 5-7 ms
planning it against about 2 ms running it, on every request of the home page, an edition's
page and its changes page. Prepared on a connection, a statement is planned at its first
execution and its plan kept for the session; PostgreSQL plans it again by itself when a
table it reads changes shape or has its statistics refreshed (a migration, ANALYZE).

The parameters are written into the text (`compose_sql`, as Django's client-side binding
sends them anyway), so a prepared statement has none: PostgreSQL plans it for exactly those
values, never a generic plan. Its name is a hash of the text, so the same statement is
prepared once per connection whichever code asks for it. A connection keeps at most KEPT.

Prepared statements belong to the database session, like the planner's costs
(`core.planner`) and the request's statement timeout (`core.query_limits`): behind a
connection pooler, its session mode (docs/deployment.md).
"""

import hashlib

from django.db import connections

# Prepared statements a connection keeps (each holds its plan in PostgreSQL's memory): the
# changes of a few pairs of editions, each read with a few sets of groups.
KEPT = 64


def fetch_all(alias, sql, params=()):
    """The rows of `sql` with `params` on the database `alias`, from its prepared statement:
    prepared and run in one round trip the first time on a connection, run after that."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        # The session once the cursor is open: opening it may replace a connection that
        # failed its health check.
        session = _session(connection)
        text = connection.ops.compose_sql(sql, params)
        name = "notorious_" + hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
        if name in session.names:
            statements = [f"EXECUTE {name}"]
        else:
            statements = [f"PREPARE {name} AS {text}", f"EXECUTE {name}"]
            if session.unsure or len(session.names) >= KEPT:
                statements.insert(0, "DEALLOCATE ALL")
        # Until this succeeds, which statements the session holds is unsure: a failed run
        # may have prepared its statement all the same (PREPARE outlives a rollback).
        session.unsure = True
        # One call (the simple query protocol runs several statements): the rows are the
        # last statement's, and a page's count of queries is the same prepared or not.
        cursor.execute("; ".join(statements))
        for _ in statements[1:]:
            cursor.nextset()
        rows = cursor.fetchall()
    if statements[0] == "DEALLOCATE ALL":
        session.names.clear()
    session.names.add(name)
    session.unsure = False
    return rows


class _Session:
    """What one database session holds prepared: `names`, unless `unsure`."""

    def __init__(self, raw):
        self.raw, self.names, self.unsure = raw, set(), False


def _session(connection):
    """The prepared statements of `connection`'s current session (a Django connection is
    its thread's own; after a reconnection, a new session has none)."""
    session = getattr(connection, "_notorious_prepared", None)
    if session is None or session.raw is not connection.connection:
        session = connection._notorious_prepared = _Session(connection.connection)
    return session
