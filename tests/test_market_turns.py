"""Each market's turns are stored (reports_market_turns) and counted by edition
(reports_turn_counts), both kept true by triggers: after any edit of listings, editions or
markets, by the ORM or in bulk, the tables hold what the rule says market by market
(`compute_history`), the timeline and the editions' changes read from them say what the
rule says, and the data checks and `recount_listings` find and repair tables gone wrong."""

import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from notorious.dataset.data_checks import (
    stored_group_counts_not_live,
    stored_turn_counts_not_live,
    stored_turns_not_live,
)
from notorious.markets.history import CONTINUING
from notorious.markets.models import Kind, Market
from notorious.reports.change_sets import ChangeSets
from notorious.reports.group_counts import live_group_counts, stored_group_counts
from notorious.reports.market_turns import live_turns, rebuild, stored_turns, turn_kind
from notorious.reports.models import Listing, Report
from notorious.reports.section_moves import live_moves, stored_moves
from notorious.reports.timeline import build_timeline, market_events
from notorious.reports.turn_counts import counts_by_kind, live_turn_counts, stored_turn_counts
from notorious.reports.turn_sets import TurnSets
from tests.factories import make_listing, make_market, make_report
from tests.test_change_sets import NAMES, python_groups, sql_groups, tangled  # noqa: F401
from tests.test_timeline_paging import whole

pytestmark = pytest.mark.django_db


def rule_turns():
    """Every market's turns by the rule market by market, as {(market id, year): kind}: the
    timeline's events from each market's `compute_history` (its own flag aside)."""
    record = Report.objects.edition_record()
    by_year = {report.year: report for report in record.editions}
    turns = {}
    for market in Market.objects.with_listings():
        for event in market_events(market.listing_history(record), market, by_year):
            turns[(market.pk, event.report.year)] = event.kind
    return turns


def table_turns():
    """The stored turns, each of the kind `turn_kind` gives it against the record now."""
    record = Report.objects.edition_record()
    kinds = dict(Market.objects.values_list("pk", "kind"))
    return {
        (market, year): turn_kind(record, year, kinds[market], dropped, earlier, said)
        for market, year, dropped, earlier, said in stored_turns()
    }


def rule_counts():
    """Each edition's turns of published markets by kind, by the rule market by market:
    {year: {kind: how many}}, as `turn_counts.counts_by_kind` states them."""
    published = set(Market.objects.published().values_list("pk", flat=True))
    counts = Counter(
        (year, kind) for (market, year), kind in rule_turns().items() if market in published
    )
    by_year = {}
    for (year, kind), number in counts.items():
        by_year.setdefault(year, {})[kind] = number
    return by_year


def assert_true_to_the_rule():
    assert stored_group_counts() == live_group_counts()
    assert stored_turns() == live_turns()
    assert stored_moves() == live_moves()
    assert table_turns() == rule_turns()
    assert stored_turn_counts() == live_turn_counts()
    assert counts_by_kind(Report.objects.edition_record()) == rule_counts()


def assert_pages_follow_the_rule():
    """The timeline, each edition's changes and the consecutive comparisons say what the
    rule says (`ChangeSets`, checked against the rule in tests/test_change_sets.py, for the
    section changes and the markets in both)."""
    assert list(build_timeline().events) == whole(False)
    record = Report.objects.edition_record()
    for report in record.editions:
        assert sql_groups(report, record) == python_groups(report, record), report.year
        stored, live = TurnSets(report, record), ChangeSets(report.year - 1, report, record)
        assert stored.counts() == live.counts(), report.year
        assert moved(stored) == moved(live), report.year


def moved(sets):
    """The section changes `sets` reads (every one), as (market, section it moved from)."""
    size = sum(sets.counts()["section_changed"].values())
    if not size:
        return []
    changes = sets.first_changes({"section_changed": size}, 1000)["section_changed"]
    return [(change.market.name, change.previous_section) for change in changes]


