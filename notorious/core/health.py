"""`/healthz`: whether this app server can answer, for a load balancer or reverse proxy."""

from django.db import DatabaseError, connection, connections
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from notorious.core.db_routing import is_down, mark_down, replicas

# How far a replica's replay is behind: 0 when it has replayed all it received, else the
# age of the last transaction it replayed; NULL when it is no replica (promoted, or wrong).
REPLICA_LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN NULL
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
    END
"""


@never_cache
def healthz(request):
    """200 "ok" when the primary database answers, 503 when it does not (take this server out
    of the pool until it does). Cheap enough to probe every few seconds: one `SELECT 1`, and
    one query per replica. A replica's state is reported on a line of its own: readers use
    the primary while it is down, so it never makes the answer a 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain; charset=utf-8"
        )
    lines = ["ok"] + [f"{alias}: {replica_state(alias)}" for alias in replicas()]
    return HttpResponse(
        "".join(f"{line}\n" for line in lines), content_type="text/plain; charset=utf-8"
    )


def replica_state(alias):
    """ "ok, N s behind", "not a replica", or "down" (not probed again while marked down)."""
    if is_down(alias):
        return "down"
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(REPLICA_LAG_SQL)
            (lag,) = cursor.fetchone()
    except DatabaseError as error:
        mark_down(alias, error)
        return "down"
    return "not a replica" if lag is None else f"ok, {float(lag):.1f} s behind"
