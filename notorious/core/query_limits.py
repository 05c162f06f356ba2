"""Time limits on the database for each request, and a watchdog for a server that stops
answering.

Two kinds of slowness are bounded, each by its own means:

- **A slow query** on a server that answers: each request sets PostgreSQL's
  `statement_timeout` on its connection before its first query, so the server itself cancels
  a query that runs too long (psycopg's `QueryCanceled`; the request gets the 503 page).
  Readers get `DJANGO_DB_READER_TIMEOUT_SECONDS`, `/healthz` the shorter
  `DJANGO_DB_HEALTH_TIMEOUT_SECONDS`, staff the longer `DJANGO_DB_STAFF_TIMEOUT_SECONDS`.
  Management commands (imports, backups, exports) never pass through here: no limit.
- **A server that stops answering** (frozen, or its host paused, while the host's kernel
  still acknowledges every packet, so neither TCP keepalives nor `tcp_user_timeout` fire and
  the statement timeout cannot either): one watchdog thread per process gives up on any
  query, and on Django's health check of a persistent connection, that has waited longer
  than its limit plus MARGIN_SECONDS. It shuts the connection's socket down (on a duplicate
  of its file descriptor), so psycopg's blocked wait returns at once with an
  OperationalError; the request gets the 503 page, Django discards the connection, and the
  next request connects afresh (bounded by `connect_timeout`) once the server is back.

A persistent connection serves many requests, so a request that set its statement timeout
resets it when it ends (two short round trips for a request that uses the database; none for
one that does not): no limit carries over to whatever the connection serves next.
"""

import logging
import math
import os
import socket
import threading
import time
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import FileResponse

from notorious.core.db_routing import give_up_on
from notorious.core.middleware import unavailable_for_database_error, unavailable_response

logger = logging.getLogger(__name__)

# How long past its statement timeout the watchdog waits before giving a query up: time for
# the cancellation of a server that does answer to arrive first, with its clearer error.
MARGIN_SECONDS = 0.5
HEALTH_CHECK_PATH = "/healthz"


class Watch:
    """One database wait being watched: a duplicate of the connection's socket (so the number
    cannot be reused by another connection meanwhile), and when to give up on it."""

    __slots__ = ("fd", "deadline", "fired")

    def __init__(self, fd, deadline):
        self.fd = fd
        self.deadline = deadline
        self.fired = False


class Watchdog:
    """One thread per process that breaks the connections of waits past their deadline.

    Cheap for waits that end in time: starting and ending a watch takes a lock and
    duplicates a file descriptor; the thread sleeps until the earliest deadline and is only
    woken when a new watch ends sooner than that.
    """

    def __init__(self):
        self._reset()
        # A forked child (a gunicorn worker) has no watchdog thread: it starts its own.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self):
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._watches = set()
        self._next_wake = math.inf
        self._thread = None

    @contextmanager
    def watching(self, connection, seconds):
        """Within this block, `connection` (an open Django connection) is broken if the block
        lasts more than `seconds`. Yields the Watch: `watch.fired` says whether it was."""
        try:
            fd = os.dup(connection.connection.pgconn.socket)
        except Exception:  # closed or lost already: any wait on it fails at once anyway
            fd = None
        if fd is None:
            yield Watch(None, math.inf)
            return
        watch = Watch(fd, time.monotonic() + seconds)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="database-watchdog", daemon=True
                )
                self._thread.start()
            self._watches.add(watch)
            if watch.deadline < self._next_wake:
                self._wake.notify()
        try:
            yield watch
        finally:
            with self._lock:
                self._watches.discard(watch)
            os.close(fd)  # only once the watchdog can no longer reach it

    def _run(self):
        with self._lock:
            while True:
                now = time.monotonic()
                for watch in [watch for watch in self._watches if watch.deadline <= now]:
                    self._watches.discard(watch)
                    watch.fired = True
                    break_socket(watch.fd)
                self._next_wake = min((watch.deadline for watch in self._watches), default=math.inf)
                self._wake.wait(None if self._next_wake == math.inf else self._next_wake - now)


