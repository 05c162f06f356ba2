"""Each edition's entered listings, counted once and kept true by PostgreSQL.

Every page that states a listing history needs, for each edition and section, how many
listings are entered: all of them for editors, and for readers those they may see (the
listing and its market published; the edition's own flag is left to its page, see
`published_listings_q`). Counting 100,000 listings on every request cost more than the rest
of the page, so the counts are stored in `reports_entry_counts`, one row per edition, and
kept true by triggers in the database (migration 0004), whatever writes:

- a row is added with each edition (and goes with it: ON DELETE CASCADE);
- INSERT, UPDATE and DELETE on reports_listing add and take away what the statement's rows
  changed (statement triggers reading the transition tables, so a bulk import of thousands
  of listings makes one update per statement, not one per row); TRUNCATE sets them to 0;
- a change of a market's `is_published` moves its published listings in or out of the
  readers' counts.

So saves in the admin, bulk `.update()`s, imports, raw SQL and rolled-back transactions all
leave the counts equal to a live count. A listing's statement takes a share lock on its
markets before it reads whether they are published, so a market published or unpublished
at the same time is counted once, either way round.

The live count, the tests' oracle and the data check's, is
`notorious.dataset.data_checks.live_entered_counts`.
"""

from django.db import connection, models, transaction

from notorious.markets.models import Kind

COUNTED = [f"{section}_{what}" for section in Kind.values for what in ("entered", "published")]


class EntryCounts(models.Model):
    """One edition's entered listings, by section: all of them (`*_entered`) and those
    readers may see (`*_published`). Written only by the database's triggers."""

    report = models.OneToOneField(
        "reports.Report",
        primary_key=True,
        # The database deletes the row with its edition (its own foreign key, ON DELETE
        # CASCADE, added by migration 0004).
        on_delete=models.DO_NOTHING,
        related_name="entry_counts",
        db_constraint=False,
    )
    online_entered = models.IntegerField()
    online_published = models.IntegerField()
    physical_entered = models.IntegerField()
    physical_published = models.IntegerField()

    class Meta:
        db_table = "reports_entry_counts"

    def __str__(self):
        return f"Entered listings of edition {self.report_id}"


def stored_entered_counts():
    """{report_id: {"online_entered": n, ...}} as stored."""
    rows = EntryCounts.objects.values("report_id", *COUNTED)
    return {row.pop("report_id"): row for row in rows}


# Every edition's counts, counted from its listings (as migration 0004 first filled them).
RECOUNT = """
    INSERT INTO reports_entry_counts AS counts
        (report_id, online_entered, online_published, physical_entered, physical_published)
    SELECT r.id,
        count(l.id) FILTER (WHERE l.section = 'online'),
        count(l.id) FILTER (WHERE l.section = 'online' AND l.is_published AND m.is_published),
        count(l.id) FILTER (WHERE l.section = 'physical'),
        count(l.id) FILTER (WHERE l.section = 'physical' AND l.is_published AND m.is_published)
    FROM reports_report r
    LEFT JOIN reports_listing l ON l.report_id = r.id
    LEFT JOIN markets_market m ON m.id = l.market_id
    GROUP BY r.id
    ON CONFLICT (report_id) DO UPDATE SET
        online_entered = excluded.online_entered,
        online_published = excluded.online_published,
        physical_entered = excluded.physical_entered,
        physical_published = excluded.physical_published
"""


def recount():
    """Count every edition's listings again and store the counts: a repair, should the data
    check ever find them wrong (`manage.py recount_listings`). Locks the listings and
    markets against writes meanwhile, so nothing changes between the count and the store."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_listing, markets_market IN SHARE MODE")
        cursor.execute(RECOUNT)
