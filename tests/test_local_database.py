"""The database a checkout uses: the embedded PostgreSQL when DATABASE_URL is not set
(notorious/local_database.py), the `.env` file `make run` writes, and the migration that made
the search vectors generated columns."""

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notorious.search import search

ROOT = Path(__file__).resolve().parent.parent


def run_python(code, **env):
    """Run `code` in a fresh interpreter from the checkout, as a manage.py command would."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


EMBEDDED = """
    from pathlib import Path
    import psycopg
    from notorious.local_database import embedded_database_url
    import dj_database_url

    data_dir = Path({data_dir!r})
    settings = dj_database_url.parse(embedded_database_url(data_dir))
    with psycopg.connect(
        dbname=settings["NAME"], host=settings["HOST"], port=settings["PORT"],
        user=settings["USER"], autocommit=True,
    ) as db:
        print(db.execute("SHOW server_version").fetchone()[0])
        db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        print(db.execute("SELECT word_similarity('tencnet', 'Tencent') > 0.45").fetchone()[0])
        db.execute("CREATE TABLE IF NOT EXISTS kept (note text)")
        db.execute("INSERT INTO kept VALUES ('from an earlier run')")
        print(db.execute("SELECT count(*) FROM kept").fetchone()[0])
"""


@pytest.mark.skipif(not shutil.which("useradd") and os.geteuid() == 0, reason="needs useradd")
def test_embedded_postgres_starts_keeps_its_data_and_stops_with_the_last_process(tmp_path):
    data_dir = tmp_path / "postgres"
    data_dir.mkdir()
    code = EMBEDDED.format(data_dir=str(data_dir))

    first = run_python(code)
    assert first.returncode == 0, first.stderr
    version, trigrams, rows = first.stdout.split()
    assert version.startswith("18.")
    assert trigrams == "True"  # pg_trgm is there: typo-tolerant search works locally
    assert rows == "1"
    # The process that started it was the last one using it: the server stopped with it.
    assert not (data_dir / "postmaster.pid").exists()

    second = run_python(code)
    assert second.returncode == 0, second.stderr
    assert second.stdout.split()[2] == "2"  # the same data directory, reused

    # A process killed while the package wrote its list of users leaves it unreadable, and
    # one killed outright leaves its pid behind: neither may keep the next run from starting
    # or the last one from stopping the server.
    (data_dir / ".handle_pids.json").write_text("")
    third = run_python(code)
    assert third.returncode == 0, third.stderr
    (data_dir / ".handle_pids.json").write_text("[999999999]")
    fourth = run_python(code)
    assert fourth.returncode == 0, fourth.stderr
    assert fourth.stdout.split()[2] == "4"
    assert not (data_dir / "postmaster.pid").exists()


def test_without_database_url_or_the_embedded_package_settings_say_what_to_do():
    result = run_python(
        """
        import sys
        sys.modules["embedded_postgres"] = None  # as in production, where it is not installed
        import django
        django.setup()
        """,
        DJANGO_SETTINGS_MODULE="notorious.settings",
        DJANGO_SECRET_KEY="x" * 50,
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "make run" in result.stderr


def test_a_database_url_that_is_not_postgresql_is_refused():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="notorious.settings",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="sqlite:///db.sqlite3",
    )
    assert result.returncode != 0
    assert "must name a PostgreSQL database" in result.stderr


def test_make_writes_a_private_env_file_once(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    make = ["make", "--no-print-directory", "-C", str(tmp_path), ".env"]

    subprocess.run(make, check=True, capture_output=True)
    env_file = tmp_path / ".env"
    written = env_file.read_text()
    assert "DJANGO_DEBUG=1" in written
    key = next(line for line in written.splitlines() if line.startswith("DJANGO_SECRET_KEY="))
    assert len(key.split("=", 1)[1]) >= 50
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600

    subprocess.run(make, check=True, capture_output=True)
    assert env_file.read_text() == written  # kept: sessions survive later runs


@pytest.mark.django_db(transaction=True)
def test_the_generated_vector_migration_keeps_rows_and_makes_them_searchable():
    executor = MigrationExecutor(connection)
    before = [("companies", "0002_edit_history")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Company = old_apps.get_model("companies", "Company")
    Company.objects.create(
        name="Tencent", slug="tencent", is_published=True, description="Runs Weixin."
    )

    # Every app, not only companies: going back unapplied the migrations that depend on
    # companies' (the content generation's triggers, the stored listing counts), and the
    # tests after this one on the same database need the whole schema.
    call_command("migrate", verbosity=0)

    from notorious.companies.models import Company as Current

    tencent = Current.objects.get(slug="tencent")
    assert (tencent.name, tencent.description) == ("Tencent", "Runs Weixin.")
    assert [c.name for c in search("weixin").companies] == ["Tencent"]
    assert [c.name for c in search("tencnet").companies] == ["Tencent"]
