"""A cache of the public pages as readers get them, shared by every app server via Redis.

Readers are anonymous and carry no cookies, and every one of them gets the same page for the
same address, so a rendered page can be kept and served again without touching the
database. What is cached, and for whom, is deliberately narrow:

- only GET requests without any cookie: staff (who have a session, and may see drafts)
  never get a cached page and never fill the cache, so a draft cannot leak into it;
- only the public site: never /admin/, /api/ (which negotiates formats) or /healthz;
- only complete 200 responses that set no cookie, are not marked private or no-cache, and
  carry no CSP nonce (a nonce must not be reused).

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
from django.core.cache import caches

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
UNCACHED_PREFIXES = ("/admin/", "/api/", "/healthz", "/static/")


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
        and not request.META.get("HTTP_COOKIE")
        and not request.path.startswith(UNCACHED_PREFIXES)
    )


def is_cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
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
        uri = request.build_absolute_uri().encode("utf-8", "surrogateescape")
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
