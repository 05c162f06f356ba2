"""A cache of the public pages as readers get them, fresh as soon as content changes.

Readers are anonymous, and every one of them gets the same page for the same address, so
a rendered page can be kept and served again for one database query (the content
generation, below) instead of a render. What is
cached, and for whom, is deliberately narrow:

- only GET requests without a session, CSRF or messages cookie (`BYPASS_COOKIES`): staff
  (who have a session, and may see drafts) never get a cached page and never fill the
  cache, so a draft cannot leak into it. Any other cookie is not the site's: it neither
  bypasses the cache (a random cookie used to, so one client could make every request
  render afresh) nor reaches the views;
- only the public site: never /admin/ or /healthz. The API negotiates its format from the
  Accept header, so its responses are cached only for the two Accept values machine clients
  send, none or `*/*` (which DRF treats alike) and `application/json`, each under its own
  key (`api_accept`); a browser asking for the browsable API gets it rendered each time.
  An unknown Accept value cannot multiply the entries;
- only complete 200 responses that set no cookie, are not marked private or no-cache,
  carry no CSP nonce (a nonce must not be reused), are not streamed (downloads) and are
  at most DJANGO_PAGE_CACHE_MAX_BYTES long.

The key is the address with only the query parameters the site reads (`QUERY_PARAMETERS`),
sorted by name, repeated values kept in order: `?n=<random>` used to make every request a
new page. The view is given that same normalized query, so what it renders depends on
nothing the key leaves out.

Freshness: every cached page is keyed on the content generation, a number PostgreSQL
bumps in the same transaction as any change to content, however it is made (admin, bulk
update, import, command, raw SQL; notorious/core/generation.py). Each request reads the
number (one primary-key lookup) before rendering, so a change committed by any process is
what the very next request gets, from every process and server, whatever cache they use.
The number is read from the database the page renders from (a replica's number comes
with its data), before the page renders: a page is never stored under a number newer than
its data.

Where pages are kept: with REDIS_URL, in Redis, shared by every process of every server,
and each process also keeps the pages it served lately in its own memory
(PAGE_CACHE_LOCAL_ALIAS, bounded in bytes): a hit on a busy page is then answered without
the round trip to Redis, which cost gunicorn 0.1 to 0.4 ms of CPU a hit at 10,000 markets,
the larger for a page's plain copy (docs/benchmarks.md; the generation's query stays: it is
what keeps the page fresh). A page kept here is as fresh
as one in Redis, since its key holds the generation. Without REDIS_URL, pages are kept in
each process's own memory only (locmem): freshness does not need a shared cache any more,
since the key's generation is shared, so each process only renders a page once per
generation for itself. That costs a render per worker, not a stale page; sharing pages
between servers is what Redis is for.

Stampedes: on a miss, one request renders while the others asking for the same page (the
same key, so the same generation) wait for it, up to DJANGO_PAGE_CACHE_WAIT_SECONDS,
polling the cache, and are then served the stored page. If the renderer fails, gives a
page that is not stored (an error, a 404) or takes longer, the waiters render it
themselves. The wait is shared where the cache is: across servers with Redis, across the
threads of one process without it (a sync gunicorn worker serves one request at a time).

Compression: each page is kept twice, as rendered and gzipped (compressed once, when it
is stored), and a client whose Accept-Encoding names gzip, as every browser's does, gets
the gzipped copy: the 350 KB search page of 10,000 markets travels from Redis, through
nginx and to the reader as about a tenth of that. Each hit still reads one entry. Both
copies say `Vary: Accept-Encoding`. (Compression cannot leak a secret here, as BREACH
would: a cached page is the same for every reader and holds no token or cookie.)

If the database cannot be reached, the last generation this process read is used, so
pages cached before an outage are still served during it.

A cache that fails (Redis down) is skipped: pages are rendered as if nothing were cached,
except that each process still serves its own copies of the pages it kept.
"""

import hashlib
import logging
import re
import secrets
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import Error as DatabaseError
from django.http import HttpResponse, QueryDict
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe, urlencode
from django.utils.text import compress_string

from notorious.core import db_routing, generation

logger = logging.getLogger(__name__)

UNCACHED_PREFIXES = ("/admin/", "/healthz", "/static/")
API_PREFIX = "/api/"
# The Accept values an API response is cached for (see `api_accept`).
API_ACCEPTS = frozenset({"*/*", "application/json"})

