"""Each edition's stored count of published articles (press/edition_article_count.py):
equal to a count made now after every kind of write, checked by the data check, repaired
by `recount_coverage`, and the count the edition's page states."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from notorious.core.paging import SHORTLIST_LENGTH
from notorious.dataset.data_checks import stored_edition_article_counts_not_live
from notorious.press.edition_article_count import (
    EditionArticleCount,
    live_counts,
    stored_counts,
)
from notorious.press.models import Article
from notorious.reports.models import Report
from tests.factories import make_article, make_report

pytestmark = pytest.mark.django_db


def assert_counts_true():
    """Every edition's stored count (where it has a row) is a count made now."""
    stored = stored_counts()
    live = live_counts(list(Report.objects.values_list("pk", flat=True)))
    assert stored == {pk: live[pk] for pk in stored}
    return stored


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_links_made_and_undone_through_the_orm_are_counted():
    r2020, r2021 = make_report(2020), make_report(2021)
    first = make_article("First", reports=[r2020])
    second = make_article("Second", reports=[r2020, r2021])
    make_article("A draft", reports=[r2020, r2021], is_published=False)
    assert assert_counts_true() == {r2020.pk: 2, r2021.pk: 1}
    first.reports.add(r2021)
    assert assert_counts_true() == {r2020.pk: 2, r2021.pk: 2}
    second.reports.remove(r2020)
    assert assert_counts_true() == {r2020.pk: 1, r2021.pk: 2}
    first.reports.clear()
    assert assert_counts_true() == {r2020.pk: 0, r2021.pk: 1}
    second.reports.set([r2020])
    assert assert_counts_true() == {r2020.pk: 1, r2021.pk: 0}
    r2021.articles.add(first, second)
    assert assert_counts_true() == {r2020.pk: 1, r2021.pk: 2}


def test_publishing_unpublishing_and_deleting_articles_are_counted():
    report = make_report(2020)
    article = make_article("Story", reports=[report])
    drafts = [make_article(f"Draft {i}", reports=[report], is_published=False) for i in range(3)]
    assert assert_counts_true() == {report.pk: 1}
    article.is_published = False
    article.save()
    assert assert_counts_true() == {report.pk: 0}
    Article.objects.filter(headline__startswith="Draft").update(is_published=True)
    assert assert_counts_true() == {report.pk: 3}
    Article.objects.filter(headline="Draft 0").update(headline="Draft, retitled")  # no flip
    assert assert_counts_true() == {report.pk: 3}
    drafts[1].delete()
    assert assert_counts_true() == {report.pk: 2}
    Article.objects.filter(headline__startswith="Draft").delete()
    assert assert_counts_true() == {report.pk: 0}


def test_raw_sql_and_truncation_are_counted():
    report = make_report(2020)
    articles = [make_article(f"Story {i}", reports=[report]) for i in range(4)]
    sql("UPDATE press_article SET is_published = NOT is_published WHERE id = %s", [articles[0].pk])
    assert assert_counts_true() == {report.pk: 3}
    # An article deleted while still linked counts as gone, its links deleted after it.
    sql("DELETE FROM press_article WHERE id = %s", [articles[1].pk])
    assert assert_counts_true() == {report.pk: 2}
    sql("DELETE FROM press_article_reports WHERE article_id = %s", [articles[1].pk])
    assert assert_counts_true() == {report.pk: 2}
    sql(
        "UPDATE press_article_reports SET report_id = %s WHERE article_id = %s",
        [make_report(2021).pk, articles[2].pk],
    )
    assert assert_counts_true()[report.pk] == 1
    sql(
        "INSERT INTO press_article_reports (article_id, report_id) VALUES (%s, %s)",
        [articles[2].pk, report.pk],
    )
    assert assert_counts_true()[report.pk] == 2
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # as a commit would, before TRUNCATE
    sql("TRUNCATE press_article_reports")
    assert set(assert_counts_true().values()) == {0}


def test_an_edition_deleted_takes_its_count_with_it():
    kept, deleted = make_report(2020), make_report(2021)
    make_article("Story", reports=[kept, deleted])
    deleted.delete()
    assert assert_counts_true() == {kept.pk: 1}


def test_a_missing_count_is_counted_live_then_stored_again(client):
    report = make_report(2020)
    make_article("Story", reports=[report])
    EditionArticleCount.objects.all().delete()
    assert stored_counts() == {}
    assert client.get("/reports/2020/").context["coverage"].count == 1
    make_article("Another", reports=[report])
    assert assert_counts_true() == {report.pk: 2}


def test_a_long_coverage_without_a_stored_count_is_counted_live(client):
    report = make_report(2020)
    link_many(report, SHORTLIST_LENGTH + 2)
    EditionArticleCount.objects.all().delete()
    coverage = client.get("/reports/2020/").context["coverage"]
    assert (len(coverage), coverage.count) == (SHORTLIST_LENGTH, SHORTLIST_LENGTH + 2)


def link_many(report, count, published=True):
    """`count` articles linked to `report`, made in two statements."""
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Bulk {i}",
            slug=f"bulk-{i}",
            is_published=published,
            published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 40),
        )
        for i in range(count)
    )
    Article.reports.through.objects.bulk_create(
        Article.reports.through(article=article, report=report) for article in articles
    )


def test_the_edition_page_states_the_stored_count(client):
    report = make_report(2020)
    link_many(report, SHORTLIST_LENGTH + 5)
    make_article("A draft", reports=[report], is_published=False)
    assert assert_counts_true() == {report.pk: SHORTLIST_LENGTH + 5}
    response = client.get("/reports/2020/")
    coverage = response.context["coverage"]
    assert (len(coverage), coverage.count) == (SHORTLIST_LENGTH, SHORTLIST_LENGTH + 5)
    assert list(coverage) == list(report.articles.published().newest_first()[:SHORTLIST_LENGTH])
    assert f'Coverage of this edition <span class="count">({SHORTLIST_LENGTH + 5})' in (
        response.content.decode()
    )
    # The page reads the stored count, not a count of its own (shown here by a wrong one).
    EditionArticleCount.objects.filter(report=report).update(published=999)
    assert client.get("/reports/2020/").context["coverage"].count == 999


def test_the_data_check_finds_a_wrong_count_and_recount_repairs_it(client):
    report = make_report(2020)
    link_many(report, SHORTLIST_LENGTH + 1)
    assert stored_edition_article_counts_not_live() == []
    EditionArticleCount.objects.filter(report=report).update(published=5)
    problems = stored_edition_article_counts_not_live()
    assert [p.check for p in problems] == ["Stored edition article count wrong"]
    assert "2020" in problems[0].message
    call_command("recount_coverage", stdout=io.StringIO())
    assert stored_edition_article_counts_not_live() == []
    assert client.get("/reports/2020/").context["coverage"].count == SHORTLIST_LENGTH + 1


@pytest.mark.django_db(transaction=True)
def test_an_article_published_while_it_is_linked_is_counted_once():
    """The link's statement share-locks the article: its publication waits for the link to
    commit, then counts the link itself (the link having read the article as a draft)."""
    report = make_report(2020)
    draft = make_article("Draft", is_published=False)

    def publish():
        Article.objects.filter(pk=draft.pk).update(is_published=True)
        connections.close_all()

    with transaction.atomic():
        draft.reports.add(report)
        other = threading.Thread(target=publish)
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive()  # waiting for the link's lock on the article
    other.join()
    assert assert_counts_true() == {report.pk: 1}
