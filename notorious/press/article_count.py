"""How many articles readers may see, counted once and kept true by PostgreSQL.

`/coverage/` states how many articles it holds and how many pages they fill. Counting
200,000 articles on each request took 30-70 ms, most of the page's database time, for a
number that changes only when an article is added, deleted, published or unpublished. So
it is stored in `press_article_count` (one row) and kept true by triggers (migration 0010),
whatever writes:

- INSERT, UPDATE and DELETE on press_article add what the statement's rows changed
  (statement triggers reading the transition tables: a bulk import of thousands of
  articles is one update; a statement that publishes or unpublishes nothing, such as most
  edits, writes nothing); TRUNCATE sets it to 0;
- should the row be missing (a test database flushed, say), the next change stores the
  count afresh, and the pages count live meanwhile (`published_article_count`).

Two transactions changing articles at once update the one row in turn: the second waits for
the first to commit, then adds its own change to what the first stored.

The live count, the tests' oracle and the data check's, is `Article.objects.published()
.count()`. `manage.py recount_coverage` stores it again (`recount`).
"""

from django.db import connection, models, transaction


class ArticleCount(models.Model):
    """The number of published articles (row 1). Written only by the database's triggers
    and `recount`."""

    published = models.BigIntegerField()

    class Meta:
        db_table = "press_article_count"

    def __str__(self):
        return f"{self.published} published articles"


def stored_published_count():
    """The stored count of published articles, or None if its row is missing."""
    return ArticleCount.objects.filter(pk=1).values_list("published", flat=True).first()


# Migration 0010 holds a copy of this statement in its trigger function.
RECOUNT = """
    INSERT INTO press_article_count (id, published)
    SELECT 1, count(*) FROM press_article WHERE is_published
    ON CONFLICT (id) DO UPDATE SET published = excluded.published
"""


def recount():
    """Count the published articles again and store the count: a repair, should the data
    check ever find it wrong. Locks the articles against writes meanwhile."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE press_article IN SHARE MODE")
        cursor.execute(RECOUNT)