# Every query parameter a public page reads: the filter sets' fields (`*/filters.py`), the
# timeline's and the comparison's forms, pagination (`page`, the sitemap's `p`), the
# downloads (`format`, `group`) and search (`q`). Any other parameter is dropped from the
# cache key and from the request the view sees. tests/test_page_cache.py checks that this
# list holds every field of every filter set and form, so a new filter cannot be missed.
QUERY_PARAMETERS = frozenset(
    {
        # filters (notorious/*/filters.py)
        "article", "category", "company", "confirmed", "country", "kind", "language",
        "latest", "market", "outlet", "parent", "q", "report", "section", "since", "sort",
        "status", "until", "year",
        # forms: the timeline's order, the comparison's editions
        "order", "from", "to",
        # pages (the API's `page_size` too), downloads and search
        "page", "page_size", "p", "format", "group",
        # the oEmbed endpoint (notorious/embeds.py)
        "url", "maxwidth", "maxheight",
    }
)  # fmt: skip


# Django's GZipMiddleware's test of Accept-Encoding.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def bypass_cookies():
    """The cookies of a visitor whose pages may differ from everyone's: a session (staff),
    the CSRF token (someone who used a form) and pending messages."""
    return {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, CookieStorage.cookie_name}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _cache_here():
    """This process's own copy of the pages it served lately, in front of the shared cache;
    None when the page cache is this process's memory already (no Redis)."""
    alias = settings.PAGE_CACHE_LOCAL_ALIAS
    return caches[alias] if alias in settings.CACHES else None


# The generation each database alias last gave, for when it cannot be reached.
_last_generation = {}


def current_generation():
    """The content generation, read from the database pages render from; during an
    outage, the last one read (None if there is none: nothing is cached then)."""
    alias = generation.read_alias()
    try:
        _last_generation[alias] = generation.current()
    except DatabaseError as error:
        if alias in db_routing.replicas():
            # A replica out of reach: this request reads from the primary, and so does the
            # generation that goes with its page.
            db_routing.give_up_on(alias, error)
            return current_generation()
        logger.warning("Database unavailable; using the last content generation read")
    return _last_generation.get(alias)


def cached_for_generation(key, compute):
    """What `compute()` returns, kept in the page cache under `key` and the content
    generation: figures derived from the whole record (a chart's counts) are computed once
    per change of content, never served stale. Computed afresh when there is no generation,
    or when `DERIVED_CACHE` is off (as in tests, where a change is seen before any commit)."""
    number = current_generation() if settings.DERIVED_CACHE else None
    if number is None:
        return compute()
    # An hour: the key names the generation, so the time only bounds what old entries cost.
    return _cache().get_or_set(f"derived:{number}:{key}", compute, timeout=3600)


def page_key(uri):
    """The cache key of the page at `uri` (bytes) now, or None if there is no generation."""
    number = current_generation()
    if number is None:
        return None
    return f"page-cache:{number}:{hashlib.sha256(uri).hexdigest()}"


def api_accept(request):
    """For an API request, the Accept value its response is cached under (none counts as
    `*/*`, as DRF counts it); None if it is not one of API_ACCEPTS, or not an API request."""
    if not request.path.startswith(API_PREFIX):
        return None
    accept = request.headers.get("Accept", "").strip() or "*/*"
    return accept if accept in API_ACCEPTS else None


def is_cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not bypass_cookies() & request.COOKIES.keys()
        and not request.path.startswith(UNCACHED_PREFIXES)
        and (not request.path.startswith(API_PREFIX) or api_accept(request) is not None)
    )


def known_query(query):
    """`query` (a QueryDict) with only the parameters in QUERY_PARAMETERS, sorted by name,
    each one's values in their order."""
    known = QueryDict(mutable=True)
    for name in sorted(QUERY_PARAMETERS & query.keys()):
        known.setlist(name, query.getlist(name))
    known._mutable = False  # as Django's own request.GET
    return known


def as_readers_request(request):
    """Narrows `request` to what the key holds: the known query parameters, no cookies
    (none of the site's are present, see `bypass_cookies`). Returns the cache key's
    address."""
    query = known_query(request.GET)
    request.GET = query
    request.META["QUERY_STRING"] = urlencode(list(query.lists()), doseq=True)
    request.COOKIES = {}
    request.META.pop("HTTP_COOKIE", None)
    return request.build_absolute_uri()


def is_cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
        and "nonce-" not in response.get("Content-Security-Policy", "")
    )


