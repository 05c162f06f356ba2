"""The site's settings with tests/logging_urls.py's views, for tests/test_logging.py to serve
through gunicorn."""

from notorious.settings import *  # noqa: F403

ROOT_URLCONF = "tests.logging_urls"
