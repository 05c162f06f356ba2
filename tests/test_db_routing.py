"""Readers' queries go to a replica; editors, writes and the request after a write go to the
primary; a replica that is down or fails mid-request costs a reader nothing.

The replica here is a second connection alias ("replica1") to the test database itself, as
settings.py makes one for each of DATABASE_REPLICA_URLS: which alias a request queried tells
where it read. Its data must be committed to be seen from the second connection, hence
transactional tests. tests/test_topology.py runs the real thing: a streaming replica made
with pg_basebackup, two app servers behind nginx.
"""

import pytest
from django.core.cache import cache
from django.db import connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notorious.core import db_routing
from notorious.markets.models import Market

from . import scratch
from .admin_forms import make_editor
from .factories import list_market, make_market
from .http import free_port

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica1"])

MARKET = "/markets/aliexpress/"


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """A "replica1" alias on the test database, there before each test's database setup
    (which must know it); routed to only where a test sets REPLICA_DATABASES."""
    settings_dict = {**connections["default"].settings_dict}
    settings_dict["TEST"] = {**settings_dict["TEST"], "MIRROR": "default"}
    connections.settings["replica1"] = settings_dict
    try:
        yield
    finally:
        connections["replica1"].close()
        del connections["replica1"]
        del connections.settings["replica1"]


@pytest.fixture
def market():
    return list_market(make_market("AliExpress", slug="aliexpress"), 2021)


@pytest.fixture
def replica(settings, market):
    settings.REPLICA_DATABASES = ["replica1"]
    try:
        yield connections["replica1"]
    finally:
        connections["replica1"].close()
        db_routing._down_until.clear()


@pytest.fixture
def unreachable_replica(replica):
    """The replica's address, while the test runs, is a port nothing listens on."""
    port = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = str(free_port())
    try:
        yield replica
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port


def queries_on_each(client, path, method="get", **kwargs):
    """The response, and how many queries it made on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica1"]) as replica,
    ):
        response = getattr(client, method)(path, **kwargs)
    return response, len(primary), len(replica)


def test_a_readers_page_is_read_from_the_replica(replica):
    response, on_primary, on_replica = queries_on_each(Client(), MARKET)
    assert response.status_code == 200
    assert b"AliExpress" in response.content
    assert on_replica > 0
    assert on_primary == 0
    assert db_routing.PIN_COOKIE not in response.cookies


def test_an_editors_pages_are_read_from_the_primary(replica):
    _, client = make_editor("editor")
    for path in (MARKET, "/admin/markets/market/"):
        response, on_primary, on_replica = queries_on_each(client, path)
        assert response.status_code == 200
        assert on_primary > 0
        assert on_replica == 0


def test_the_request_after_a_write_is_read_from_the_primary(replica):
    client = Client()
    response, on_primary, on_replica = queries_on_each(
        client, "/admin/login/", "post", data={"username": "nobody", "password": "wrong"}
    )
    assert on_replica == 0
    pin = response.cookies[db_routing.PIN_COOKIE]
    assert pin["max-age"] == 10
    assert pin["httponly"]
    # The browser sends the cookie back while it lasts: the next page reads the primary.
    response, on_primary, on_replica = queries_on_each(client, MARKET)
    assert response.status_code == 200
    assert (on_primary > 0, on_replica) == (True, 0)
    # Once it has expired, the replica again.
    del client.cookies[db_routing.PIN_COOKIE]
    response, on_primary, on_replica = queries_on_each(client, MARKET)
    assert (on_primary, on_replica > 0) == (0, True)


def test_outside_a_request_everything_uses_the_primary(replica):
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        assert Market.objects.filter(slug="aliexpress").exists()
    assert len(on_replica) == 0
    assert router.allow_migrate("default", "markets")
    assert not router.allow_migrate("replica1", "markets")


def test_replica_queries_have_the_readers_time_limit(replica):
    limits = []

    def record_limit(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        limits.append(context["connection"].connection.execute("SHOW statement_timeout").fetchone())
        return result

    replica.ensure_connection()
    with replica.execute_wrapper(record_limit):
        assert Client().get(MARKET).status_code == 200
    assert limits and set(limits) == {("3s",)}
    # And no limit stays on the connection for whatever it serves next.
    assert replica.connection.execute("SHOW statement_timeout").fetchone() == ("0",)


def test_a_reader_gets_the_page_from_the_primary_when_the_replica_is_down(unreachable_replica):
    client = Client(raise_request_exception=False)
    response = client.get(MARKET)
    assert response.status_code == 200
    assert b"AliExpress" in response.content
    assert db_routing.is_down("replica1")
    # Meanwhile the next readers go straight to the primary, and /healthz says so, in a 200.
    with CaptureQueriesContext(connections["default"]) as on_primary:
        assert client.get(MARKET).status_code == 200
    assert len(on_primary) > 0
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "ok\nreplica1: down\n"


def test_with_the_page_cache_on_a_down_replica_costs_a_reader_nothing(
    unreachable_replica, settings
):
    """The page cache reads the content generation before any view runs: a replica out of
    reach there is given up on too, and the generation read from the primary, whose page is
    then cached and served."""
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    client = Client(raise_request_exception=False)
    first = client.get(MARKET)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    assert db_routing.is_down("replica1")
    second = client.get(MARKET)
    assert second["X-Page-Cache"] == "hit"
    assert b"AliExpress" in second.content


def test_a_replica_connection_cut_mid_request_is_retried_on_the_primary(replica):
    """The replica's server ends the connection under the page's first query, as a replica
    does when it is stopped (`terminating connection due to administrator command`)."""

    def terminate_first(execute, sql, params, many, context):
        if not terminated:
            pid = context["connection"].connection.info.backend_pid
            with scratch.connect("postgres") as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            terminated.append(pid)
        return execute(sql, params, many, context)

    terminated = []
    replica.ensure_connection()
    with replica.execute_wrapper(terminate_first):
        response = Client(raise_request_exception=False).get(MARKET)
    assert terminated
    assert response.status_code == 200
    assert b"AliExpress" in response.content
    assert db_routing.is_down("replica1")


def test_healthz_reports_how_far_each_replica_is_behind(replica):
    response = Client().get("/healthz")
    assert response.status_code == 200
    # The test database is no replica: the health check says so rather than guess a lag.
    assert response.content.decode() == "ok\nreplica1: not a replica\n"


def test_without_replicas_nothing_changes(market):
    response = Client().get(MARKET)
    assert response.status_code == 200
    assert db_routing.PIN_COOKIE not in Client().post("/admin/login/", {}).cookies
    assert Client().get("/healthz").content == b"ok\n"
