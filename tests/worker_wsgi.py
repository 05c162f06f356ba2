"""The site's WSGI application, with each response naming the process that made it
(`X-Worker`), so a test can reach every gunicorn worker (test_freshness.py)."""

import os

from notorious.wsgi import application as site


def application(environ, start_response):
    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Worker", str(os.getpid()))], exc_info)

    return site(environ, start)
