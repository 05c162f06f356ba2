"""`manage.py backup` (`make backup`): a dump that restores what was there when it was taken."""

import sqlite3
import stat
import subprocess
import uuid
from contextlib import closing
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from notorious.core.management.commands.backup import sqlite_backup
from notorious.markets.models import Market
from notorious.reports.models import Listing

from .factories import list_market, make_company, make_market

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL"
)
needs_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite copy is for SQLite databases"
)


def make_data():
    alibaba = make_company("Alibaba Group")
    taobao = make_market("Taobao", operator=make_company("Taobao China", parent=alibaba))
    list_market(taobao, 2019, 2020, 2021)
    make_market("WeChat", aliases="Weixin\n微信")
    make_market("Baidu Wangpan")


def market_state_in_django():
    return sorted(Market.objects.values_list("slug", "name", "aliases"))


def backup(path):
    out = StringIO()
    call_command("backup", output=str(path), stdout=out)
    return out.getvalue()


def libpq_args():
    """Host, port and user for pg_restore/psql, as the test database's connection has them."""
    params = connection.settings_dict
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args.append(f"{flag}={params[key]}")
    return args


def connect(dbname):
    params = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        autocommit=True,
    )


@pytest.fixture
def scratch_database():
    """An empty PostgreSQL database to restore into, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_restore(dump, dbname):
    """The restore command docs/operators.md gives."""
    result = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            *libpq_args(),
            f"--dbname={dbname}",
            str(dump),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def market_state_in(dbname):
    with connect(dbname) as restored:
        rows = restored.execute(
            f"SELECT slug, name, aliases FROM {Market._meta.db_table} ORDER BY slug"
        ).fetchall()
        listings = restored.execute(f"SELECT count(*) FROM {Listing._meta.db_table}").fetchone()
    return sorted(rows), listings[0]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_what_was_there(tmp_path, scratch_database):
    make_data()
    before = market_state_in_django()
    dump = tmp_path / "notorious.dump"
    report = backup(dump)
    assert "Backed up postgresql database" in report
    assert "pg_restore --clean --if-exists --no-owner" in report
    assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600

    # After the backup: an editor renames one market and deletes another.
    Market.objects.filter(slug="wechat").update(name="Weixin (renamed)")
    Market.objects.filter(slug="taobao").delete()
    assert market_state_in_django() != before

    pg_restore(dump, scratch_database)
    assert market_state_in(scratch_database) == (before, 3)

    # Restoring over a database that already has (different) data: --clean replaces it.
    with connect(scratch_database) as restored:
        restored.execute(f"DELETE FROM {Listing._meta.db_table}")
        restored.execute(f"UPDATE {Market._meta.db_table} SET name = name || ' (changed)'")
    pg_restore(dump, scratch_database)
    assert market_state_in(scratch_database) == (before, 3)


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_is_a_complete_database(tmp_path):
    make_data()
    before = market_state_in_django()
    copy = tmp_path / "notorious.sqlite3"
    assert "Backed up sqlite database" in backup(copy)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    Market.objects.filter(slug="taobao").delete()

    with closing(sqlite3.connect(copy)) as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = restored.execute(
            f"SELECT slug, name, aliases FROM {Market._meta.db_table} ORDER BY slug"
        ).fetchall()
        listings = restored.execute(f"SELECT count(*) FROM {Listing._meta.db_table}").fetchone()
    assert (sorted(rows), listings[0]) == (before, 3)


def test_sqlite_backup_is_consistent_while_another_connection_writes(tmp_path):
    """The online backup API copies one committed state: a write still in progress in another
    connection is not half in the copy. (A file copy gives no such promise.)"""
    source = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(source)) as setup, setup:
        setup.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, text TEXT)")
        setup.executemany("INSERT INTO entry (text) VALUES (?)", [("kept",)] * 1000)

    writer = sqlite3.connect(source)
    writer.execute("BEGIN")
    writer.execute("UPDATE entry SET text = 'half done' WHERE id <= 500")

    copy = tmp_path / "copy.sqlite3"
    reader = sqlite3.connect(source)
    try:
        sqlite_backup(reader, copy)
    finally:
        reader.close()
        writer.rollback()
        writer.close()
    with closing(sqlite3.connect(copy)) as restored:
        texts = restored.execute("SELECT text, count(*) FROM entry GROUP BY text").fetchall()
    assert texts == [("kept", 1000)]


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    out = StringIO()
    call_command("backup", output=str(tmp_path / "x.dump"), dry_run=True, stdout=out)
    assert "Dry run: would back up" in out.getvalue()
    assert not (tmp_path / "x.dump").exists()


@needs_sqlite
@pytest.mark.django_db
def test_sqlite_backup_refuses_to_run_inside_a_transaction(tmp_path):
    with pytest.raises(CommandError, match="inside a transaction"):
        backup(tmp_path / "x.sqlite3")
    assert not (tmp_path / "x.sqlite3").exists()
