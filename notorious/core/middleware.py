"""Middleware: a short "try again" page while the database is out of reach or too slow."""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from psycopg.errors import QueryCanceled

from notorious.core.errors import problem_response

logger = logging.getLogger(__name__)

# Seconds a client (or a proxy) is asked to wait: PostgreSQL restarts in a few.
RETRY_AFTER = 5


def database_reachable():
    """Whether every open database connection still answers.

    A connection that failed to open, or that the server dropped, is not usable; one that
    answers `SELECT 1` is, so an error on it came from the query, not from an outage.
    """
    opened = connections.all(initialized_only=True)
    return bool(opened) and all(conn.connection is not None and conn.is_usable() for conn in opened)


class DatabaseUnavailableMiddleware:
    """Turns a lost database into a fast 503 with Retry-After, instead of a 500 page.

    While PostgreSQL restarts, connecting is refused at once (and `connect_timeout` in the
    settings bounds the wait when the server does not answer at all), and requests on a
    connection the server dropped fail at once; this shows readers a short "back in a
    moment" page and tells proxies and crawlers when to retry. Django then discards the
    broken connection at the end of the request (CONN_MAX_AGE with conn_health_checks), so
    the first request after the database is back reconnects: no app server restart.

    A query PostgreSQL cancelled at the request's time limit (`statement_timeout`, see
    notorious/core/query_limits.py) gets the same page: the database is too busy to answer
    in time. Any other OperationalError on a connection that still answers is a bad query,
    not an outage, and stays the server error it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return unavailable_for_database_error(request, exception)


def unavailable_for_database_error(request, exception):
    """The 503 response for `exception` if it means the database is unavailable (lost, or
    too slow: a query cancelled at its time limit), else None."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return None
    if isinstance(exception.__cause__, QueryCanceled):
        logger.warning("A query ran past its time limit, answered 503: %s", exception)
        return unavailable_response(request)
    if database_reachable():
        return None
    logger.warning("Database unavailable, answered 503: %s", exception)
    return unavailable_response(request)


UNAVAILABLE_MESSAGE = "Notorious is briefly unavailable. Please try again in a few seconds."


def unavailable_response(request):
    """The 503 page (for the API, a JSON problem), with Retry-After and no caching."""
    if request.path.startswith("/api/"):
        response = problem_response(503, UNAVAILABLE_MESSAGE)
    else:
        response = HttpResponse(*unavailable_page(request), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


def unavailable_page(request):
    """The 503 page's body and content type."""
    try:
        # Rendered without the context processors: they may look up the session or the
        # user, which needs the very database that is down.
        return loader.render_to_string("503.html", {"request": request}), "text/html; charset=utf-8"
    except Exception:  # the page must not fail in its turn; plain text will do
        logger.exception("The 503 page could not be rendered")
        return f"{UNAVAILABLE_MESSAGE}\n", "text/plain; charset=utf-8"
