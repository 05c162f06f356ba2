"""How many published articles each edition's coverage holds, kept true by PostgreSQL.

An edition's page states how many articles cover it. At 10,000 articles an edition,
counting them on every request was a third of the page's database time, for a number that
changes only when a link is made or undone or a linked article is published, unpublished
or deleted. So it is stored in `press_edition_article_count` (a row an edition) and kept
true by triggers (migration 0012), whatever writes:

- INSERT, UPDATE and DELETE on the link table (press_article_reports) add +1 or -1 for each
  link whose article is published (statement triggers reading the transition tables: one
  update an edition a statement, however many links it writes). The linked articles are
  share-locked before they are read, so an article published or unpublished at the same
  time is counted once, by whichever transaction commits second;
- INSERT, UPDATE and DELETE on press_article move the links of articles whose
  `is_published` changed (an article deleted while still linked leaves its links counting
  as unpublished, as the link triggers then read it); TRUNCATE of the links sets every
  count to 0;
- an edition's row goes with it (ON DELETE CASCADE). An edition without a row (new, or a
  test database flushed) is counted live by its page; the next change to its links stores
  its count afresh.

The live count, the tests' oracle and the data check's, is
`report.articles.published().count()` (`live_counts`). `manage.py recount_coverage` stores
every edition's count again (`recount`).
"""

from django.db import connection, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery

from notorious.reports.models import Report


class EditionArticleCount(models.Model):
    """One edition's number of published articles linked to it. Written only by the
    database's triggers and `recount`."""

    report = models.OneToOneField(
        "reports.Report",
        primary_key=True,
        # The database deletes the row with its edition (its own foreign key, ON DELETE
        # CASCADE, added by migration 0012).
        on_delete=models.DO_NOTHING,
        related_name="article_count",
        db_constraint=False,
    )
    published = models.BigIntegerField()

    class Meta:
        db_table = "press_edition_article_count"

    def __str__(self):
        return f"{self.published} published articles on edition {self.report_id}"


def stored_count():
    """A subquery for a queryset of editions: each one's stored count, or None if its row is
    missing (then count live)."""
    rows = EditionArticleCount.objects.filter(report=OuterRef("pk"))
    return Subquery(rows.values("published")[:1], output_field=models.BigIntegerField())


def stored_counts():
    """{report_id: count} as stored (editions without a row left out)."""
    return dict(EditionArticleCount.objects.values_list("report_id", "published"))


def live_counts(report_ids):
    """{report_id: count} counted now, for the editions `report_ids`."""
    editions = Report.objects.filter(pk__in=report_ids).annotate(
        published=Count("articles", filter=Q(articles__is_published=True))
    )
    return dict(editions.values_list("pk", "published"))


# Migration 0012 holds a copy of this count in its first statement.
RECOUNT = """
    INSERT INTO press_edition_article_count AS counts (report_id, published)
    SELECT r.id, count(a.id)
    FROM reports_report r
    LEFT JOIN press_article_reports l ON l.report_id = r.id
    LEFT JOIN press_article a ON a.id = l.article_id AND a.is_published
    GROUP BY r.id
    ON CONFLICT (report_id) DO UPDATE SET published = excluded.published
"""


def recount():
    """Count every edition's published articles again and store the counts: a repair,
    should the data check ever find one wrong. Locks the articles and their links against
    writes meanwhile."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE press_article, press_article_reports IN SHARE MODE")
        cursor.execute(RECOUNT)
