"""Statements planned once per connection (notorious/core/prepared.py): the same rows as the
statement run plainly, read afresh each time, and a session that stays usable whatever
failed before; plans kept on the pages of one entry and nowhere else; and the models made
from such rows (`core.models.instance_from_row`)."""

import pytest
from django.db import DataError, connection, transaction
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from notorious.core import prepared
from notorious.core.models import instance_from_row
from notorious.markets.models import Market
from tests.factories import make_listing, make_market, make_report

pytestmark = pytest.mark.django_db

NAMED = "SELECT count(*) FROM markets_market WHERE name = %s"


def prepared_statements(containing):
    """This session's prepared statements whose text contains `containing`: (text, runs
    planned for their own values, runs from the kept plan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, custom_plans, generic_plans FROM pg_prepared_statements"
            " WHERE strpos(statement, %s) > 0",
            [containing],
        )
        return cursor.fetchall()


def test_a_statement_is_prepared_once_and_run_after_that():
    make_market("Alpha")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert prepared.fetch_all("default", NAMED, ["Alpha"]) == [(1,)]
    assert len(queries) == 3  # one query each, prepared or not
    # The values are written into the text, so the plan made once is for them.
    [(text, custom, generic)] = prepared_statements("'Alpha'")
    assert text.startswith("SELECT count(*)") and custom + generic == 3
    # Other values are another statement.
    assert prepared.fetch_all("default", NAMED, ["Beta"]) == [(0,)]
    assert len(prepared_statements("'Beta'")) == 1


def test_its_rows_are_read_afresh():
    assert prepared.fetch_all("default", NAMED, ["Alpha"]) == [(0,)]
    make_market("Alpha")
    assert prepared.fetch_all("default", NAMED, ["Alpha"]) == [(1,)]


def test_a_failed_run_leaves_the_next_one_working():
    failing = "SELECT 1 / count(*) FROM markets_market WHERE name = %s"
    with pytest.raises(DataError), transaction.atomic():
        prepared.fetch_all("default", failing, ["Gamma"])
    make_market("Gamma")
    assert prepared.fetch_all("default", failing, ["Gamma"]) == [(1,)]
    assert prepared.fetch_all("default", failing, ["Gamma"]) == [(1,)]


def test_a_connection_keeps_a_bounded_number(monkeypatch):
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepared_max", 2)
    for name in ["One", "Two", "Three", "Four"]:
        make_market(name)
        assert prepared.fetch_all("default", NAMED, [name]) == [(1,)]
    assert len(prepared_statements("FROM markets_market WHERE name =")) == 2
    assert prepared.fetch_all("default", NAMED, ["One"]) == [(1,)]


@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_its_statements_again():
    assert prepared.fetch_all("default", NAMED, ["Delta"]) == [(0,)]
    connection.close()
    assert prepared.fetch_all("default", NAMED, ["Delta"]) == [(0,)]
    assert len(prepared_statements("'Delta'")) == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_replaced_after_a_failed_health_check_prepares_again():
    assert prepared.fetch_all("default", NAMED, ["Epsilon"]) == [(0,)]
    # The session lost (a database restart, say), found by Django's check of a persistent
    # connection as a request's first query opens its cursor.
    connection.connection.close()
    connection.health_check_enabled, connection.health_check_done = True, False
    assert prepared.fetch_all("default", NAMED, ["Epsilon"]) == [(0,)]


def test_a_markets_page_keeps_one_plan_for_every_market(client):
    """The pages of one entry run with plans kept: one statement for every market, its
    values bound apart, planned for its own values at first and then from one plan."""
    report = make_report(2020)
    for number in range(8):
        market = make_market(f"Market {number}")
        make_listing(market, report)
        assert client.get(market.get_absolute_url()).status_code == 200
    # The market's listings: one statement, whichever market.
    [(text, custom, generic)] = prepared_statements('"reports_listing"."market_id" IN ($1)')
    assert "Market" not in text
    assert custom + generic == 8 and generic >= 1


def test_a_search_plans_every_statement_for_its_words(client):
    """Outside the pages of one entry (search, filtered lists) every statement is planned
    for its own values: how much a search reads depends on its words."""
    make_market("Alpha Bazaar")
    for words in ["alpha", "bazaar", "alpha", "bazaar"]:
        assert client.get("/search/", {"q": words}).status_code == 200
        assert client.get("/coverage/", {"q": words}).status_code == 200
    assert prepared_statements("alpha") == prepared_statements("$1") == []


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
