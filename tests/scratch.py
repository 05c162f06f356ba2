"""Scratch PostgreSQL databases beside the test database, on the same server (the machine's
or the embedded one), for tests that restore a dump or start the site in another process."""

import uuid
from contextlib import contextmanager
from urllib.parse import quote

import psycopg
from django.db import connection


def connect(dbname):
    """An autocommit connection to `dbname` on the test database's server."""
    params = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        autocommit=True,
    )


def database_url(dbname):
    """A DATABASE_URL for `dbname` on the test database's server (a socket directory as the
    host is percent-encoded, as dj-database-url reads it)."""
    params = connection.settings_dict
    user = quote(params.get("USER") or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    host = quote(params.get("HOST") or "", safe="")
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{dbname}"


@contextmanager
def scratch_database(purpose):
    """An empty database named after the test database and `purpose`, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_{purpose}_{uuid.uuid4().hex[:8]}"
    with connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
