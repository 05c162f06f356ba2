"""`make serve` (scripts/serve): the production configuration really starts and serves, with
debug off, hashed far-future static files and the security headers, from a fresh checkout
with no secret key configured; nginx in front of gunicorn, stopped together.
(The attacks it withstands are in test_attacks.py.)"""

import http.client
import os
import re
import secrets
import signal
import stat
import subprocess
import time
from urllib.parse import urlencode

import pytest
from django.conf import settings

from notorious.reports import admin_import

from . import scratch
from .http import fetch
from .serving import ROOT, answers, group_is_gone, read_log, serve

TRUSTED_PROXY = "127.0.0.4"


@pytest.fixture(scope="module")
def served(tmp_path_factory, django_db_setup):
    """scripts/serve on a free port, with its own scratch database, static root and key file,
    and none of the test run's development switches."""
    with scratch.scratch_database("serve") as database:
        yield from serve(
            tmp_path_factory.mktemp("serve"),
            database,
            # 127.0.0.4 plays the deployer's TLS proxy; Django believes the scheme nginx sends.
            NGINX_TRUSTED_PROXIES=TRUSTED_PROXY,
            DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
            DJANGO_SITE_URL="https://notorious.example",
        )


def test_pages_are_served_with_debug_off_and_the_security_headers(served):
    status, headers, body = fetch(f"{served['base']}/")
    assert status == 200
    assert headers["Server"] == "nginx"  # in front, and without its version
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, headers, body = fetch(f"{served['base']}/no-such-page/")
    assert status == 404
    assert b"Traceback" not in body
    assert b"DEBUG = True" not in body  # Django's debug 404 page would say so


def test_through_nginx_a_card_alone_may_be_framed(served):
    """nginx adds X-Frame-Options: DENY to what gunicorn sends without it, but not to a page
    whose own policy lets any site frame it: the embeddable cards."""
    key = (served["tmp"] / "secret_key").read_text().strip()  # the one serve generated
    loaded = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "load_demo"],
        cwd=ROOT,
        env={**served["env"], "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": key},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    status, headers, body = fetch(f"{served['base']}/markets/aliexpress/embed/")
    assert status == 200
    assert headers["X-Frame-Options"] is None
    assert "frame-ancestors *" in headers["Content-Security-Policy"]
    status, headers, body = fetch(f"{served['base']}/markets/aliexpress/")
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def get_from(base, source, headers, path="/"):
    """GET `base``path` from the address `source`: (status, headers, body text)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=10, source_address=(source, 0)
    )
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response, response.read().decode()


def test_only_a_trusted_proxy_can_say_a_request_came_by_https(served):
    claim = {"X-Forwarded-Proto": "https", "X-Request-ID": "proxy-id-1"}
    # A client's claim is overwritten by nginx, though Django believes the header.
    # The API's links follow the scheme Django believes the request came by.
    api = {**claim, "Accept": "application/json"}
    status, response, body = get_from(served["base"], "127.0.0.1", api, "/api/")
    assert status == 200
    assert f'"{served["base"]}/api/markets/"' in body
    assert response.getheader("X-Request-ID") != "proxy-id-1"
    # The deployer's proxy (NGINX_TRUSTED_PROXIES) is believed, and its request id kept.
    status, response, body = get_from(served["base"], TRUSTED_PROXY, api, "/api/")
    assert status == 200
    assert '"https://127.0.0.1:' in body
    assert response.getheader("X-Request-ID") == "proxy-id-1"
    # Pages' canonical links are the configured site address (DJANGO_SITE_URL) either way.
    for source in ("127.0.0.1", TRUSTED_PROXY):
        body = get_from(served["base"], source, claim)[2]
        assert 'rel="canonical" href="https://notorious.example/"' in body


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


def failed_login(base, source):
    """A wrong password for "alice" from the address `source`, with a made-up X-Forwarded-For
    each time; the status of the answer."""
    port = int(base.rsplit(":", 1)[1])

    def request(method, headers, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0))
        connection.request(method, "/admin/login/", body=body, headers=headers)
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        return response, body

    forged = {"X-Forwarded-For": f"203.0.113.{secrets.randbelow(250)}"}
    response, page = request("GET", forged)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    form = urlencode({"csrfmiddlewaretoken": token, "username": "alice", "password": "wrong"})
    headers = {**forged, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return request("POST", headers, form)[0].status


def test_login_throttling_counts_the_address_nginx_saw_not_what_the_client_claims(served):
    # nginx overwrites X-Forwarded-For with the address it saw, and Django trusts that one
    # proxy: made-up addresses do not dodge the lockout, and one address's lockout is not
    # everyone's (as it would be if Django saw only nginx).
    statuses = [failed_login(served["base"], "127.0.0.2") for _ in range(6)]
    assert statuses == [200] * 4 + [429, 429]  # the fifth failure locks it
    assert failed_login(served["base"], "127.0.0.3") == 200


def test_sighup_reloads_and_keeps_serving(served):
    process = served["process"]
    process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    while "Hang up: Master" not in read_log(served):  # gunicorn reloads its code
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert answers(served["base"])
    assert process.poll() is None  # still running: nginx and gunicorn both


def test_access_logs_go_to_stdout_and_sigterm_stops_nginx_and_gunicorn(served):
    assert answers(served["base"])
    process = served["process"]
    # Only the script is signalled (as a process manager may do): it stops both.
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert group_is_gone(process)
    log = read_log(served)
    assert '"GET /healthz HTTP/1.1" 200' in log  # gunicorn's line, and nginx's
    # gunicorn's gives its time in seconds to the microsecond (make bench reads it).
    assert re.search(r'"GET /healthz HTTP/1\.\d" 200 \d+ \d+\.\d{6}s "', log)
    assert "Shutting down: Master" in log
    # Its private directory (nginx's configuration, gunicorn's socket) is removed.
    run_dir = re.search(r"unix:(/\S+)/gunicorn\.sock", log).group(1)
    assert not os.path.exists(run_dir)


def test_nginx_takes_the_bodies_django_takes():
    """deploy/nginx.conf's body limit covers the admin's import file (with its form around
    it) and Django's limit for other forms: a larger limit there would be nginx's 413."""
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", config).group(1))
    assert megabytes * 1024 * 1024 >= max(
        admin_import.MAX_FILE_SIZE + 64 * 1024, settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
