"""A request id for every request: on each log line it causes, in its X-Request-ID response
header, in gunicorn's access log and on its Sentry events, so an operator can follow one
request from the proxy's log to the traceback.

A reverse proxy may send its own id in X-Request-ID (nginx: `proxy_set_header X-Request-ID
$request_id;`); it is kept if it looks like one, so the proxy's log and this site's agree.
Anything else (absent, too long, characters that could forge or split a log line) is
replaced by a new random id.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.utils.encoding import escape_uri_path

logger = logging.getLogger("notorious.requests")

# Outside a request (management commands, start-up) log lines show "-".
current_request_id = ContextVar("request_id", default="-")

# Letters, digits and the punctuation of UUIDs, base64 and the common tracing formats; no
# spaces, quotes or control characters, and bounded, so it is safe to write into a log line.
WELL_FORMED = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")


def request_id_from(request):
    """The incoming X-Request-ID if it is well formed, else a new one (a uuid4's hex)."""
    incoming = request.headers.get("X-Request-ID", "")
    if WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each request its id and logs one line for it when the response is ready.

    First in MIDDLEWARE, so pages the readers' page cache answers early, and responses other
    middleware build (the 503 page, redirects), get an id and a line too. The duration is
    the time to build the response; a streamed download's body is still being sent after.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # The id stays set until the response is closed, not just until this returns: Django
        # logs an error response that no exception caused (the 503 page, a 429) after the
        # middleware, and a streamed download's generator runs later still.
        request_finished.connect(forget_request_id, dispatch_uid="forget-request-id")

    def __call__(self, request):
        request.request_id = request_id_from(request)
        current_request_id.set(request.request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        logger.info(
            "%s %s %s %.0fms",
            request.method,
            # Quoted as in the address bar: a decoded path could hold a newline. No query
            # string: what readers search for is their business, not the log's.
            escape_uri_path(request.path),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


def forget_request_id(**kwargs):
    """request_finished receiver: what the worker logs between requests has no request id."""
    current_request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record, for the formatter (see LOGGING in settings)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


def tag_sentry_event(event, hint):
    """Sentry's before_send: the event carries the id of the request that caused it."""
    request_id = current_request_id.get()
    if request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return event
