"""`manage.py backup` (`make backup`): a dump that restores what was there when it was taken."""

import stat
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from notorious.core.management.commands.backup import client_tool
from notorious.markets.models import Market
from notorious.reports.models import Listing

from . import scratch
from .factories import list_market, make_company, make_market


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


@pytest.fixture
def scratch_database():
    """An empty PostgreSQL database to restore into, dropped afterwards."""
    with scratch.scratch_database("restore") as name:
        yield name


def pg_restore(dump, dbname):
    """The restore command docs/deployment.md gives."""
    result = subprocess.run(
        [
            client_tool("pg_restore", connection),
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
    with scratch.connect(dbname) as restored:
        rows = restored.execute(
            f"SELECT slug, name, aliases FROM {Market._meta.db_table} ORDER BY slug"
        ).fetchall()
        listings = restored.execute(f"SELECT count(*) FROM {Listing._meta.db_table}").fetchone()
    return sorted(rows), listings[0]


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_what_was_there(tmp_path, scratch_database):
    make_data()
    before = market_state_in_django()
    dump = tmp_path / "notorious.dump"
    report = backup(dump)
    assert "Backed up database" in report
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
    with scratch.connect(scratch_database) as restored:
        restored.execute(f"DELETE FROM {Listing._meta.db_table}")
        restored.execute(f"UPDATE {Market._meta.db_table} SET name = name || ' (changed)'")
    pg_restore(dump, scratch_database)
    assert market_state_in(scratch_database) == (before, 3)


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    out = StringIO()
    call_command("backup", output=str(tmp_path / "x.dump"), dry_run=True, stdout=out)
    assert "Dry run: would back up" in out.getvalue()
    assert not (tmp_path / "x.dump").exists()
