"""Each edition's entered listings are stored (reports_entry_counts) and kept true by
PostgreSQL's triggers: after every kind of write, the stored counts equal a count made now
(`live_entered_counts`, the oracle), and the pages' completeness follows them."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notorious.dataset.data_checks import live_entered_counts, stored_counts_not_live
from notorious.markets.models import Kind, Market
from notorious.reports.entry_counts import recount, stored_entered_counts
from notorious.reports.models import Listing, Report

from .factories import make_listing, make_market, make_report

pytestmark = pytest.mark.django_db


def assert_counts_true():
    assert stored_entered_counts() == live_entered_counts()
    assert stored_counts_not_live() == []


def counts(report):
    return stored_entered_counts()[report.pk]


@pytest.fixture
def edition():
    """A 2020 edition with two online and one physical listing, one online one a draft."""
    report = make_report(2020, online_count_stated=2, physical_count_stated=1)
    make_listing(make_market(), report)
    make_listing(make_market(), report, is_published=False)
    make_listing(make_market(kind=Kind.PHYSICAL), report)
    return report


def test_counts_follow_created_listings(edition):
    assert counts(edition) == {
        "online_entered": 2,
        "online_published": 1,
        "physical_entered": 1,
        "physical_published": 1,
    }
    assert_counts_true()


def test_a_new_edition_starts_at_zero():
    report = make_report(2021)
    assert counts(report) == dict.fromkeys(counts(report), 0)
    assert_counts_true()


def test_saving_a_listing_changes_its_counts(edition):
    listing = Listing.objects.get(report=edition, is_published=False)
    listing.is_published = True
    listing.save()
    assert counts(edition)["online_published"] == 2
    listing.section = Kind.PHYSICAL
    listing.save()
    assert counts(edition)["physical_entered"] == 2
    assert_counts_true()


def test_moving_a_listing_to_another_edition_or_market(edition):
    other = make_report(2021)
    listing = Listing.objects.filter(report=edition, section=Kind.ONLINE).first()
    listing.report = other
    listing.save()
    assert counts(other)["online_entered"] == 1
    listing.market = make_market(is_published=False)
    listing.save()
    assert_counts_true()


def test_deleting_listings_markets_and_editions(edition):
    Listing.objects.filter(section=Kind.PHYSICAL).first().delete()
    assert counts(edition)["physical_entered"] == 0
    Market.objects.filter(listings__is_published=True).first().delete()
    assert_counts_true()
    edition.delete()
    assert edition.pk not in stored_entered_counts()
    assert_counts_true()


def test_bulk_updates_creates_and_deletes(edition):
    Listing.objects.update(is_published=False)
    assert_counts_true()
    Listing.objects.filter(section=Kind.ONLINE).update(is_published=True)
    assert_counts_true()
    other = make_report(2021)
    Listing.objects.bulk_create(
        Listing(report=other, market=make_market(), section=Kind.ONLINE) for _ in range(5)
    )
    assert counts(other)["online_published"] == 5
    Listing.objects.filter(report=other).delete()
    assert_counts_true()


def test_raw_sql_and_truncate(edition):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_listing SET section = 'physical'")
        assert counts(edition)["physical_entered"] == 3
        cursor.execute("DELETE FROM reports_listing WHERE is_published")
        assert_counts_true()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE wants no checks pending
        cursor.execute("TRUNCATE reports_listing")
    assert counts(edition) == dict.fromkeys(counts(edition), 0)
    assert_counts_true()


def test_a_market_unpublished_and_republished(edition):
    market = Market.objects.get(kind=Kind.PHYSICAL)
    market.is_published = False
    market.save()
    assert counts(edition)["physical_published"] == 0
    assert counts(edition)["physical_entered"] == 1
    Market.objects.update(is_published=True)
    assert counts(edition)["physical_published"] == 1
    assert_counts_true()


def test_an_unpublished_edition_keeps_its_counts_for_its_preview(edition):
    # Readers' counts leave the edition's own flag to its page (published_listings_q).
    edition.is_published = False
    edition.save()
    assert counts(edition)["online_published"] == 1
    assert_counts_true()


def test_a_listing_added_before_its_market_and_edition():
    # Foreign keys are checked at commit: raw SQL may add a listing first.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_listing (report_id, market_id, section, reasons, quotation, "
            "is_published, source_says_first, created_at, updated_at) "
            "VALUES (9001, 9002, 'online', '', '', true, false, now(), now())"
        )
        make_market(pk=9002)
        make_report(2022, pk=9001)
    assert stored_entered_counts()[9001]["online_published"] == 1
    assert_counts_true()


def test_a_rolled_back_transaction_leaves_the_counts(edition):
    before = counts(edition)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_listing(make_market(), edition)
        Market.objects.update(is_published=False)
        raise RuntimeError
    assert counts(edition) == before
    assert_counts_true()


def test_the_data_check_finds_wrong_counts_and_recount_repairs_them(edition):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_entry_counts SET online_entered = 7")
    assert [p.check for p in stored_counts_not_live()] == ["Stored listing counts wrong"]
    recount()
    assert_counts_true()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_entry_counts")
    call_command("recount_listings", stdout=None)
    assert_counts_true()


def test_the_edition_record_reads_the_stored_counts(edition):
    record = Report.objects.edition_record()
    assert record.sections[(2020, Kind.ONLINE)].entered == 1
    assert record.sections[(2020, Kind.PHYSICAL)].complete
    drafts = Report.objects.edition_record(include_drafts=True)
    assert drafts.sections[(2020, Kind.ONLINE)].entered == 2
    assert drafts.sections[(2020, Kind.ONLINE)].complete


def test_the_edition_record_query_does_not_read_the_listings(edition):
    with CaptureQueriesContext(connection) as queries:
        Report.objects.edition_record()
    assert len(queries) == 1
    assert "reports_listing" not in queries[0]["sql"]


def waiting_for_a_lock():
    """Whether another connection to this database is waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def in_thread(write):
    """Run `write` in a transaction on its own connection, in a thread (started)."""

    def run():
        try:
            with transaction.atomic():
                write()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    for _ in range(300):  # until it waits for this transaction's lock (or has finished)
        if waiting_for_a_lock() or not thread.is_alive():
            break
        time.sleep(0.1)
    return thread


def unpublish(market):
    Market.objects.filter(pk=market.pk).update(is_published=False)


@pytest.mark.django_db(transaction=True)
def test_a_listing_added_while_its_market_is_unpublished():
    report, market = make_report(2020), make_market()
    with transaction.atomic():
        unpublish(market)
        thread = in_thread(lambda: make_listing(market, report))
    thread.join()
    assert counts(report)["online_published"] == 0
    assert_counts_true()


@pytest.mark.django_db(transaction=True)
def test_a_market_unpublished_while_its_listing_is_added():
    report, market = make_report(2020), make_market()
    with transaction.atomic():
        make_listing(market, report)
        thread = in_thread(lambda: unpublish(market))
    thread.join()
    assert counts(report)["online_published"] == 0
    assert_counts_true()
