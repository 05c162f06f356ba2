"""Each edition's published listings by their market's country and category, counted once
and kept true by PostgreSQL.

The charts of markets named by country and by category over time count every published
listing by edition and group. Counting 100,000 listings that way took about 50 ms of
PostgreSQL for each chart at 10,000 markets, so the counts are stored in
`reports_listing_groups`: one row per (edition, country, category) holding how many
listings readers may see in that group (the listing and its market published; the edition's
own flag is read with the counts, see `counts_by`). Triggers keep it true (migration 0009),
whatever writes, by adding what each statement changed, as `entry_counts` does:

- INSERT, UPDATE and DELETE on reports_listing add and take away the statement's rows
  (statement triggers reading the transition tables), after share-locking their markets so
  that a market published or moved at the same time is counted once, either way round;
  TRUNCATE empties the table;
- an UPDATE of markets' `is_published`, `country` or `category` moves their published
  listings from the old group to the new one; a DELETE takes them away (a market's listings
  are deleted before it, or its deletion could not commit);
- a row goes with its edition (ON DELETE CASCADE).

`manage.py recount_listings` counts every group again (`recount`); the data check
`stored_group_counts_not_live` compares the table with a count made now.
"""

from django.db import connection, models, transaction

# Each (edition, country, category)'s published listings of published markets, counted now:
# the oracle of the data check, and what `recount` stores. Migration 0009 holds a copy of
# this statement (a migration must not change with the code).
LIVE = """
    SELECT l.report_id, m.country, m.category, count(*)
    FROM reports_listing l
    JOIN markets_market m ON m.id = l.market_id AND m.is_published
    WHERE l.is_published
    GROUP BY 1, 2, 3
"""
COLUMNS = "report_id, country, category, listings"


class ListingGroupCount(models.Model):
    """How many listings readers may see in one edition for markets of one country and
    category ('' where the market has none recorded). Written only by the database's
    triggers."""

    report = models.ForeignKey(
        "reports.Report",
        # The database deletes the rows with their edition (its own foreign key, ON DELETE
        # CASCADE, added by migration 0009).
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the unique constraint's index starts with it
    )
    country = models.CharField(max_length=2)
    category = models.CharField(max_length=30)
    listings = models.IntegerField()

    class Meta:
        db_table = "reports_listing_groups"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "country", "category"], name="listing_group_unique"
            )
        ]

    def __str__(self):
        return f"Listings of one country and category in edition {self.report_id}"


def counts_by(field_name):
    """[(edition year, value of `field_name`: "country" or "category", listings)] for the
    published editions, from the stored counts: one query of at most a few thousand rows,
    however many listings there are."""
    return list(
        ListingGroupCount.objects.filter(report__is_published=True, listings__gt=0)
        .values_list("report__year", field_name)
        .annotate(number=models.Sum("listings"))
        .order_by()
        .values_list("report__year", field_name, "number")
    )


def stored_group_counts():
    """Every stored count above zero, as {(report_id, country, category): listings}."""
    rows = ListingGroupCount.objects.filter(listings__gt=0).values_list(
        "report_id", "country", "category", "listings"
    )
    return {tuple(group): number for *group, number in rows}


def live_group_counts():
    """The same counts, made now from the listings."""
    with connection.cursor() as cursor:
        cursor.execute(LIVE)
        return {tuple(group): number for *group, number in cursor.fetchall()}


def recount():
    """Count every group again and store the counts: a repair, should the data check ever
    find them wrong (`manage.py recount_listings`). Takes the table's lock first, so that
    no trigger adds to a count while it is replaced."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_listing_groups IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("DELETE FROM reports_listing_groups")
        cursor.execute(f"INSERT INTO reports_listing_groups ({COLUMNS}) {LIVE}")
