"""`make serve` (scripts/serve): the production configuration really starts and serves, with
debug off, hashed far-future static files and the security headers, from a fresh checkout
with no secret key configured."""

import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from . import scratch
from .http import fetch, free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(tmp_path_factory, django_db_setup):
    """scripts/serve on a free port, with its own scratch database, static root and key file,
    and none of the test run's development switches."""
    with scratch.scratch_database("serve") as database:
        yield from serve(tmp_path_factory.mktemp("serve"), database)


def serve(tmp, database):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=scratch.database_url(database),
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_SECRET_KEY_FILE=str(tmp / "secret_key"),
        DJANGO_DEBUG="1",  # from the caller's shell: make serve must turn it off
        DJANGO_PLAIN_STATIC="1",  # likewise
        PORT=str(port),
        WEB_CONCURRENCY="2",
        PY=str(ROOT / ".venv" / "bin" / "python"),
    )
    log = open(tmp / "serve.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            log.seek(0)
            pytest.fail(f"scripts/serve did not come up:\n{log.read()}")
        time.sleep(0.3)
    try:
        yield {"base": base, "tmp": tmp, "process": process, "log": log}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def test_pages_are_served_with_debug_off_and_the_security_headers(served):
    status, headers, body = fetch(f"{served['base']}/")
    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, headers, body = fetch(f"{served['base']}/no-such-page/")
    assert status == 404
    assert b"Traceback" not in body
    assert b"DEBUG = True" not in body  # Django's debug 404 page would say so


def test_a_client_cannot_claim_https_through_gunicorn(served):
    # Only Django's proxy setting may turn a request into HTTPS; gunicorn passes it on as sent.
    status, _, body = fetch(f"{served['base']}/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert f'rel="canonical" href="{served["base"]}/"' in body.decode()


def test_static_files_have_hashed_names_and_far_future_caching(served):
    body = fetch(f"{served['base']}/")[2].decode()
    start = body.index('href="/static/css/site.') + len('href="')
    css_url = body[start : body.index('"', start)]
    assert css_url != "/static/css/site.css"  # a content hash in the name
    status, headers, _ = fetch(f"{served['base']}{css_url}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert (served["tmp"] / "static" / "staticfiles.json").exists()


def test_a_secret_key_is_generated_once_private_and_reused(served):
    key_file = served["tmp"] / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    env = dict(os.environ, DJANGO_SECRET_KEY_FILE=str(key_file))
    again = subprocess.run(
        [str(ROOT / "scripts" / "secret-key")], env=env, capture_output=True, text=True
    )
    assert again.stdout.strip() == key


def test_the_admin_login_works_over_plain_http_locally(served):
    status, headers, body = fetch(f"{served['base']}/admin/login/")
    assert status == 200
    assert "Strict-Transport-Security" not in headers  # HTTPS is off for plain http://127.0.0.1
    assert b'name="csrfmiddlewaretoken"' in body


def test_access_log_goes_to_stdout_and_shutdown_is_graceful(served):
    fetch(f"{served['base']}/healthz")
    process = served["process"]
    os.killpg(process.pid, signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    served["log"].seek(0)
    log = served["log"].read()
    assert '"GET /healthz HTTP/1.1" 200' in log
    assert "Shutting down: Master" in log
