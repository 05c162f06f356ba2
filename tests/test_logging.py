"""What an operator reads in the logs: every unhandled exception with its traceback on standard
error, one line per request, and on each line the id the response carried in X-Request-ID;
error reports to Sentry only when SENTRY_DSN is set.

The in-process tests read what the configured stderr handler (its filter and format) writes,
redirected to a buffer; the gunicorn test reads the real standard error and access log."""

import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from .factories import list_market, make_market
from .http import fetch, free_port
from .test_database_outage import database_unreachable

ROOT = Path(__file__).resolve().parent.parent
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_output():
    """What the site logs to standard error during the test (a StringIO in its place)."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "stderr")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def lines_with(output, request_id):
    return [line for line in output.getvalue().splitlines() if f"[{request_id}]" in line]


def request_lines(output):
    return [line for line in output.getvalue().splitlines() if " notorious.requests " in line]


@pytest.mark.urls("tests.logging_urls")
def test_an_unhandled_exception_is_logged_with_its_traceback_and_request_id(settings, log_output):
    assert not settings.DEBUG
    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    assert b"Traceback" not in response.content  # the reader sees the plain error page

    request_id = response["X-Request-ID"]
    assert GENERATED_ID.fullmatch(request_id)
    output = log_output.getvalue()
    error_line = f"ERROR django.request [{request_id}] Internal Server Error: /crash/"
    assert error_line in output
    traceback = output[output.index(error_line) :]
    assert "Traceback (most recent call last):" in traceback
    assert 'in crash\n    raise RuntimeError("a deliberate crash' in traceback
    assert "RuntimeError: a deliberate crash, for the logging tests" in traceback
    assert any(" GET /crash/ 500 " in line for line in lines_with(log_output, request_id))


@pytest.mark.urls("tests.logging_urls")
def test_each_request_logs_one_line_with_the_id_it_answered_with(log_output):
    client = Client()
    first = client.get("/ok/")
    second = client.get("/ok/")
    assert first.status_code == second.status_code == 200
    assert first["X-Request-ID"] != second["X-Request-ID"]

    lines = request_lines(log_output)
    assert len(lines) == 2
    for response, line in zip([first, second], lines, strict=True):
        assert re.search(
            rf"INFO notorious.requests \[{response['X-Request-ID']}\] GET /ok/ 200 \d+ms$", line
        )


@pytest.mark.urls("tests.logging_urls")
@pytest.mark.parametrize(
    "incoming",
    [
        "4f6c1a0e2b8d4c7fa9e3b5d1c0f2a7e6",  # nginx's $request_id
        "d3b07384-d113-4ec5-a3f8-7f1e0b2c9a44",  # a UUID
        "Root=1-67891233-abcdef012345678912345678",  # an AWS load balancer's trace id
    ],
)
def test_a_well_formed_incoming_request_id_is_kept(incoming, log_output):
    response = Client().get("/ok/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] == incoming
    assert len(lines_with(log_output, incoming)) == 1


@pytest.mark.urls("tests.logging_urls")
@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "a" * 129,  # longer than any proxy's id: it would bloat every line
        "abc def",
        "abc\n2026-01-01 00:00:00 ERROR forged log line",
        'abc"',
        "abc<script>",
        "abcé",
    ],
)
def test_a_malformed_incoming_request_id_is_replaced(incoming, log_output):
    response = Client().get("/ok/", HTTP_X_REQUEST_ID=incoming)
    request_id = response["X-Request-ID"]
    assert GENERATED_ID.fullmatch(request_id)
    assert len(lines_with(log_output, request_id)) == 1
    if incoming:
        assert incoming not in log_output.getvalue()
    assert "forged" not in log_output.getvalue()


@pytest.mark.urls("tests.logging_urls")
def test_the_path_is_logged_escaped_and_without_the_query_string(log_output):
    Client().get("/ok%0Aforged/?q=something+private")  # a 404, logged as such
    (line,) = request_lines(log_output)
    assert re.search(r" GET /ok%0Aforged/ 404 \d+ms$", line)
    assert "private" not in log_output.getvalue()


@pytest.mark.django_db
def test_a_page_served_from_the_readers_cache_gets_its_own_id_and_line(settings, log_output):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()  # nothing an earlier test cached is served
    list_market(make_market("AliExpress", slug="aliexpress"), 2021)

    first = Client().get("/markets/aliexpress/")
    second = Client().get("/markets/aliexpress/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    for response in (first, second):
        (line,) = lines_with(log_output, response["X-Request-ID"])
        assert " GET /markets/aliexpress/ 200 " in line


@pytest.mark.django_db
def test_a_database_outage_is_logged_with_the_request_id(log_output):
    list_market(make_market("AliExpress", slug="aliexpress"), 2021)
    with database_unreachable():
        response = Client(raise_request_exception=False).get("/markets/aliexpress/")
    assert response.status_code == 503

    lines = lines_with(log_output, response["X-Request-ID"])
    assert any(
        "WARNING notorious.core.middleware" in line and "Database unavailable, answered 503" in line
        for line in lines
    )
    assert any("ERROR django.request" in line and "Service Unavailable" in line for line in lines)
    assert any(" GET /markets/aliexpress/ 503 " in line for line in lines)


# --- The real thing: gunicorn as configured by gunicorn.conf.py, with debug off.


def site_env(**overrides):
    """The environment of a production process, with nothing from the test run's shell or a
    .env that would change what is logged or send it elsewhere."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    env.update(DJANGO_SETTINGS_MODULE="notorious.settings", DJANGO_DEBUG="0", SENTRY_DSN="")
    env.update(DJANGO_LOG_LEVEL="INFO", PYTHONPATH=str(ROOT))
    env.update(overrides)
    return env


