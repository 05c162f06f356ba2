"""Readers' queries on PostgreSQL streaming replicas, everything else on the primary.

With `DATABASE_REPLICA_URLS` set (settings.py), each replica is a database alias
(`replica1`, `replica2`, ...) and this module decides, once per request, which database the
request reads from (`read_database()`):

- the primary ("default") for every request that could write or that must see its own
  writes: a non-safe method (POST and the like), a request carrying the session cookie
  (every signed-in editor), and any request from a client that wrote in the last
  `REPLICA_PIN_SECONDS` (the short-lived `PIN_COOKIE` set on the response of a write), so
  the page shown after a change already shows it, whatever the replica's lag;
- otherwise one replica, chosen in turn among those not marked down.

Writes always go to the primary, and so do reads inside a transaction on the primary. Outside
a request (management commands, migrations, the shell, tests) every query uses the primary,
and migrations only ever run there.

Failover: a replica that cannot be reached, or whose connection breaks mid-request, is
marked down in this process for `REPLICA_DOWN_SECONDS`, and the request's view is run once
more on the primary (safe methods only, and only while no response has been produced), so a
reader never sees the failure. Without replicas none of this does anything: every query goes
to the one database, as before.
"""

import contextvars
import itertools
import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import FileResponse
from psycopg.errors import QueryCanceled

from notorious.core.middleware import unavailable_for_database_error

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
# Set on the response of a request that wrote; while the browser holds it, that client's
# requests read from the primary.
PIN_COOKIE = "notorious_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# The database the current request reads from; outside a request, the primary.
_read_database = contextvars.ContextVar("read_database", default=PRIMARY)
# Whether the current request wrote (a write anywhere pins its client to the primary).
_wrote = contextvars.ContextVar("wrote", default=False)
# Per process: the monotonic time until which each replica is considered down.
_down_until = {}
_turns = itertools.count()


def replicas():
    return settings.REPLICA_DATABASES


def read_database():
    """The alias the current request reads from (the primary outside a request)."""
    return _read_database.get()


def is_down(alias):
    return _down_until.get(alias, 0) > time.monotonic()


def mark_down(alias, error=None):
    """Use no replica `alias` in this process for the next REPLICA_DOWN_SECONDS."""
    if not is_down(alias):
        logger.warning(
            "Replica %s unavailable; reading from the primary for %s s: %s",
            alias,
            settings.REPLICA_DOWN_SECONDS,
            error,
        )
    _down_until[alias] = time.monotonic() + settings.REPLICA_DOWN_SECONDS


def give_up_on(alias, error):
    """The replica `alias` failed: mark it down, and read the rest of this request from the
    primary if it was reading from it."""
    mark_down(alias, error)
    if _read_database.get() == alias:
        _read_database.set(PRIMARY)


def available_replica():
    """A replica not marked down, taken in turn; None if there is none."""
    up = [alias for alias in replicas() if not is_down(alias)]
    return up[next(_turns) % len(up)] if up else None


def must_read_primary(request):
    """Whether `request` reads from the primary: it may write, or its client must see what
    it (or its editor's session) wrote."""
    return (
        request.method not in SAFE_METHODS
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or PIN_COOKIE in request.COOKIES
    )


class PrimaryReplicaRouter:
    """Django's database router (settings.DATABASE_ROUTERS): writes, and reads inside a
    transaction on the primary, to the primary; other reads to the request's database."""

    def db_for_read(self, model, **hints):
        alias = _read_database.get()
        if alias == PRIMARY or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return alias

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Every database holds the same rows: the replicas are copies of the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReadDatabaseMiddleware:
    """Chooses the database each request reads from (see the module's docstring), before any
    middleware that may query it (the page cache's included); pins a client that wrote to
    the primary for REPLICA_PIN_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replicas():
            return self.get_response(request)
        alias = PRIMARY if must_read_primary(request) else available_replica() or PRIMARY
        if alias != PRIMARY and connections[alias].connection is None:
            # A failure to connect last time must not be taken for one of this request's.
            connections[alias].errors_occurred = False
        read_token, wrote_token = _read_database.set(alias), _wrote.set(False)
        try:
            response = self.get_response(request)
            alias, wrote = _read_database.get(), _wrote.get()  # the primary after a failover
        finally:
            _read_database.reset(read_token)
            _wrote.reset(wrote_token)
        if wrote or request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        if response.streaming and not isinstance(response, FileResponse):
            # A generated body (a download) queries as it is sent, after this returns.
            response.streaming_content = reading(alias, response.streaming_content)
        return response


def reading(alias, chunks):
    """`chunks` (a streamed body), each produced with its request's reads on `alias`."""
    iterator = iter(chunks)
    while True:
        token = _read_database.set(alias)
        try:
            chunk = next(iterator, StopIteration)
        finally:
            _read_database.reset(token)
        if chunk is StopIteration:
            return
        yield chunk


def replica_failed(alias):
    """Whether the replica `alias` failed during this request, and is unusable: not
    connected, or its connection broken."""
    connection = connections[alias]
    if not connection.errors_occurred:
        return False
    return connection.connection is None or not connection.is_usable()


class ReplicaFailoverMiddleware:
    """Runs a reader's view once more on the primary when the replica failed under it.

    Placed after DatabaseUnavailableMiddleware, so that its process_exception comes first:
    only errors that outlast this retry reach the 503 page. A query the replica cancelled at
    the request's time limit is not retried (it would be as slow on the primary), nor is a
    request that may have written (a non-safe method, or one that wrote already).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.replica_view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        alias = _read_database.get()
        if (
            alias == PRIMARY
            or request.method not in SAFE_METHODS
            or _wrote.get()
            or not isinstance(exception, OperationalError | InterfaceError)
            or isinstance(exception.__cause__, QueryCanceled)
            or not hasattr(request, "replica_view")
        ):
            return None
        if replica_failed(alias):
            give_up_on(alias, exception)
        else:  # the replica answers: a conflict with its replay, say; the primary has none
            logger.warning("Replica %s query failed; retried on the primary: %s", alias, exception)
            _read_database.set(PRIMARY)
        view_func, view_args, view_kwargs = request.replica_view
        try:
            response = view_func(request, *view_args, **view_kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
        except DatabaseError as error:
            response = unavailable_for_database_error(request, error)
            if response is None:
                raise
        return response
