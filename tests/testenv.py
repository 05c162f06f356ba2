"""Test-run environment, loaded as a pytest plugin (see pyproject.toml) before Django starts.

The settings refuse to start without a secret key when debug is off, and the tests run
with debug off, as in production. Without DATABASE_URL they run on the checkout's embedded
PostgreSQL (notorious/local_database.py).
"""

import os

# Tests run with debug off, as production does, even in a checkout whose .env (written by
# `make run`) turns it on for the development server.
os.environ.setdefault("DJANGO_DEBUG", "0")

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
# Pages render {% static %} without a collectstatic manifest (which only a deploy builds).
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")
# The test client and live_server speak plain HTTP; tests of the HTTPS settings set them.
os.environ.setdefault("DJANGO_HTTPS", "0")
# Playwright's sync API runs an event loop in the test thread that also queries the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Pages are rendered afresh for each request: tests that change data between requests, or
# count queries, must see them render. tests/test_page_cache.py turns the cache on.
os.environ.setdefault("DJANGO_PAGE_CACHE_SECONDS", "0")
os.environ.setdefault("DJANGO_DERIVED_CACHE", "0")
# The suite makes thousands of requests from one address (127.0.0.1): limits far above
# that keep them counted but never refused. tests/test_rate_limits.py sets small ones.
for _group in ("SEARCH", "DOWNLOADS", "API", "LOOKUP"):
    os.environ.setdefault(f"DJANGO_RATE_LIMIT_{_group}", "1000000/m")
# The tests crash views on purpose: none of that may reach a Sentry configured in the shell
# or in .env (empty, not absent, so .env cannot fill it in).
os.environ["SENTRY_DSN"] = ""
# The suite runs on the one test database: replicas configured in the shell are not used
# (tests/test_db_routing.py and tests/test_topology.py add their own).
os.environ["DATABASE_REPLICA_URLS"] = ""
# Absolute URLs (feeds, canonical links, the sitemap) come from the configured site address,
# never from the request: the suite's is not the test client's host, so a URL built from the
# request would show.
os.environ["DJANGO_SITE_URL"] = "https://notorious.example"
