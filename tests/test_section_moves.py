"""The stored moves to another section (reports/section_moves.py): kept true by the
database whatever writes, read by the changes pages, checked and repaired like the turns.
tests/test_market_turns.py checks them against a computation made now after random edits,
and the changes pages' section changes against `ChangeSets`."""

import pytest
from django.core.management import call_command
from django.db import connection

from notorious.dataset.data_checks import stored_moves_not_live
from notorious.markets.models import Kind
from notorious.reports.section_moves import live_moves, rebuild, stored_moves
from tests.factories import make_listing, make_market, make_report
from tests.page_helpers import text_of

pytestmark = pytest.mark.django_db

COMPLETE = {"online_all_entered": True, "physical_all_entered": True}


@pytest.fixture
def mover():
    """A market listed online in 2020 and 2021, its 2021 listing then put in the physical
    section by raw SQL (as an import or a repair might, past the admin's checks)."""
    reports = {year: make_report(year, **COMPLETE) for year in (2020, 2021)}
    market = make_market("Mover", kind=Kind.ONLINE)
    make_listing(market, reports[2020], reasons="Sold fakes online.")
    listing = make_listing(market, reports[2021], reasons="Now a warehouse.")
    stayer = make_market("Stayer")
    make_listing(stayer, reports[2020])
    make_listing(stayer, reports[2021])
    assert stored_moves() == set()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_listing SET section = 'physical' WHERE id = %s", [listing.pk]
        )
    return market, listing, reports


def test_a_listing_put_in_the_other_section_is_a_stored_move_the_page_states(client, mover):
    market, _listing, _reports = mover
    assert stored_moves() == {(market.pk, 2021, "physical", "online")} == live_moves()
    text = text_of(client.get("/reports/2021/changes/"))
    assert "0 added, 0 returning, 0 dropped, 1 moved to another section; 2 in both." in text
    assert "Moved from the online section to the physical section." in text
    assert "Now a warehouse." in text


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE reports_report SET is_published = false WHERE year = 2020",
        "UPDATE reports_listing SET is_published = false WHERE section = 'physical'",
        "UPDATE reports_listing SET section = 'online'",
        "DELETE FROM reports_listing WHERE section = 'physical'",
    ],
)
def test_a_change_to_either_edition_or_listing_takes_the_move_away(client, mover, change):
    with connection.cursor() as cursor:
        cursor.execute(change)
    assert stored_moves() == set() == live_moves()
    text = text_of(client.get("/reports/2021/changes/"))
    assert "Moved from" not in text


def test_an_edition_moved_to_another_year_moves_its_markets_moves(client, mover):
    market, _listing, reports = mover
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET year = 2019 WHERE year = 2020")
    assert stored_moves() == set() == live_moves()
    # The page now compares 2019 with 2021, not consecutive: a section change between
    # them all the same, read from both editions' listings.
    text = text_of(client.get("/reports/2021/changes/"))
    assert "Moved from the online section to the physical section." in text
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET year = 2020 WHERE year = 2019")
        cursor.execute("UPDATE reports_report SET year = 2022 WHERE year = 2021")
        cursor.execute("UPDATE reports_report SET year = 2021 WHERE year = 2020")
    assert stored_moves() == {(market.pk, 2022, "physical", "online")} == live_moves()


def test_an_unpublished_market_moves_nothing_on_the_page(client, mover):
    market, _listing, _reports = mover
    market.is_published = False
    market.save()
    assert stored_moves() == live_moves() != set()  # the table holds the listings' facts
    text = text_of(client.get("/reports/2021/changes/"))
    assert "0 moved to another section" in text and "Mover" not in text


def test_a_deleted_market_takes_its_moves_with_it(mover):
    market, _listing, _reports = mover
    with connection.cursor() as cursor:
        # Raw SQL may delete in this order: the listings' key is checked at commit.
        cursor.execute("DELETE FROM markets_market WHERE id = %s", [market.pk])
        cursor.execute("DELETE FROM reports_listing WHERE market_id = %s", [market.pk])
    assert stored_moves() == set() == live_moves()


def test_the_data_check_finds_wrong_moves_and_recount_repairs_them(mover):
    market, _listing, _reports = mover
    assert stored_moves_not_live() == []
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_section_moves SET previous_section = 'elsewhere'")
    problems = stored_moves_not_live()
    assert [problem.check for problem in problems] == ["Stored section moves wrong"]
    assert f"Market {market.pk}:" in problems[0].message
    assert "recount_listings" in problems[0].message
    rebuild()
    assert stored_moves_not_live() == []
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_section_moves")
    call_command("recount_listings", stdout=None)
    assert stored_moves() == {(market.pk, 2021, "physical", "online")}


@pytest.mark.django_db(transaction=True)
def test_the_migration_stores_the_moves_already_in_the_listings():
    reports = {year: make_report(year, **COMPLETE) for year in (2020, 2021)}
    market = make_market("Mover", kind=Kind.ONLINE)
    make_listing(market, reports[2020])
    make_listing(market, reports[2021], section=Kind.PHYSICAL)
    try:
        call_command("migrate", "reports", "0011", verbosity=0)
        call_command("migrate", "reports", "0012", verbosity=0)
        assert stored_moves() == {(market.pk, 2021, "physical", "online")}
    finally:
        call_command("migrate", verbosity=0)
