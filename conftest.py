"""Test-run defaults: the settings refuse to start without a secret key when debug is off,
and tests run with debug off, as in production."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
# Playwright's page tests talk to a live server thread; its sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
