"""The API against its own OpenAPI schema: schemathesis sends generated requests, valid and
invalid, to every operation of the live schema and checks every answer with all its checks
(no server error, only documented statuses and content types, bodies that match their
schemas, invalid requests refused, valid ones accepted, ...). It must find nothing: every
real answer it gets is validated against the schema (response_schema_conformance, with the
URI and date formats checked). The errors and the optional addresses are also checked here
as a client sees them."""

import json
from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import load_all_checks
from schemathesis.generation import GenerationMode

from notorious.core import errors
from notorious.wsgi import application
from tests.factories import make_article, make_correction, make_figure, make_market, make_outlet

SCHEMA_URL = "/api/schema/?format=json"
load_all_checks()
# Every check schemathesis has (the CLI's `--checks all`), named so none is left out quietly.
ALL_CHECKS = list(schemathesis.checks.CHECKS.get_all())


def make_api_data():
    """The demo data, and entries with and without their optional addresses and dates."""
    call_command("load_demo", stdout=StringIO())
    outlet = make_outlet("Schema Outlet", website="https://outlet.example/")
    market = make_market("Schema Market", website="https://market.example/")
    make_market("Schema Market Without Site")
    make_article(
        "Schema story",
        outlet=outlet,
        markets=[market],
        url="https://outlet.example/story",
        published_on="2022-03-04",
    )
    make_figure(slug="schema-figure", market=market, about="market")
    make_correction(market, "The market's address had been mistyped.")


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    """The live schema, served by the site's WSGI application, over data made once for the
    module's tests and rolled back after them (they only read)."""
    # As Django's test client does: a request's end must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            make_api_data()
            yield schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api(api_schema, django_db_blocker):
    with django_db_blocker.unblock():
        yield api_schema


# Every operation the API serves; the first test checks the schema has these and no others.
OPERATIONS = [
    f"GET /api/{path}"
    for name in ("articles", "companies", "figures", "markets", "outlets")
    for path in (f"{name}/", f"{name}/{{slug}}/")
] + [
    "GET /api/corrections/",
    "GET /api/listings/",
    "GET /api/listings/{year}/{market}/",
    "GET /api/reports/",
    "GET /api/reports/{year}/",
]


def test_the_schema_describes_every_operation(api):
    operations = [result.ok() for result in api.get_all_operations()]
    assert sorted(operation.label for operation in operations) == sorted(OPERATIONS)


# schemathesis' pytest plugin (`from_fixture`) does not run under pytest 9 (it sets a test's
# `_nodeid`, gone): its generated cases are run here, one test per operation and mode.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_answers_as_its_schema_says(api, label, mode):
    """Valid requests (positive) and invalid ones (negative), 25 of each, the same on every
    run; each answer passes every check schemathesis has."""
    method, path = label.split(" ")
    operation = api[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        # The data is made once per operation (the fixture), not for each example.
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=ALL_CHECKS)

    check()


def problem_of(response, status):
    """The JSON problem (RFC 9457) an API error answers with."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == status and problem["type"] == "about:blank"
    assert problem["title"] and problem["detail"]
    return problem


@pytest.mark.django_db
def test_api_errors_are_json_problems_for_a_json_client(client):
    json_client = {"HTTP_ACCEPT": "application/json"}
    # No route takes "abc" as a year: Django's 404, not DRF's, was the HTML page.
    problem_of(client.get("/api/reports/abc/", **json_client), 404)
    problem_of(client.get("/api/no-such-list/"), 404)  # curl's */* is not asking for HTML
    problem_of(client.get("/api/markets/no-such-market/", **json_client), 404)
    problem_of(client.get("/api/outlets/", {"page": "9"}, **json_client), 404)
    bad = problem_of(client.get("/api/reports/", {"since": "1999", "page_size": "0"}), 400)
    assert set(bad["errors"]) == {"since"}  # the filters are read first
    bad = problem_of(client.get("/api/outlets/", {"page_size": "-3"}), 400)
    assert set(bad["errors"]) == {"page_size"}
    refused = client.post("/api/markets/", **json_client)
    problem_of(refused, 405)
    assert refused["Allow"] == "GET, HEAD, OPTIONS"
    # A browser asking for an unknown API address gets the site's page, in HTML.
    page = client.get("/api/no-such-list/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_an_api_crash_is_a_json_problem_without_its_detail():
    request = RequestFactory().get("/api/markets/", HTTP_ACCEPT="application/json")
    problem = problem_of(errors.server_error(request), 500)
    assert "Traceback" not in problem["detail"]
    page = errors.server_error(RequestFactory().get("/markets/"))
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_optional_addresses_are_null_or_an_absolute_uri(client):
    make_api_data()
    found = {None: 0, "uri": 0}
    for path, field in [
        ("/api/markets/", "website"),
        ("/api/companies/", "website"),
        ("/api/outlets/", "website"),
        ("/api/articles/", "url"),
        ("/api/reports/", "source_url"),
    ]:
        for entry in client.get(path, {"page_size": "200"}).json()["results"]:
            value = entry[field]
            assert value is None or value.startswith(("https://", "http://")), (path, value)
            found[None if value is None else "uri"] += 1
    assert found[None] and found["uri"]  # both forms were met
