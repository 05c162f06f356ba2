"""What makes coverage pages answer in constant time (issue 11): the indexes they read, the
years offered from an index, a company's coverage without duplicates, and pages whose ids
are taken first; each giving exactly what the plain queries gave."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from notorious.dataset.data_checks import stored_article_count_not_live
from notorious.press.article_count import ArticleCount, stored_published_count
from notorious.press.filters import ArticleFilter
from notorious.press.models import Article
from tests.factories import make_article, make_company, make_market, make_outlet

pytestmark = pytest.mark.django_db


def test_the_coverage_indexes_exist():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Article._meta.db_table)
    for name in [
        "article_newest_first",
        "article_outlet_newest_first",
        "article_republishes_newest",
        "article_headline_trgm",
        "article_summary_trgm",
    ]:
        assert indexes[name]["index"], name


def test_the_newest_first_index_serves_a_page_of_coverage():
    for day in range(40):
        make_article(published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=day))
    with connection.cursor() as cursor:
        # As on a table too big to read or sort: the index must be able to give the order.
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        ids = Article.objects.published().newest_first().values("pk")[30:60]
        sql, params = ids.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using article_newest_first" in plan, plan
    assert "Sort" not in plan, plan


def test_years_published_are_those_of_published_dated_articles():
    for year in (2019, 2021, 2021, 2024):
        make_article(published_on=datetime.date(year, 6, 1))
    make_article(published_on=datetime.date(2030, 1, 1), is_published=False)
    make_article(published_on=None)
    expected = [d.year for d in Article.objects.published().dates("published_on", "year", "DESC")]
    assert Article.objects.publication_years() == expected == [2024, 2021, 2019]


def test_no_years_without_articles(client):
    assert Article.objects.publication_years() == []
    assert client.get("/coverage/").status_code == 200


def test_a_companys_coverage_counts_each_article_once():
    group = make_company("Group")
    unit = make_company("Unit", parent=group)
    market = make_market("Shop", operator=unit)
    draft_market = make_market("Secret Shop", operator=unit, is_published=False)
    both = make_article("About both", companies=[group, unit], markets=[market])
    only_market = make_article("About the shop", markets=[market])
    make_article("About the secret shop only", markets=[draft_market])
    make_article("About something else", markets=[make_market("Elsewhere")])
    about = Article.objects.published().about_company(group).newest_first()
    assert set(about) == {both, only_market}
    assert about.count() == 2


def test_every_page_of_coverage_is_the_newest_first_order_cut_in_pages(client, settings):
    outlet = make_outlet("Wire")
    for i in range(65):
        make_article(
            f"Story {i:02}",
            outlet=outlet,
            published_on=datetime.date(2022, 1, 1) + datetime.timedelta(days=i // 2),
        )
    make_article("Undated story", outlet=outlet)
    expected = list(Article.objects.published().newest_first())
    shown = []
    for page in ("1", "2", "last"):
        shown += list(client.get("/coverage/", {"page": page}).context["object_list"])
    assert shown == expected
    assert shown[-1].headline == "Undated story"


def test_outlet_counts_on_the_outlet_list(client):
    tsf = make_outlet("TSF")
    wire = make_outlet("Wire")
    make_article(outlet=tsf)
    make_article(outlet=tsf)
    make_article(outlet=tsf, is_published=False)
    make_article(outlet=wire, republishes=tsf)
    rows = {
        o.name: (o.article_count, o.republished_count)
        for o in client.get("/coverage/outlets/").context["object_list"]
    }
    assert rows == {"TSF": (2, 1), "Wire": (1, 0)}


def assert_stored_count_true(client):
    """The stored count is a count made now, and `/coverage/` states it."""
    live = Article.objects.published().count()
    assert stored_published_count() == live
    response = client.get("/coverage/")
    assert response.context["paginator"].count == live
    assert f"{live} article{'s' if live != 1 else ''}</h2>" in response.content.decode()


def test_the_stored_article_count_follows_every_kind_of_write(client):
    assert_stored_count_true(client)
    first = make_article("First")
    make_article("A draft", is_published=False)
    assert_stored_count_true(client)
    Article.objects.bulk_create(
        Article(headline=f"Bulk {i}", slug=f"bulk-{i}", is_published=i % 3 > 0) for i in range(9)
    )
    assert_stored_count_true(client)
    Article.objects.filter(headline__startswith="Bulk").update(is_published=True)
    assert_stored_count_true(client)
    Article.objects.filter(headline="First").update(headline="First, retitled")  # no change
    first.is_published = False
    first.save()
    assert_stored_count_true(client)
    Article.objects.filter(slug__in=["bulk-0", "bulk-1"]).delete()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE press_article SET is_published = NOT is_published")
        assert_stored_count_true(client)
        # The test's transaction checks its deferred foreign keys first, as a commit would.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE press_article CASCADE")
    assert_stored_count_true(client)
    make_article("After the truncation")
    assert_stored_count_true(client)


def test_a_missing_count_is_counted_live_then_stored_again(client):
    make_article("One")
    ArticleCount.objects.all().delete()
    assert stored_published_count() is None
    assert client.get("/coverage/").context["paginator"].count == 1
    make_article("Two")
    assert_stored_count_true(client)


def test_a_filtered_list_is_counted_not_given_the_stored_count(client):
    make_article("Counterfeit shoes")
    make_article("Something else")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE press_article_count SET published = 999")
    assert client.get("/coverage/", {"q": "counterfeit"}).context["paginator"].count == 1
    assert client.get("/coverage/", {"q": " "}).context["paginator"].count == 999


def test_the_api_lists_all_coverage_by_the_stored_count_and_counts_a_filtered_list(client):
    """`/api/articles/` unfiltered states the stored count (its pages follow it); filtered,
    it counts what matches."""
    make_article("Counterfeit shoes")
    make_article("Something else")
    assert client.get("/api/articles/").json()["count"] == 2
    with connection.cursor() as cursor:
        cursor.execute("UPDATE press_article_count SET published = 999")
    assert client.get("/api/articles/").json()["count"] == 999
    assert client.get("/api/articles/", {"q": "counterfeit"}).json()["count"] == 1
    assert client.get("/api/articles/", {"q": ""}).json()["count"] == 999
    ArticleCount.objects.all().delete()  # no row: counted
    assert client.get("/api/articles/").json()["count"] == 2


def test_the_data_check_finds_a_wrong_count_and_recount_repairs_it(client):
    make_article("One")
    assert stored_article_count_not_live() == []
    with connection.cursor() as cursor:
        cursor.execute("UPDATE press_article_count SET published = 5")
    assert [p.check for p in stored_article_count_not_live()] == ["Stored article count wrong"]
    call_command("recount_coverage", stdout=io.StringIO())
    assert stored_article_count_not_live() == []
    assert_stored_count_true(client)


def test_the_planner_knows_how_common_a_word_is():
    """A word in half the coverage is estimated so (statistics on the UPPER() expressions
    icontains filters on), not as one article in ten thousand: else PostgreSQL sorts every
    match of a common word instead of walking the newest-first index to a page's worth."""
    Article.objects.bulk_create(
        Article(
            headline=f"Counterfeit goods seized, story {i}" if i % 2 else f"Piracy story {i}",
            slug=f"story-{i}",
            is_published=True,
        )
        for i in range(400)
    )
    queryset = ArticleFilter({"q": "counterfeit"}, queryset=Article.objects.published()).qs
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE press_article")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        estimated = cursor.fetchone()[0][0]["Plan"]["Plan Rows"]
    assert queryset.count() == 200
    assert 100 <= estimated <= 400


