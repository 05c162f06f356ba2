"""A cache of the public pages as readers get them, shared by every app server via Redis.

Readers are anonymous, and every one of them gets the same page for the same address, so
a rendered page can be kept and served again without touching the database. What is
cached, and for whom, is deliberately narrow:

- only GET requests without a session, CSRF or messages cookie (`BYPASS_COOKIES`): staff
  (who have a session, and may see drafts) never get a cached page and never fill the
  cache, so a draft cannot leak into it. Any other cookie is not the site's: it neither
  bypasses the cache (a random cookie used to, so one client could make every request
  render afresh) nor reaches the views;
- only the public site: never /admin/, /api/ (which negotiates formats) or /healthz;
- only complete 200 responses that set no cookie, are not marked private or no-cache,
  carry no CSP nonce (a nonce must not be reused), are not streamed (downloads) and are
  at most DJANGO_PAGE_CACHE_MAX_BYTES long.

The key is the address with only the query parameters the site reads (`QUERY_PARAMETERS`),
sorted by name, repeated values kept in order: `?n=<random>` used to make every request a
new page. The view is given that same normalized query, so what it renders depends on
nothing the key leaves out.

Invalidation: every cached page is keyed on a "generation" number that any save or delete
of content bumps (signals connected in CoreConfig.ready), so a change shows at once on
every server sharing the cache. Writes that bypass signals (bulk updates, raw SQL) show
within DJANGO_PAGE_CACHE_SECONDS. With no REDIS_URL the cache is each process's own
memory: a change then shows at once in the process that made it, and within that time in
the others.

A cache that fails (Redis down) is skipped: pages are rendered as if nothing were cached.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import QueryDict
from django.utils.http import urlencode

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
UNCACHED_PREFIXES = ("/admin/", "/api/", "/healthz", "/static/")

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
        # pages, downloads and search
        "page", "p", "format", "group",
    }
)  # fmt: skip


def bypass_cookies():
    """The cookies of a visitor whose pages may differ from everyone's: a session (staff),
    the CSRF token (someone who used a form) and pending messages."""
    return {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, CookieStorage.cookie_name}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def current_generation():
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A new number, never used before even if the old one was evicted with pages
        # still cached under it.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


# The apps whose entries the public pages show.
CONTENT_APPS = {"companies", "markets", "reports", "press", "figures"}


def bump_generation(sender, **kwargs):
    """Signal receiver (saves, deletes and many-to-many changes of any model): when content
    changed, no page cached until now may be served."""
    if not settings.PAGE_CACHE_SECONDS or sender._meta.app_label not in CONTENT_APPS:
        return
    try:
        cache = _cache()
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet: nothing is cached under one either
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # the save must not fail because the cache does
        logger.warning("Page cache unavailable; could not invalidate it", exc_info=True)


def is_cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not bypass_cookies() & request.COOKIES.keys()
        and not request.path.startswith(UNCACHED_PREFIXES)
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
        uri = as_readers_request(request).encode("utf-8", "surrogateescape")
        key = None
        try:
            key = f"page-cache:{current_generation()}:{hashlib.sha256(uri).hexdigest()}"
            cached = _cache().get(key)
        except Exception:
            logger.warning("Page cache unavailable; rendering without it", exc_info=True)
            cached = None
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if key is not None and is_cacheable_response(response):
            try:
                _cache().set(key, response, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Page cache unavailable; page not stored", exc_info=True)
            response["X-Page-Cache"] = "miss"
        return response
