"""Statements planned once per connection (notorious/core/prepared.py): the same rows as the
statement run plainly, read afresh each time, and a session that stays usable whatever
failed before; and the models made from such rows (`core.models.instance_from_row`)."""

import pytest
from django.db import DataError, connection, transaction
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from notorious.core import prepared
from notorious.core.models import instance_from_row
from notorious.markets.models import Market
from tests.factories import make_market

pytestmark = pytest.mark.django_db

NAMED = "SELECT count(*) FROM markets_market WHERE name = %s"


def prepared_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'notorious%%'")
        return {name for (name,) in cursor.fetchall()}


def test_a_statement_is_prepared_once_and_run_after_that(monkeypatch):
    monkeypatch.setattr(prepared, "KEPT", 1000)  # whatever earlier tests left prepared
    make_market("Alpha")
    before = prepared_names()
    with CaptureQueriesContext(connection) as first:
        assert prepared.fetch_all("default", NAMED, ["Alpha"]) == [(1,)]
    with CaptureQueriesContext(connection) as second:
        assert prepared.fetch_all("default", NAMED, ["Alpha"]) == [(1,)]
    # One round trip each: prepared and run, then only run.
    assert len(first) == len(second) == 1
    assert first[0]["sql"].startswith("PREPARE notorious_")
    assert second[0]["sql"].startswith("EXECUTE notorious_")
    assert len(prepared_names() - before) == 1
    # Other values are another statement.
    assert prepared.fetch_all("default", NAMED, ["Beta"]) == [(0,)]
    assert len(prepared_names() - before) == 2


def test_its_rows_are_read_afresh():
    assert prepared.fetch_all("default", NAMED, ["Alpha"]) == [(0,)]
    make_market("Alpha")
    assert prepared.fetch_all("default", NAMED, ["Alpha"]) == [(1,)]


def test_a_failed_run_leaves_the_next_one_working():
    """A statement that failed when first run stays prepared (PREPARE outlives a rollback):
    the next call starts its session's statements afresh instead of preparing it again."""
    failing = "SELECT 1 / count(*) FROM markets_market WHERE name = %s"
    with pytest.raises(DataError), transaction.atomic():
        prepared.fetch_all("default", failing, ["Gamma"])
    make_market("Gamma")
    assert prepared.fetch_all("default", failing, ["Gamma"]) == [(1,)]
    assert prepared.fetch_all("default", failing, ["Gamma"]) == [(1,)]


def test_a_connection_keeps_a_bounded_number(monkeypatch):
    monkeypatch.setattr(prepared, "KEPT", 2)
    for name in ["One", "Two", "Three"]:
        make_market(name)
        assert prepared.fetch_all("default", NAMED, [name]) == [(1,)]
    assert len(prepared_names()) <= 2
    assert prepared.fetch_all("default", NAMED, ["One"]) == [(1,)]


@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_its_statements_again():
    assert prepared.fetch_all("default", NAMED, ["Delta"]) == [(0,)]
    connection.close()
    assert prepared.fetch_all("default", NAMED, ["Delta"]) == [(0,)]
    assert len(prepared_names()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_replaced_after_a_failed_health_check_prepares_again():
    assert prepared.fetch_all("default", NAMED, ["Epsilon"]) == [(0,)]
    # The session lost (a database restart, say), found by Django's check of a persistent
    # connection as a request's first query opens its cursor.
    connection.connection.close()
    connection.health_check_enabled, connection.health_check_done = True, False
    assert prepared.fetch_all("default", NAMED, ["Epsilon"]) == [(0,)]


def test_an_instance_from_a_prepared_row_is_the_orms_instance():
    """`core.models.instance_from_row`, which makes models from the changes pages' rows:
    the same entry as the ORM reads, its other fields loaded when asked for, saved as an
    update."""
    market = make_market("Alpha", description="Sells fakes.")
    columns = ["id", "name", "slug"]
    rows = prepared.fetch_all("default", "SELECT id, name, slug FROM markets_market", [])
    read = instance_from_row(Market, "default", columns, rows[0])
    assert read == market and read.name == "Alpha"
    assert read.get_absolute_url() == market.get_absolute_url()
    assert read.get_deferred_fields() == Market.objects.only(*columns).get().get_deferred_fields()
    assert read.description == "Sells fakes."  # deferred, read on demand
    assert not read._state.adding and read._state.db == "default"
    read.name = "Alpha Bazaar"
    read.save()
    assert Market.objects.get().name == "Alpha Bazaar" and Market.objects.count() == 1


def test_an_instance_watched_being_made_is_made_by_the_orm():
    seen = []

    def made(sender, instance, **kwargs):
        seen.append(instance.pk)

    market = make_market("Alpha")
    post_init.connect(made, sender=Market)
    try:
        read = instance_from_row(Market, "default", ["id", "name"], [market.pk, "Alpha"])
    finally:
        post_init.disconnect(made, sender=Market)
    assert seen == [market.pk] and read == market
