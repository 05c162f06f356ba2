"""Benchmark of the admin's "Import listings" page with synthetic files (see
docs/benchmarks.md, "Imports").

    createdb -h 127.0.0.1 -U postgres notorious_bench        # a scratch database
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/notorious_bench DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/bench_import.py --rows 10000

Loads the demo data, then, through the Django test client signed in as a superuser (the
whole request: upload, parsing, planning, template), measures:

- the preview and the confirmation of a file of `--rows` new markets ("Synthetic market
  00001", ... in a synthetic edition of 2099, every other one with a synthetic company),
  then the preview and confirmation of the same file again (nothing to change);
- the preview of a header of 100,000 column names and of a file of 100,000 bad rows: time
  and size of the page.

Each request's wall time, the CPU time of this process (the test client and the view run in
it: parsing, planning and rendering, PostgreSQL's own work excluded), the page's size and
the number of SQL queries (DJANGO_DEBUG=1 records them; Django keeps the last 9,000). The
machine's load average is printed first: on a shared machine, wall times follow it.

Like `bench_search.py` it refuses a database that is not a scratch one, and deletes what it
imported when done (the demo data stays).
"""

import argparse
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notorious.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from notorious.companies.models import Company  # noqa: E402
from notorious.core.edit_history import history_of  # noqa: E402
from notorious.dataset import synthetic  # noqa: E402
from notorious.markets.models import Market  # noqa: E402
from notorious.reports.models import Listing, Report  # noqa: E402

YEAR = 2099
HEADER = "year,market,kind,category,country,company,reasons\n"


def listings_file(rows):
    """`rows` synthetic listings of new markets, as CSV text."""
    lines = [HEADER]
    for number in range(1, rows + 1):
        company = f"Synthetic company {number // 2:05d}" if number % 2 else ""
        lines.append(
            f"{YEAR},Synthetic market {number:05d},online,E-commerce,CN,{company},"
            f"Synthetic reasons {number}.\n"
        )
    return "".join(lines)


def timed(label, client, url, data):
    reset_queries()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(url, data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    queries = len(connection.queries) if settings.DEBUG else "?"
    print(
        f"| {label} | {response.status_code} | {seconds:.2f} s | {cpu:.2f} s | "
        f"{len(response.content) / 1024:,.0f} KB | {queries} |",
        flush=True,
    )
    return response


def preview(client, url, label, text, name="listings.csv"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return timed(label, client, url, {"file": upload})


def confirm(client, url, label, response):
    token = response.context["confirm_form"]["token"].value()
    return timed(label, client, url, {"token": token})


class SkipImport(Exception):
    pass


def remove_imported():
    """Delete what the runs imported, and its history, in SQL (deleting 10,000 markets
    through the ORM records a deletion for each, and takes minutes)."""
    quote = connection.ops.quote_name
    markets = f"SELECT id FROM {quote(Market._meta.db_table)} WHERE slug LIKE 'synthetic-market-%'"
    companies = (
        f"SELECT id FROM {quote(Company._meta.db_table)} WHERE slug LIKE 'synthetic-company-%'"
    )
    reports = f"SELECT id FROM {quote(Report._meta.db_table)} WHERE year = {YEAR}"
    statements = [
        (Listing, f"report_id IN ({reports}) OR market_id IN ({markets})"),
        (Market, f"id IN ({markets})"),
        (Company, f"id IN ({companies})"),
        (Report, f"id IN ({reports})"),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for model, where in statements:
            history = history_of(model).model._meta.db_table
            cursor.execute(f"DELETE FROM {quote(history)} WHERE {where}")
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {where}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--skip-attacks", action="store_true", help="Only the import.")
    parser.add_argument("--skip-import", action="store_true", help="Only the bad files.")
    args = parser.parse_args()
    problems = synthetic.scratch_database_problems(str(connection.settings_dict["NAME"]))
    if problems:
        sys.exit(" ".join(problems))
    call_command("load_demo", stdout=StringIO())
    setup_test_environment()  # the test client's host, and the responses' context
    user, _ = get_user_model().objects.get_or_create(
        username="bench-import", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    url = reverse("admin:reports_report_import_listings")
    text = listings_file(args.rows)
    print(f"{args.rows:,} rows, {len(text) / 1024:,.0f} KB")
    print(f"Load average before: {', '.join(f'{n:.1f}' for n in os.getloadavg())}")
    print("| Request | Status | Time | Python CPU | Page | SQL queries |")
    print("|---|---:|---:|---:|---:|---:|")
    try:
        if args.skip_import:
            raise SkipImport
        response = preview(client, url, f"Preview, {args.rows:,} new listings", text)
        confirm(client, url, f"Confirm, {args.rows:,} new listings", response)
        response = preview(client, url, "Preview of the same file again", text)
        if response.context["confirm_form"] is not None:
            confirm(client, url, "Confirm of the same file again", response)
    except SkipImport:
        pass
    finally:
        remove_imported()
    if args.skip_attacks:
        return
    columns = ",".join(f"column{number}" for number in range(100_000)) + "\n"
    preview(client, url, "Preview, header of 100,000 column names", columns)
    duplicates = ",".join("market" for _ in range(100_000)) + "\n"
    preview(client, url, "Preview, header of 100,000 duplicate names", duplicates)
    bad = HEADER + f"{YEAR},m,x,,,,\n" * 100_000  # 1.3 MB: under the upload limit
    preview(client, url, "Preview, 100,000 bad rows", bad)


if __name__ == "__main__":
    main()
