"""`make serve` (scripts/serve: nginx in front of gunicorn) started by a test, on a free port
with its own scratch database, static root and key file, and none of the test run's
development switches; stopped (the whole process group) when the test is done."""

import os
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from . import scratch
from .http import fetch, free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def serve_env(tmp, database, **extra):
    """The environment scripts/serve gets: the caller's, without any DJANGO_ variable except
    the two that make serve must override, and with `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=scratch.database_url(database),
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_SECRET_KEY_FILE=str(tmp / "secret_key"),
        DJANGO_DEBUG="1",  # from the caller's shell: make serve must turn it off
        DJANGO_PLAIN_STATIC="1",  # likewise
        WEB_CONCURRENCY="2",
        PY=PYTHON,
    )
    env.update(extra)
    return env


@contextmanager
def run_server(command, env, log_path, is_up, what, within=120):
    """Run `command` in its own process group, its output in `log_path`; wait until
    `is_up()`, failing the test with the log if it exits first or takes over `within` s.
    Yields (process, log); then stops the group with SIGTERM (so that it cleans up after
    itself), SIGKILL after 30 s."""
    log = open(log_path, "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + within
        while not is_up():
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"{what} did not come up:\n{log.read()}")
            time.sleep(0.3)
        yield process, log
    finally:
        stop_group(process)
        log.close()


def stop_group(process):
    """SIGTERM to `process`'s group, SIGKILL if it has not exited within 30 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def healthy(base):
    """True if /healthz answers 200 now."""
    try:
        return fetch(f"{base}/healthz")[0] == 200
    except OSError:
        return False


def serve(tmp, database, **extra):
    """Start scripts/serve and wait for /healthz; yield what the tests need, then stop it."""
    port = free_port()
    env = serve_env(tmp, database, PORT=str(port), **extra)
    base = f"http://127.0.0.1:{port}"
    command = [str(ROOT / "scripts" / "serve")]
    with run_server(command, env, tmp / "serve.log", lambda: healthy(base), "scripts/serve") as (
        process,
        log,
    ):
        yield {"base": base, "tmp": tmp, "process": process, "log": log, "env": env}


def answers(base, within=60):
    """True once /healthz answers 200 (a slow machine may take seconds after a reload)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if healthy(base):
            return True
        time.sleep(0.5)
    return False


def group_is_gone(process, within=10):
    """True once no process of `process`'s group (nginx, gunicorn, their workers) is left."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def read_log(served):
    served["log"].flush()
    served["log"].seek(0)
    return served["log"].read()
