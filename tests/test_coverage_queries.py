"""What makes coverage pages answer in constant time (issue 11): the indexes they read, the
years offered from an index, a company's coverage without duplicates, and pages whose ids
are taken first; each giving exactly what the plain queries gave."""

import datetime

import pytest
from django.db import connection

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