def edit(rng):
    """One random edit of the record, as an editor, an import or raw SQL might make it;
    returns what it did, for a failing assertion's message."""
    listings, reports = list(Listing.objects.all()), list(Report.objects.all())
    markets = list(Market.objects.all())
    choice = rng.randrange(15)
    if choice == 0:
        market, report = rng.choice(markets), rng.choice(reports)
        try:
            with transaction.atomic():
                make_listing(market, report, source_says_first=rng.random() < 0.2)
        except IntegrityError:
            return "listing exists"
        return f"listed {market} in {report.year}"
    if choice == 1 and listings:
        listing = rng.choice(listings)
        listing.delete()
        return f"deleted {listing.pk}"
    if choice == 2 and listings:
        listing = rng.choice(listings)
        listing.is_published = not listing.is_published
        listing.save()
        return f"flipped listing {listing.pk}"
    if choice == 3 and listings:
        Listing.objects.filter(pk=rng.choice(listings).pk).update(source_says_first=True)
        return "said first"
    if choice == 4:
        report = rng.choice(reports)
        Listing.objects.filter(report=report).update(is_published=rng.random() < 0.5)
        return f"bulk flag in {report.year}"
    if choice == 5 and listings:
        listing, report = rng.choice(listings), rng.choice(reports)
        try:
            with transaction.atomic():
                Listing.objects.filter(pk=listing.pk).update(report=report)
        except IntegrityError:
            return "move refused"
        return f"moved listing {listing.pk} to {report.year}"
    if choice == 6:
        report = rng.choice(reports)
        report.is_published = not report.is_published
        report.save()
        return f"published {report.year}: {report.is_published}"
    if choice == 7:
        report = rng.choice(reports)
        free = sorted(set(range(2014, 2027)) - {each.year for each in reports})
        Report.objects.filter(pk=report.pk).update(year=rng.choice(free))
        return f"moved edition {report.year}"
    if choice == 8:
        report = rng.choice(reports)
        field = rng.choice(["online_all_entered", "physical_all_entered"])
        Report.objects.filter(pk=report.pk).update(**{field: rng.random() < 0.5})
        return f"completeness of {report.year}"
    if choice == 9:
        market = rng.choice(markets)
        Market.objects.filter(pk=market.pk).update(is_published=not market.is_published)
        return f"flipped market {market}"
    if choice == 10 and len(reports) > 3:
        report = rng.choice(reports)
        report.delete()
        return f"deleted edition {report.year}"
    if choice == 11 and listings:
        listing = rng.choice(listings)
        other = Kind.PHYSICAL if listing.section == Kind.ONLINE else Kind.ONLINE
        Listing.objects.filter(pk=listing.pk).update(section=other)
        return f"section of listing {listing.pk}"
    if choice == 12:
        market = rng.choice(markets)
        other = Kind.PHYSICAL if market.kind == Kind.ONLINE else Kind.ONLINE
        Market.objects.filter(pk=market.pk).update(kind=other)
        return f"kind of market {market}"
    if choice == 13 and len(markets) > 4:
        market = rng.choice(markets)
        market.delete()
        return f"deleted market {market}"
    if choice == 14:
        market = rng.choice(markets)
        change = rng.choice([{"country": rng.choice(["CN", "HK", ""])}, {"category": "other"}])
        Market.objects.filter(pk=market.pk).update(**change)
        return f"{change} for market {market}"
    return "nothing"


def test_the_table_starts_as_the_rule_says(tangled):  # noqa: F811
    assert_true_to_the_rule()
    kinds = set(table_turns().values())
    assert kinds == {
        "first_listed",
        "first_entered",
        "returned",
        "entered_again",
        "dropped",
        "not_entered",
    }
    assert_pages_follow_the_rule()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_keep_the_table_and_the_pages_true(tangled, seed):  # noqa: F811
    # A market moved to the other section to start with, for the edits to move on.
    Listing.objects.filter(market__name="Online 9", report__year=2021).update(section="physical")
    assert stored_moves() == live_moves() != set()
    assert_pages_follow_the_rule()
    rng, done = random.Random(seed), []
    for step in range(40):
        done.append(edit(rng))
        assert stored_turns() == live_turns(), done
        assert stored_moves() == live_moves(), done
        assert stored_turn_counts() == live_turn_counts(), done
        assert stored_group_counts() == live_group_counts(), done
        if step % 8 == 7:
            assert table_turns() == rule_turns(), done
            assert counts_by_kind(Report.objects.edition_record()) == rule_counts(), done
            assert_pages_follow_the_rule()
    assert_true_to_the_rule()


def test_a_new_edition_added_after_its_listings_counts_them():
    market = make_market("Early")
    make_report(2020)
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys are checked at commit: the listing may come first.
        cursor.execute(
            "INSERT INTO reports_listing (report_id, market_id, section, reasons, quotation,"
            " source_says_first, is_published, created_at, updated_at)"
            " VALUES (999999, %s, 'online', '', '', false, true, now(), now())",
            [market.pk],
        )
        make_report(2021, pk=999999)
    assert stored_turns() == {(market.pk, 2021, False, False, False)}
    assert_true_to_the_rule()


