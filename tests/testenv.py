"""Test-run environment, loaded as a pytest plugin (see pyproject.toml) before Django starts.

The settings refuse to start without a secret key when debug is off, and the tests run
with debug off, as in production.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
# Playwright's sync API runs an event loop in the test thread that also queries the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
