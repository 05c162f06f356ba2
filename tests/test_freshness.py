"""Fresh everywhere: a change committed by any process (a command, a bulk update, raw SQL)
is what the very next request to every gunicorn worker shows, pages cached or not, with
each process's own cache and with Redis. What makes it so: PostgreSQL bumps the content
generation in the committing transaction (notorious/core/generation.py), from a trigger
every content table has."""

import os
import secrets
import socket
import subprocess
import time
import uuid

import pytest
from django.db import connection, transaction

from notorious.core import generation
from notorious.markets.models import Market

from . import scratch
from .factories import list_market, make_market
from .http import fetch, free_port
from .serving import PYTHON, ROOT, healthy, run_server

WORKERS = 3
REDIS_URL = "redis://127.0.0.1:6379/11"


def triggers_on(table):
    """The row of `table`'s `content_changed` trigger: (enabled, type bits, function)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgenabled, t.tgtype, p.proname FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = %s::regclass AND t.tgname = %s",
            [table, generation.TRIGGER],
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_every_content_table_bumps_the_generation():
    """A new content model without the trigger would leave its pages stale: add a migration
    with `generation.watch_tables(...)` (see notorious/core/generation.py)."""
    tables = generation.content_tables()
    assert {"markets_market", "press_article_markets", "reports_listing"} <= set(tables)
    assert not [table for table in tables if "historical" in table]
    # After every statement (not row: a bulk update is one bump), on insert, delete,
    # update and truncate (pg_trigger.tgtype bits 4, 8, 16 and 32), enabled ("O").
    for table in tables:
        assert triggers_on(table) == [("O", 4 | 8 | 16 | 32, "core_content_changed")], table


def generation_elsewhere():
    """The generation as another connection (another process) sees it."""
    with scratch.connect(connection.settings_dict["NAME"]) as other:
        return other.execute("SELECT generation FROM core_content_generation").fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_when_the_change_is_committed_and_only_then():
    market = make_market("AliExpress", slug="aliexpress")
    before = generation_elsewhere()
    with transaction.atomic():
        Market.objects.filter(pk=market.pk).update(name="Renamed")
        Market.objects.filter(pk=market.pk).update(name="Renamed again")
        assert generation_elsewhere() == before  # the change is not visible yet either
    after = generation_elsewhere()
    assert after > before
    assert generation.current() == after
    with pytest.raises(RuntimeError), transaction.atomic():
        market.delete()
        raise RuntimeError("rolled back")
    assert generation_elsewhere() == after


def site_env(**extra):
    """The environment of a process of the site on the test database: none of the caller's
    DJANGO_ variables, debug off, the page cache on."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=scratch.database_url(connection.settings_dict["NAME"]),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_DEBUG="0",
        DJANGO_PLAIN_STATIC="1",
        DJANGO_HTTPS="0",
        DJANGO_PAGE_CACHE_SECONDS="60",
        **extra,
    )
    return env


@pytest.fixture(params=["own memory", "redis"])
def gunicorn(request, transactional_db, tmp_path):
    """gunicorn with WORKERS workers on the test database, each process caching pages in
    its own memory, or all of them in Redis (database 11, a key prefix of their own)."""
    extra = {"WEB_CONCURRENCY": str(WORKERS), "GUNICORN_BIND": f"127.0.0.1:{free_port()}"}
    if request.param == "redis":
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        except OSError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        extra.update(REDIS_URL=REDIS_URL, DJANGO_CACHE_KEY_PREFIX=f"fresh-{uuid.uuid4().hex}")
    env = site_env(**extra)
    base = f"http://{extra['GUNICORN_BIND']}"
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py"]
    command += ["tests.worker_wsgi:application"]
    with run_server(command, env, tmp_path / "gunicorn.log", lambda: healthy(base), "gunicorn"):
        yield {"base": base, "env": env}


def from_every_worker(url):
    """GETs `url` until every worker has answered: each worker's first answer, as
    {worker: (status, X-Page-Cache, body)}."""
    first = {}
    deadline = time.monotonic() + 120
    while len(first) < WORKERS:
        assert time.monotonic() < deadline, f"only {len(first)} workers answered"
        status, headers, body = fetch(url)
        first.setdefault(headers["X-Worker"], (status, headers.get("X-Page-Cache"), body))
    return first


def change_by_command(env, code):
    """Runs `code` in `manage.py shell`: another process than the site's."""
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, timeout=120
    )


def test_a_change_from_another_process_shows_on_every_worker_at_once(gunicorn):
    list_market(make_market("AliExpress", slug="aliexpress"), 2021)
    page = f"{gunicorn['base']}/markets/aliexpress/"
    from_every_worker(page)  # each worker renders (or, with Redis, one of them does)
    warm = from_every_worker(page)
    assert {cached for _, cached, _ in warm.values()} == {"hit"}

    # A bulk update in a management command (no signal, no cache touched).
    change_by_command(
        gunicorn["env"],
        "from notorious.markets.models import Market; "
        "Market.objects.filter(slug='aliexpress').update(name='AliExpress Renamed')",
    )
    renamed = from_every_worker(page)
    # Rendered afresh (with Redis, by one worker, then shared under the new generation).
    for status, _, body in renamed.values():
        assert status == 200 and b"AliExpress Renamed" in body
    assert {cached for _, cached, _ in from_every_worker(page).values()} == {"hit"}

    # Raw SQL, as from psql: unpublished, so gone from every worker.
    with scratch.connect(connection.settings_dict["NAME"]) as other:
        other.execute("UPDATE markets_market SET is_published = false WHERE slug = 'aliexpress'")
    gone = from_every_worker(page)
    assert {status for status, _, _ in gone.values()} == {404}