def test_a_dropped_market_and_a_deleted_market(tangled):  # noqa: F811
    market = make_market("Once")
    make_listing(market, tangled[2020])
    assert (market.pk, 2021, True, True, False) in stored_turns()
    assert counts_by_kind(Report.objects.edition_record()) == rule_counts()
    Market.objects.filter(pk=market.pk).delete()
    assert not [row for row in stored_turns() if row[0] == market.pk]
    assert_true_to_the_rule()
    Listing.objects.all()._raw_delete(Listing.objects.db)
    assert stored_turns() == set()
    assert stored_turn_counts() == {}
    make_listing(Market.objects.get(name="Online 1"), tangled[2018])
    assert stored_turns()
    assert stored_turn_counts() == live_turn_counts() != {}
    with connection.cursor() as cursor:
        # The checks the transaction deferred first: TRUNCATE refuses to run with any left.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE reports_listing")
    assert stored_turns() == set()
    assert stored_turn_counts() == {}


def test_the_data_check_finds_wrong_turns_and_recount_repairs_them(tangled):  # noqa: F811
    assert stored_turns_not_live() == []
    first = Market.objects.get(name="Online 0")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_market_turns SET earlier = NOT earlier")
    problems = stored_turns_not_live()
    assert problems and problems[0].check == "Stored turns wrong"
    assert any(f"Market {first.pk}:" in problem.message for problem in problems)
    rebuild()
    assert stored_turns_not_live() == []
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_market_turns")
    call_command("recount_listings", stdout=None)
    assert_true_to_the_rule()


def test_continuing_markets_make_no_turn(tangled):  # noqa: F811
    record = Report.objects.edition_record()
    market = Market.objects.get(name="Online 0")
    history = market.listing_history(record)
    continuing = [year for year, (status, _) in history.statuses.items() if status == CONTINUING]
    assert continuing
    years = {year for market_id, year, *_ in stored_turns() if market_id == market.pk}
    assert not years & set(continuing)


def test_the_data_check_finds_wrong_turn_counts_and_recount_repairs_them(tangled):  # noqa: F811
    assert stored_turn_counts_not_live() == []
    year = min(year for year, *_ in stored_turn_counts())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_turn_counts SET markets = 99 WHERE year = %s", [year])
    problems = stored_turn_counts_not_live()
    assert [problem.check for problem in problems] == ["Stored turn counts wrong"]
    assert f"reviewing {year}:" in problems[0].message
    call_command("recount_listings", stdout=None)
    assert stored_turn_counts_not_live() == []
    assert_true_to_the_rule()


def test_a_market_published_or_moved_to_the_other_section_moves_its_counts(tangled):  # noqa: F811
    record = Report.objects.edition_record()
    market = Market.objects.get(name="Online 0")
    before = counts_by_kind(record)
    Market.objects.filter(pk=market.pk).update(is_published=False)
    assert counts_by_kind(record) != before
    assert counts_by_kind(record) == rule_counts()
    Market.objects.filter(pk=market.pk).update(is_published=True, kind=Kind.PHYSICAL)
    assert counts_by_kind(record) == rule_counts()
    Market.objects.filter(pk=market.pk).update(kind=Kind.ONLINE)
    assert counts_by_kind(record) == before


def test_a_market_deleted_before_its_listings_leaves_no_count(tangled):  # noqa: F811
    market = Market.objects.get(name="Online 0")
    with connection.cursor() as cursor:
        # Raw SQL may delete in this order: the listings' key is checked at commit.
        cursor.execute("DELETE FROM markets_market WHERE id = %s", [market.pk])
        cursor.execute("DELETE FROM reports_listing WHERE market_id = %s", [market.pk])
    assert stored_turns() == live_turns()
    assert stored_turn_counts() == live_turn_counts()


def test_the_data_check_finds_wrong_group_counts_and_recount_repairs_them(tangled):  # noqa: F811
    assert stored_group_counts_not_live() == []
    report_id, country, category = next(iter(stored_group_counts()))
    year = Report.objects.get(pk=report_id).year
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_listing_groups SET listings = listings + 5 "
            "WHERE report_id = %s AND country = %s AND category = %s",
            [report_id, country, category],
        )
    problems = stored_group_counts_not_live()
    assert [problem.check for problem in problems] == ["Stored counts by country wrong"]
    assert f"reviewing {year}:" in problems[0].message
    call_command("recount_listings", stdout=None)
    assert stored_group_counts_not_live() == []
