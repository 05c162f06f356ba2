"""Benchmark of /search/ on PostgreSQL with synthetic data (see docs/benchmarks.md).

    createdb -h 127.0.0.1 -U postgres notorious_bench        # a scratch database
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/notorious_bench DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/bench_search.py --scale 10000

Generates `--scale` synthetic companies, as many markets (each run by one of them, a
tenth of the companies owned by another) and twice as many articles, all named
"Synthetic ..." with slugs starting "synthetic-", plus the demo's shape (Alibaba Group
running AliExpress and Taobao, Tencent running WeChat; slugs starting "bench-") so real
queries have something to find. It refuses to run on a database holding anything else,
so synthetic rows never meet real or demo data, and deletes its rows when done.

Prints, per query, the median time of `notorious.search.search` over `--runs` runs, the
result counts and the number of SQL queries. `--page-cost 4` measures the search at
PostgreSQL's default random_page_cost instead of the one search sets.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notorious.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

QUERIES = ["alibaba", "alibba", "tencnet", "微信", "weixin", "counterfeit", "synthetic 77"]


SYNTHETIC_SLUGS = ("synthetic-", "bench-")


def synthetic_only(model):
    """The model's rows that are not this benchmark's own (there must be none)."""
    query = model.objects.all()
    for prefix in SYNTHETIC_SLUGS:
        query = query.exclude(slug__startswith=prefix)
    return query


def delete_synthetic():
    """Delete this benchmark's rows in SQL: no signals, so no history records either."""
    from notorious.companies.models import Company
    from notorious.markets.models import Market
    from notorious.press.models import Article

    with connection.cursor() as cursor:
        # Articles and markets before the companies that run them.
        for model in (Article, Market, Company):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE slug LIKE %s OR slug LIKE %s",
                [f"{prefix}%" for prefix in SYNTHETIC_SLUGS],
            )


def vacuum():
    with connection.cursor() as cursor:
        for table in ("companies_company", "markets_market", "press_article"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def generate(scale):
    """Synthetic rows by bulk_create; PostgreSQL computes their search vectors."""
    from notorious.companies.models import Company
    from notorious.markets.models import Category, Kind, Market
    from notorious.press.models import Article

    words = ["bazaar", "outlet", "trading", "mall", "depot", "exchange", "emporium", "hub"]
    Company.objects.bulk_create(
        Company(
            name=f"Synthetic {words[i % 8].title()} Holdings {i}",
            slug=f"synthetic-company-{i}",
            aliases=f"Synthetic Alias {i}",
            description="Generated for a benchmark.",
            is_published=i % 10 != 0,
        )
        for i in range(scale)
    )
    ids = list(Company.objects.filter(slug__startswith="synthetic-").values_list("pk", flat=True))
    Company.objects.filter(pk__in=ids[::10]).update(parent_id=ids[1])
    Market.objects.bulk_create(
        Market(
            name=f"Synthetic {words[(i * 3) % 8].title()} Market {i}",
            slug=f"synthetic-market-{i}",
            kind=Kind.ONLINE,
            category=Category.ECOMMERCE,
            domains=f"synthetic-{i}.example",
            operator_id=ids[i % len(ids)],
            is_published=i % 10 != 0,
        )
        for i in range(scale)
    )
    Article.objects.bulk_create(
        Article(
            headline=f"Synthetic story {i} about a {words[i % 8]}",
            slug=f"synthetic-article-{i}",
            summary=f"Generated summary {i}: sellers, seizures and counterfeit goods at a "
            f"{words[(i * 5) % 8]}.",
            is_published=i % 10 != 0,
        )
        for i in range(scale * 2)
    )
    Company.objects.bulk_create(
        [
            Company(
                name="Alibaba Group", slug="bench-alibaba", aliases="Alibaba", is_published=True
            ),
            Company(name="Tencent", slug="bench-tencent", is_published=True),
        ]
    )
    operators = dict(Company.objects.filter(slug__startswith="bench-").values_list("name", "pk"))
    Market.objects.bulk_create(
        Market(
            name=name,
            slug=f"bench-{name.lower()}",
            aliases=aliases,
            operator_id=operators[operator],
            kind=Kind.ONLINE,
            category=Category.ECOMMERCE,
            is_published=True,
        )
        for name, operator, aliases in [
            ("AliExpress", "Alibaba Group", ""),
            ("Taobao", "Alibaba Group", "淘宝网"),
            ("WeChat", "Tencent", "Weixin\n微信"),
        ]
    )


def measure(runs):
    from notorious.search import search

    rows = []
    for query in QUERIES:
        search(query)  # warm the cache
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            results = search(query)
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            search(query)
        rows.append((query, statistics.median(times) * 1000, results, len(captured)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--page-cost", type=float, default=None)
    args = parser.parse_args()
    if args.page_cost is not None:
        import notorious.search

        notorious.search.SEARCH_RANDOM_PAGE_COST = args.page_cost
    from notorious.companies.models import Company
    from notorious.markets.models import Market
    from notorious.press.models import Article

    if any(synthetic_only(model).exists() for model in (Company, Market, Article)):
        sys.exit("This database holds real or demo entries: use a scratch database.")
    delete_synthetic()
    try:
        with transaction.atomic():
            generate(args.scale)
        # Committed and vacuumed, so the plans and timings are those of a settled table.
        vacuum()
        rows = measure(args.runs)
    finally:
        delete_synthetic()
        vacuum()
    print(f"scale {args.scale:,} companies, {args.scale:,} markets, {args.scale * 2:,} articles")
    print("| query | median ms | companies | markets | articles | SQL queries |")
    print("|---|---:|---:|---:|---:|---:|")
    for query, ms, results, count in rows:
        print(
            f"| {query} | {ms:.1f} | {results.company_count} | {results.market_count} "
            f"| {results.article_count} | {count} |"
        )


if __name__ == "__main__":
    main()