def break_socket(fd):
    """Shut down the socket behind `fd` in both directions, leaving `fd` open: the shutdown
    acts on the socket, so a wait on it through any descriptor ends at once."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # not connected any more: nothing to break
        pass
    finally:
        sock.detach()  # the descriptor stays the watch's to close


watchdog = Watchdog()


class RequestLimits:
    """The database time limit of one request, applied to each of its queries by a Django
    execute wrapper: the connection's statement timeout set to it, the wait watched."""

    def __init__(self, seconds):
        self.seconds = seconds
        # The connections this request set its statement timeout on (a request may use the
        # primary and a replica), and to what: {alias: (raw connection, seconds)}.
        self.set_on = {}

    def raise_to(self, seconds):
        self.seconds = max(self.seconds, seconds)

    @contextmanager
    def watching(self, connection):
        with watchdog.watching(connection, self.seconds + MARGIN_SECONDS) as watch:
            try:
                yield watch
            finally:
                if watch.fired:
                    logger.warning(
                        "The database did not answer within %.1f s; connection given up",
                        self.seconds + MARGIN_SECONDS,
                    )

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        with self.watching(connection):
            self.set_statement_timeout(connection)
            return execute(sql, params, many, context)

    def set_statement_timeout(self, connection):
        raw = connection.connection
        if self.set_on.get(connection.alias) == (raw, self.seconds):
            return
        with connection.wrap_database_errors:
            milliseconds = 0 if self.seconds == math.inf else round(self.seconds * 1000)
            raw.execute(f"SET statement_timeout = {milliseconds}")
        self.set_on[connection.alias] = (raw, self.seconds)

    def reset_statement_timeout(self):
        """Back to the server's default, so that nothing else this connection serves later
        (a request with another limit, a management command in tests) inherits the limit."""
        for connection in connections.all(initialized_only=True):
            raw, _ = self.set_on.pop(connection.alias, (None, None))
            if raw is None or connection.connection is not raw:
                continue
            try:
                with self.watching(connection), connection.wrap_database_errors:
                    connection.connection.execute("RESET statement_timeout")
            except DatabaseError:  # a lost connection, which Django discards
                pass

    @contextmanager
    def applied(self):
        """Within this block, queries on every database connection of this thread are
        limited (a streamed response's body is produced after its request's middleware)."""
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(self))
            yield

    def check_connections(self):
        """Django's health check of each persistent connection, done here under the watchdog
        (Django's own, at the first query, is not watched). False if one did not answer; a
        replica that did not is given up on instead (notorious/core/db_routing.py)."""
        for connection in connections.all(initialized_only=True):
            if connection.connection is None or connection.health_check_done:
                continue
            with self.watching(connection) as watch:
                connection.close_if_health_check_failed()
            if watch.fired:
                if connection.alias in settings.REPLICA_DATABASES:
                    # A frozen replica: this request, and the next few, read from the primary.
                    give_up_on(connection.alias, "no answer to the health check")
                    continue
                return False
        return True

    def finish(self):
        """Reset the statement timeout, and check connections that had an error, under the
        watchdog: Django checks them again after the response, unwatched, but then finds them
        already checked or closed."""
        self.reset_statement_timeout()
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None and connection.errors_occurred:
                with self.watching(connection):
                    connection.close_if_unusable_or_obsolete()

    def stream(self, chunks):
        """A streamed response's body, produced under this request's limits."""
        iterator = iter(chunks)
        try:
            while True:
                with self.applied():
                    chunk = next(iterator, StopIteration)
                if chunk is StopIteration:
                    break
                yield chunk
        finally:  # the end of the body, or the client gone
            with self.applied():
                self.finish()


def seconds_or_unlimited(seconds):
    """A limit from the settings, where 0 (or less) means none."""
    return seconds if seconds > 0 else math.inf


def reader_limit(request):
    if request.path == HEALTH_CHECK_PATH:
        return seconds_or_unlimited(settings.DB_HEALTH_TIMEOUT_SECONDS)
    return seconds_or_unlimited(settings.DB_READER_TIMEOUT_SECONDS)


class DatabaseTimeLimitMiddleware:
    """Puts every request's database work under its time limit (see the module's docstring):
    the reader's (or `/healthz`'s) from the start, raised to the staff limit once the user is
    known to be staff. Placed after the page cache, which serves its pages without the
    database, and before any middleware that may query it (sessions, authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limits = RequestLimits(reader_limit(request))
        request.database_limits = limits
        with limits.applied():
            if not limits.check_connections():
                return unavailable_response(request)
            response = self.get_response(request)
            # A generated body (a download) may query as it is sent, after this returns; a
            # file's does not.
            generated = response.streaming and not (
                getattr(response, "is_async", False) or isinstance(response, FileResponse)
            )
            if not generated:
                limits.finish()
        if generated:
            response.streaming_content = limits.stream(response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path == HEALTH_CHECK_PATH:
            return None
        try:
            is_staff = getattr(request, "user", None) is not None and request.user.is_staff
        except DatabaseError as error:
            response = unavailable_for_database_error(request, error)
            if response is None:
                raise
            return response
        if is_staff:
            request.database_limits.raise_to(
                seconds_or_unlimited(settings.DB_STAFF_TIMEOUT_SECONDS)
            )
        return None
