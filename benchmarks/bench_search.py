"""Benchmark of /search/ on PostgreSQL with synthetic data (see docs/benchmarks.md).

    createdb -h 127.0.0.1 -U postgres notorious_bench        # a scratch database
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/notorious_bench DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/bench_search.py --scale 10000

Loads the demo data (Alibaba Group running AliExpress and Taobao, Tencent running WeChat,
so real queries have something to find), then the project's synthetic dataset
(notorious/dataset/synthetic.py) at `--scale` companies, as many markets, ten listings a
market and twice as many articles, every entry marked "Synthetic". Like
`generate_synthetic` it refuses a database that is not a scratch one (its name must
contain bench, loadtest or synthetic) or that holds real entries, and it removes the
synthetic entries when done (the demo data stays).

Prints, per query, the median time of `notorious.search.search` over `--runs` runs, the
result counts and the number of SQL queries. `--page-cost 4` measures the search at
PostgreSQL's default random_page_cost instead of the one search sets.
"""

import argparse
import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notorious.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from notorious import search  # noqa: E402
from notorious.dataset import synthetic  # noqa: E402

QUERIES = ["alibaba", "alibba", "tencnet", "微信", "weixin", "counterfeit", "synthetic 77"]
TABLES = ("companies_company", "markets_market", "press_article", "reports_listing")


def vacuum():
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def measure(runs):
    rows = []
    for query in QUERIES:
        search.search(query)  # warm the cache
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            results = search.search(query)
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            search.search(query)
        rows.append((query, statistics.median(times) * 1000, results, len(captured)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--page-cost", type=float, default=None)
    args = parser.parse_args()
    if args.page_cost is not None:
        search.SEARCH_RANDOM_PAGE_COST = args.page_cost
    problems = synthetic.scratch_database_problems(str(connection.settings_dict["NAME"]))
    if problems:
        sys.exit(" ".join(problems))
    call_command("load_demo", stdout=StringIO())
    sizes = synthetic.Sizes(
        companies=args.scale,
        markets=args.scale,
        listings=args.scale * 10,
        articles=args.scale * 2,
    )
    try:
        with transaction.atomic():
            counts = synthetic.generate(sizes)
        # Committed and vacuumed, so the plans and timings are those of a settled table.
        vacuum()
        rows = measure(args.runs)
    finally:
        with transaction.atomic():
            synthetic.remove()
        vacuum()
    print("synthetic: " + ", ".join(f"{count:,} {kind}" for kind, count in counts.items()))
    print("| query | median ms | companies | markets | articles | SQL queries |")
    print("|---|---:|---:|---:|---:|---:|")
    for query, ms, results, count in rows:
        print(
            f"| {query} | {ms:.1f} | {results.company_count} | {results.market_count} "
            f"| {results.article_count} | {count} |"
        )


if __name__ == "__main__":
    main()
