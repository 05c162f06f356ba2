"""While the database is out of reach, pages answer a short 503 with Retry-After; once it is
back, the same process serves them again.

The outage is real, not mocked: for the request, the default connection is replaced by one
configured for a database that cannot be reached (a port nothing listens on), so connecting
fails as it does while PostgreSQL restarts. `scripts/faults` shows the same against gunicorn with a
real PostgreSQL restart under load (figures in docs/benchmarks.md).
"""

from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client

from .factories import list_market, make_market
from .http import free_port

pytestmark = pytest.mark.django_db


@contextmanager
def database_unreachable():
    """Requests made inside this block find the default database out of reach."""
    working = connections["default"]
    settings = {**working.settings_dict}
    settings.update(HOST="127.0.0.1", PORT=str(free_port()))
    unreachable = type(working)(settings, alias="default")
    connections["default"] = unreachable
    try:
        yield
    finally:
        unreachable.close()
        connections["default"] = working  # the test's own connection, untouched meanwhile


@pytest.fixture
def market():
    return list_market(make_market("AliExpress", slug="aliexpress"), 2021)


@pytest.mark.parametrize(
    "path", ["/", "/markets/aliexpress/", "/search/?q=alibaba", "/api/markets/"]
)
def test_pages_answer_503_with_retry_after_while_the_database_is_down(market, path):
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-cache" in response["Cache-Control"]  # a proxy must not keep serving it
    assert b"Notorious is briefly unavailable" in response.content
    assert b"Traceback" not in response.content


def test_the_same_process_serves_pages_again_once_the_database_is_back(market):
    client = Client(raise_request_exception=False)
    assert client.get("/markets/aliexpress/").status_code == 200
    with database_unreachable():
        assert client.get("/markets/aliexpress/").status_code == 503
    response = client.get("/markets/aliexpress/")
    assert response.status_code == 200
    assert b"AliExpress" in response.content


def test_health_check_reports_the_outage(market):
    client = Client(raise_request_exception=False)
    with database_unreachable():
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_a_connection_gives_up_on_a_silent_server_within_seconds(db):
    """The connection asks libpq for TCP keepalives and a bound on unacknowledged data, so
    a server cut off by the network is given up on in seconds, not held for the stall."""
    connection = connections["default"]
    connection.ensure_connection()
    dsn = dict(part.split("=", 1) for part in connection.connection.info.dsn.split())
    assert dsn["keepalives"] == "1"
    assert int(dsn["keepalives_idle"]) + int(dsn["keepalives_count"]) <= 10
    assert int(dsn["tcp_user_timeout"]) <= 5000
    assert int(dsn["connect_timeout"]) <= 3