def storable(response):
    """A plain copy of `response` to keep: its status, headers and bytes, nothing else. (An
    API response would otherwise be stored with its serialized data's model instances,
    thousands of them, and unpickled on every hit: 25 ms for a page of 50 markets.)"""
    kept = HttpResponse(response.content, status=response.status_code)
    for header, value in response.items():
        kept[header] = value
    return kept


def gzipped(response):
    """The gzipped copy of a stored `response` (see `storable`), as Django's GZipMiddleware
    would give it."""
    kept = storable(response)
    kept.content = compress_string(response.content)
    kept["Content-Encoding"] = "gzip"
    kept["Content-Length"] = str(len(kept.content))
    etag = kept.get("ETag")
    if etag and etag.startswith('"'):
        kept["ETag"] = "W/" + etag  # a strong ETag names the bytes, and these differ
    return kept


def accepts_gzip(request):
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def claim_rendering(key):
    """Claims the rendering of the page at `key`: a token if this request is to render it
    (it claimed it, or the cache failed), None if another request is rendering it."""
    token = secrets.token_hex(8)
    try:
        claimed = _cache().add(f"{key}:rendering", token, timeout=settings.PAGE_CACHE_WAIT_SECONDS)
    except Exception:
        logger.warning("Page cache unavailable; rendering without it", exc_info=True)
        return token
    return token if claimed else None


def release_rendering(key, token):
    """Lets waiters go (to the stored page, or to render it themselves)."""
    try:
        if _cache().get(f"{key}:rendering") == token:
            _cache().delete(f"{key}:rendering")
    except Exception:
        logger.warning("Page cache unavailable; rendering claim left to expire", exc_info=True)


def wait_for_page(key, copy):
    """The page another request is rendering under `key`, once it is stored (as `copy`: the
    key itself, or its gzipped copy's); None if the renderer stopped without storing it, or
    took longer than PAGE_CACHE_WAIT_SECONDS."""
    deadline = time.monotonic() + settings.PAGE_CACHE_WAIT_SECONDS
    try:
        while time.monotonic() < deadline and _cache().get(f"{key}:rendering") is not None:
            time.sleep(0.02)
        return _cache().get(copy)
    except Exception:
        logger.warning("Page cache unavailable; rendering without it", exc_info=True)
        return None


def cached_page(key):
    """The page stored under `key`: this process's copy, else the shared cache's (then kept
    here too); None if neither has it."""
    here = _cache_here()
    if here is not None and (page := here.get(key)) is not None:
        return page
    try:
        page = _cache().get(key)
    except Exception:
        logger.warning("Page cache unavailable; rendering without it", exc_info=True)
        return None
    if here is not None and page is not None:
        here.set(key, page, timeout=settings.PAGE_CACHE_SECONDS)
    return page


class ReaderPageCacheMiddleware:
    """Serves readers' pages from the cache; see the module's docstring for the rules.

    Sits near the top of MIDDLEWARE (after SecurityMiddleware and WhiteNoise), so a cached
    page is a complete response, security headers included, and a hit skips the rest.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        # Outside the try: a Host header not in ALLOWED_HOSTS raises here, as it should.
        uri = as_readers_request(request)
        if accept := api_accept(request):
            uri += f" accept={accept}"
        uri = uri.encode("utf-8", "surrogateescape")
        key = page_key(uri)
        if key is None:  # no generation to trust: render, store nothing
            return self.get_response(request)
        copy = f"{key}:gzip" if accepts_gzip(request) else key
        cached = cached_page(copy)
        token = None
        if cached is None:
            token = claim_rendering(key)
            if token is None:
                cached = wait_for_page(key, copy)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            if "ETag" not in cached:
                return cached
            # A page with validators (the feeds' ETag and Last-Modified) answers a reader
            # who has it with 304, from the cache as from the view.
            return get_conditional_response(
                request,
                etag=cached.get("ETag"),
                last_modified=parse_http_date_safe(cached.get("Last-Modified", "")),
                response=cached,
            )
        try:
            return self.render_and_store(request, key)
        finally:
            if token is not None:
                release_rendering(key, token)

    def render_and_store(self, request, key):
        response = self.get_response(request)
        if is_cacheable_response(response):
            patch_vary_headers(response, ["Accept-Encoding"])
            copies = {key: storable(response), f"{key}:gzip": gzipped(response)}
            if (here := _cache_here()) is not None:
                here.set_many(copies, timeout=settings.PAGE_CACHE_SECONDS)
            try:
                _cache().set_many(copies, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Page cache unavailable; page not stored", exc_info=True)
            response["X-Page-Cache"] = "miss"
        return response