def test_the_filter_choices_are_read_in_one_query_each(client):
    """The outlets and editions a reader may choose are read as lists, not through a
    server-side cursor (three round trips each, on every page of coverage)."""
    make_outlet("Wire")
    make_outlet("Hush", is_published=False)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/coverage/").content.decode()
    assert '<option value="wire">Wire</option>' in page
    assert "Hush" not in page
    assert not [q["sql"] for q in queries.captured_queries if "DECLARE" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_articles_published_by_two_transactions_at_once_are_both_counted():
    """The second writer waits for the first to commit, then adds to what it stored."""
    make_article("Before")

    def publish_another():
        make_article("From another connection")
        connections.close_all()

    with transaction.atomic():
        make_article("From this connection")
        other = threading.Thread(target=publish_another)
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive()  # waiting for this transaction's change to the count
    other.join()
    assert stored_published_count() == Article.objects.published().count() == 3


def test_the_years_published_are_read_once_a_page(client):
    make_article(published_on=datetime.date(2022, 5, 1))
    make_article(published_on=datetime.date(2021, 5, 1))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/coverage/", {"year": "2022"})
    assert [a.published_on.year for a in response.context["object_list"]] == [2022]
    assert '<option value="2021">2021</option>' in response.content.decode()
    assert sum("WITH RECURSIVE years" in q["sql"] for q in queries.captured_queries) == 1
    assert client.get("/coverage/", {"year": "2019"}).status_code == 400  # not a year on record
