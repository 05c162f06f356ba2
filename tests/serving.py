"""`make serve` (scripts/serve: nginx in front of gunicorn) started by a test, on a free port
with its own scratch database, static root and key file, and none of the test run's
development switches; stopped (the whole process group) when the test is done."""

import os
import signal
import subprocess
import time
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


def serve(tmp, database, **extra):
    """Start scripts/serve and wait for /healthz; yield what the tests need, then stop it."""
    port = free_port()
    env = serve_env(tmp, database, PORT=str(port), **extra)
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
        yield {"base": base, "tmp": tmp, "process": process, "log": log, "env": env}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def answers(base, within=60):
    """True once /healthz answers 200 (a slow machine may take seconds after a reload)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                return True
        except OSError:
            pass
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
