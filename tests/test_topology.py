"""Several app servers on a PostgreSQL primary and a streaming replica, for real: a short run
of scripts/topology (scripts/lib/topology.py). A primary and a replica made with
pg_basebackup on private ports, two gunicorn app servers behind one nginx, Redis database 13;
readers' load through nginx while one app server and then the replica are stopped; an editor
renames a market while the replica lags, and again while it is down.

Zero failed requests, and the editor's next page always shows their change. The script
stops and deletes everything it started, even when stopped itself; this test checks that
nothing is left. The schema comes from a dump of the test database (migrating afresh would
take half a minute), the demo data from `load_demo`. Freezing the replica (SIGSTOP) is left
to the longer manual run, `make topology`: it costs the watchdog's seconds.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from .serving import PYTHON, ROOT

# Ports of this test's run (the task's range; a manual `make topology` uses 8120-8122 and
# 55432-55433, so both can run at once).
NGINX_PORT, PRIMARY_PORT = 8130, 55436
PORTS = (NGINX_PORT, NGINX_PORT + 1, NGINX_PORT + 2, PRIMARY_PORT, PRIMARY_PORT + 1)
PG_BIN = Path("/usr/lib/postgresql/15/bin")
LOAD_SECONDS = 10


def listening(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def seed_dump(tmp_path, db):
    """A pg_dump of the (migrated) test database; None when its server is not the clusters'
    PostgreSQL 15 (the embedded PostgreSQL 18 of `make test`), whose dump 15 cannot restore:
    the script then migrates the primary itself."""
    if connection.pg_version // 10000 != 15:
        return None
    params = connection.settings_dict
    dump = tmp_path / "seed.dump"
    subprocess.run(
        [PG_BIN / "pg_dump", "-Fc", "-f", dump, "-h", params["HOST"] or "127.0.0.1",
         "-p", str(params["PORT"] or 5432), "-U", params["USER"] or "postgres", params["NAME"]],
        check=True, env={**os.environ, "PGPASSWORD": params.get("PASSWORD") or ""},
    )  # fmt: skip
    dump.chmod(0o644)
    return dump


@pytest.fixture
def run_dir():
    """The run's temporary directories go here, to be checked for leftovers: under /tmp,
    which the postgres user that runs the clusters can reach (pytest's directory is root's)."""
    path = Path(tempfile.mkdtemp(prefix="notorious-topology-test-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_topology(seed_dump, run_dir):
    """scripts/topology, stopped by SIGTERM (its own clean-up) if it overruns."""
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "topology"), "--seconds", str(LOAD_SECONDS), "--threads", "4",
         "--freeze-seconds", "0", "--first-port", str(NGINX_PORT),
         "--first-pg-port", str(PRIMARY_PORT)]
        + (["--seed-dump", str(seed_dump)] if seed_dump else []),
        cwd=ROOT, env={**os.environ, "PY": PYTHON, "TMPDIR": str(run_dir)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
        pytest.fail(f"scripts/topology overran:\n{err[-6000:]}")
    finally:
        stop_leftover_clusters(run_dir)
    return process.returncode, out, err


def stop_leftover_clusters(run_dir):
    """Only if the script could not clean up after itself: the clusters it left running."""
    for pid_file in run_dir.glob("*/pg/*/postmaster.pid"):
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*user, PG_BIN / "pg_ctl", "-D", pid_file.parent, "-m", "immediate",
                        "stop"], capture_output=True)  # fmt: skip


@pytest.mark.skipif(
    not (shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK))
    or not (PG_BIN / "initdb").exists(),
    reason="needs nginx (`make nginx`) and PostgreSQL 15's server binaries",
)
def test_readers_and_an_editor_through_an_app_server_and_a_replica_going_down(seed_dump, run_dir):
    assert not any(listening(port) for port in PORTS), "a port of the test is taken"
    returncode, out, err = run_topology(seed_dump, run_dir)
    assert out, f"no summary:\n{err[-6000:]}"
    summary = json.loads(out)
    # Readers: not one failed request, through both stops.
    assert summary["failed_count"] == 0, summary["failed"]
    assert summary["requests"] > 20
    # The editor's page after each change shows it: while the replica lags (it applies
    # changes 3 s late), and while it is down.
    assert [check["fresh"] for check in summary["editor"]] == [True, True], summary["editor"]
    # The replica down is reported, in a 200: the primary serves.
    assert summary["healthz_after"] == [200, "ok\nreplica1: down\n"]
    assert returncode == 0, err[-6000:]
    # Nothing left: no process on its ports, no directory.
    assert not any(listening(port) for port in PORTS)
    assert list(run_dir.iterdir()) == []