def test_gunicorn_logs_tracebacks_to_stderr_and_request_ids_in_its_access_log(tmp_path):
    port = free_port()
    stdout, stderr = tmp_path / "stdout", tmp_path / "stderr"
    env = site_env(
        DJANGO_SETTINGS_MODULE="tests.logging_settings", PORT=str(port), WEB_CONCURRENCY="1"
    )
    with open(stdout, "w") as out, open(stderr, "w") as err:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(f"{base}/ok/")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, stderr.read_text()
            assert time.monotonic() < deadline, stderr.read_text()
            time.sleep(0.2)

        status, headers, _ = fetch(f"{base}/crash/", {"X-Request-ID": "from-the-proxy-42"})
        assert status == 500
        assert headers["X-Request-ID"] == "from-the-proxy-42"
        status, headers, _ = fetch(f"{base}/ok/")
        assert status == 200
        generated = headers["X-Request-ID"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)

    errors = stderr.read_text()
    error_line = "ERROR django.request [from-the-proxy-42] Internal Server Error: /crash/"
    assert error_line in errors
    assert "Traceback (most recent call last):" in errors[errors.index(error_line) :]
    assert "RuntimeError: a deliberate crash, for the logging tests" in errors
    assert "INFO notorious.requests [from-the-proxy-42] GET /crash/ 500 " in errors
    assert f"INFO notorious.requests [{generated}] GET /ok/ 200 " in errors

    access = stdout.read_text().splitlines()
    assert any('"GET /crash/ HTTP/1.1" 500' in line for line in access)
    assert any(line.endswith(" from-the-proxy-42") for line in access)
    assert any(
        '"GET /ok/ HTTP/1.1" 200' in line and line.endswith(f" {generated}") for line in access
    )


# --- Sentry, in a separate process each: sentry_sdk.init is once per process.

SENTRY_SCRIPT = """
import json, django, sentry_sdk
from sentry_sdk.transport import Transport
django.setup()
from django.test import Client, override_settings

events = []

class Captured(Transport):
    # Keeps events here instead of sending them anywhere.
    def capture_envelope(self, envelope):
        events.append(envelope.get_event())

client = sentry_sdk.get_client()
client.transport.kill()
client.transport = Captured(client.options)
with override_settings(ROOT_URLCONF="tests.logging_urls"):
    response = Client(raise_request_exception=False, HTTP_HOST="localhost").get("/crash/")
sentry_sdk.flush()
print(json.dumps({
    "active": client.is_active(),
    "dsn": client.options["dsn"],
    "integrations": sorted(client.integrations),
    "send_default_pii": client.options["send_default_pii"],
    "environment": client.options["environment"],
    "release": client.options["release"],
    "request_id": response["X-Request-ID"],
    "events": [
        {
            "tags": event.get("tags", {}),
            "exception": event["exception"]["values"][-1]["value"],
            "user": event.get("user"),
        }
        for event in events if event
    ],
}))
"""


def test_with_sentry_dsn_errors_are_reported_with_their_request_id():
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_SCRIPT],
        cwd=ROOT,
        env=site_env(
            SENTRY_DSN="https://public@127.0.0.1/1",  # never reached: events stay in-process
            SENTRY_ENVIRONMENT="staging",
            SENTRY_RELEASE="notorious@test",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["active"]
    assert report["dsn"] == "https://public@127.0.0.1/1"
    assert "django" in report["integrations"]
    assert report["send_default_pii"] is False
    assert (report["environment"], report["release"]) == ("staging", "notorious@test")
    assert report["events"], "the crash was not reported"
    for event in report["events"]:
        assert event["tags"]["request_id"] == report["request_id"]
        assert event["exception"] == "a deliberate crash, for the logging tests"
        assert not event["user"]  # no personal data


def test_without_sentry_dsn_sentry_is_not_even_imported():
    script = "import sys, django; django.setup(); print('sentry_sdk' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=site_env(SENTRY_DSN=""),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
