"""The error pages: a disallowed Host gets a plain 400 with the security headers (it gave a
500, the 400 page rendering `request.get_host` and raising again), and a view that crashes
gets the site's 500 page, logged with its traceback (issue 10)."""

import logging

import pytest
from django.template.loader import render_to_string
from django.test import Client

from .test_security_headers import assert_security_headers

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    """DEBUG off and only the site's own name allowed, as in production."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["notorious.example.org"]
    return settings


@pytest.mark.parametrize("path", ["/", "/markets/", "/api/markets/", "/no-such-page/", "/admin/"])
def test_a_disallowed_host_gets_a_plain_400_with_the_security_headers(production, path):
    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert_security_headers(response)
    body = response.content.decode()
    if path.startswith("/api/"):  # the API's clients get a JSON problem
        assert response["Content-Type"] == "application/problem+json"
    else:
        assert "Error 400" in body
    assert "attacker.example" not in body


def test_an_allowed_host_is_served(production):
    assert Client().get("/", HTTP_HOST="notorious.example.org").status_code == 200


def test_a_crash_gets_the_500_page_and_is_logged(production, caplog):
    production.ROOT_URLCONF = "tests.logging_urls"
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/crash/", HTTP_HOST="notorious.example.org")
    assert response.status_code == 500
    assert_security_headers(response)
    html = response.content.decode()
    assert "Error 500" in html
    assert "css/site" in html  # in the site's look
    assert "a deliberate crash" not in html  # no detail for readers
    logged = [record for record in caplog.records if record.exc_info]
    assert logged, "the crash was not logged with its traceback"
    assert "RuntimeError" in caplog.text or logged[0].exc_info[0] is RuntimeError


@pytest.mark.parametrize("template", ["400.html", "500.html"])
def test_the_error_pages_need_no_request_and_no_database(template, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string(template)
    assert "Notorious" in html
