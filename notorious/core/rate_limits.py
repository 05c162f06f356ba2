"""Per-client rate limits on the expensive public requests: search, downloads and the API.

One client may make `settings.RATE_LIMITS[group]` requests per period to each group (e.g.
"60/m"); the next gets `429 Too Many Requests` with `Retry-After` (the seconds until its
window ends). The groups, one per request, first match winning:

- "api": anything under `/api/` (the `api` URL namespace);
- "downloads": any public page asked for a file (`?format=...`: CSV and JSON downloads);
- "search": the search page (`/search/`);
- "lookup": the filter forms' name suggestions (`/lookup/<kind>/`, `notorious.lookup`).

Nothing else is limited: not the other pages, `/healthz`, static files (WhiteNoise answers
them before any view) or the admin (django-axes throttles its login). Signed-in staff are not
limited. Pages the page cache serves never get this far (its middleware answers first), so
they neither count nor are refused: they cost nothing.

A client is its address (`security.client_ip`, which honours a trusted proxy's header), an
IPv6 address counting as its /64 network, since one subscriber is usually given a whole /64.
The counters are django-ratelimit's fixed windows in the `RATELIMIT_USE_CACHE` cache (Redis
when REDIS_URL is set, shared by every app server; otherwise each process's own memory). A
cache that fails lets requests through (with a warning): the limits protect the site, and
must not be what takes it down.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import get_usage

from notorious.core.errors import problem_response
from notorious.core.security import client_ip

logger = logging.getLogger(__name__)

# What a client is told it did too much of, per group.
GROUP_NAMES = {
    "api": "API requests",
    "downloads": "downloads",
    "search": "searches",
    "lookup": "name suggestions",
}
PERIOD_NAMES = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}
# An IPv6 client is its network of this many bits (one household or server gets a /64).
IPV6_PREFIX = 64


def limit_group(request):
    """The rate-limit group of a resolved request ("api", "downloads", "search", "lookup"), or None
    for a request that is not limited."""
    match = request.resolver_match
    if match is None or "admin" in match.namespaces:
        return None
    if "api" in match.namespaces:
        return "api"
    if "format" in request.GET:
        return "downloads"
    if match.url_name in ("search", "lookup") and not match.namespaces:
        return match.url_name
    return None


def client_key(group, request):
    """Who is counted: the client's address, an IPv6 one as its /64 network."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # no address at all (a Unix socket without a proxy header)
        return f"address:{address}"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def client_rate(group, request):
    """The group's limit for this client: None (no limit) for signed-in staff, or when the
    operator turned the group's limit off."""
    if is_staff(request):
        return None
    return settings.RATE_LIMITS.get(group)


def is_staff(request):
    user = getattr(request, "user", None)
    try:
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)
    except Exception:
        # The session or user could not be read (the database is down): count the request
        # like a reader's, and let the view meet the outage and answer its 503.
        logger.warning("Could not tell whether the client is staff", exc_info=True)
        return False


def usage(request, group):
    """This request counted against its group: django-ratelimit's usage (`count`, `limit`,
    `should_limit`, `time_left`), or None when not limited or the cache failed."""
    try:
        return get_usage(request, group=group, key=client_key, rate=client_rate, increment=True)
    except Exception:
        logger.warning("Rate-limit cache unavailable; request let through", exc_info=True)
        return None


def describe_limit(group):
    """The group's limit in words: "60 searches a minute", "100 downloads every 300 seconds"."""
    count, seconds = settings.RATE_LIMITS[group]
    if seconds in PERIOD_NAMES:
        return f"{count} {GROUP_NAMES[group]} a {PERIOD_NAMES[seconds]}"
    return f"{count} {GROUP_NAMES[group]} every {seconds} seconds"


def too_many_requests(request, group, retry_after):
    """The 429 answer: a JSON problem (RFC 9457) for the API, name suggestions and JSON
    downloads, else a
    short page in the site's style; never cached, with Retry-After."""
    limit = describe_limit(group)
    if group in ("api", "lookup") or request.GET.get("format") == "json":
        response = problem_response(
            429,
            f"This client is limited to {limit}. "
            f"Try again in {retry_after} second{'s' if retry_after != 1 else ''}.",
            retry_after=retry_after,
        )
    else:
        page = render_to_string("429.html", {"limit": limit, "retry_after": retry_after})
        response = HttpResponse(page, status=429)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


class RateLimitMiddleware:
    """Counts each limited request and refuses those over the limit (see the module's
    docstring).

    It works in process_view, once the URL is resolved and the user is known, so a 429
    still passes back through every middleware (the security headers, the request log).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        group = limit_group(request)
        if group is None:
            return None
        counted = usage(request, group)
        if counted is None or not counted["should_limit"]:
            return None
        return too_many_requests(request, group, max(1, counted["time_left"]))
