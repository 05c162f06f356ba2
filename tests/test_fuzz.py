"""Bad input, generated: no query string, path, form post or import file gives a 5xx.

Hypothesis throws generated input at every public page, the search, the API, the feeds,
the admin's login and import pages and the CSV importer itself:

- query strings: known parameter names and arbitrary ones, repeated keys, values that are
  valid, nearly valid, unicode in any script, NUL and other control characters, raw bytes
  that are not UTF-8, and strings tens of thousands of characters long;
- paths under every public prefix, with generated (percent-encoded) segments;
- form posts: the admin login form, the admin's "Import listings" upload and confirm steps
  (as an editor), and posts to public pages (which take none);
- import files: CSVs built from the importer's columns with generated values, mangled and
  raw bytes, handed to `notorious.reports.importer.run_import`, which must either import or
  refuse with line-numbered errors, writing nothing in that case.

Each request goes through Django's test client with `raise_request_exception=False`, so an
escaping exception becomes the 500 a reader would see; the test fails on any 5xx and shows
the traceback. Generation is derandomized (the same cases on every run, no example
database), so CI is stable; the numbers of cases per target are printed at the end of the
module and recorded in docs/benchmarks.md ("Bad input").
"""

import csv
import io
import string
import traceback
from collections import Counter
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from notorious.companies.models import Company
from notorious.markets.models import Category, Kind, Market
from notorious.reports.import_file import COLUMNS, ListingImportError
from notorious.reports.importer import run_import
from notorious.reports.models import Listing, Report

from .factories import (
    list_market,
    make_article,
    make_company,
    make_figure,
    make_market,
    make_outlet,
    make_report,
)

pytestmark = pytest.mark.django_db


def fuzz(examples):
    """Hypothesis settings for `examples` generated cases, the same ones on every run.

    The counts below reach every parameter, page and prefix many times over, and keep the
    module well under a minute per database (CI runs the suite twice).
    """
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        # No shrinking: each case is a request, and shrinking a failure with a 20,000-character
        # value could take minutes. A failure is reported as generated, with its traceback.
        phases=[Phase.explicit, Phase.generate],
        # The dataset fixture is built once per test and only read by the requests (each
        # case's writes are rolled back), so sharing it between a test's cases is intended.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


CASES = Counter()  # target -> generated cases run, reported at the end of the module
OUTCOMES = Counter()  # how the importer's cases ended


# --- the data the requests run against --------------------------------------------------


@pytest.fixture
def dataset(settings):
    """A small demo-like database: editions, companies with a subsidiary, online and physical
    markets (names in Latin and Chinese script), listings, coverage, a figure, and drafts."""
    # Failed logins hash a password; the default hasher would spend most of the run on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    alibaba = make_company(
        "Alibaba Group", slug="alibaba-group", aliases="Alibaba\n阿里巴巴", country="CN"
    )
    subsidiary = make_company("Taobao Holding", slug="taobao-holding", parent=alibaba)
    tencent = make_company("Tencent", slug="tencent", country="CN")
    make_company("Draft Company", slug="draft-company", is_published=False)
    aliexpress = make_market(
        "AliExpress",
        slug="aliexpress",
        operator=alibaba,
        domains="aliexpress.com",
        description="A *marketplace*.",
    )
    taobao = make_market("Taobao", slug="taobao", aliases="淘宝", operator=subsidiary)
    wechat = make_market(
        "WeChat",
        slug="wechat",
        aliases="微信\nWeixin",
        operator=tencent,
        category=Category.SOCIAL_COMMERCE,
    )
    silk = make_market(
        "Silk Market",
        slug="silk-market",
        kind=Kind.PHYSICAL,
        category=Category.PHYSICAL_MARKETPLACE,
        country="CN",
        city="Beijing",
    )
    draft = make_market("Draft Market", slug="draft-market", is_published=False)
    for year in (2018, 2019, 2020, 2021):
        make_report(year, summary=f"The {year} edition.")
    make_report(2022, is_published=False)
    list_market(taobao, 2018, 2020, 2021)
    list_market(aliexpress, 2021)
    list_market(wechat, 2021)
    list_market(silk, 2019, 2020)
    list_market(draft, 2022)
    outlet = make_outlet("Reuters", slug="reuters", country="GB", language="en")
    article = make_article(
        "US names AliExpress and WeChat",
        slug="us-names-aliexpress-and-wechat",
        markets=[aliexpress, wechat],
        companies=[alibaba, tencent],
        reports=[Report.objects.get(year=2021)],
        outlet=outlet,
        published_on="2022-02-17",
        language="en",
    )
    make_article("Draft article", slug="draft-article", is_published=False)
    figure = make_figure(slug="seized-share", year=2021)
    return {"article": article, "outlet": outlet, "figure": figure}


def public_urls(data):
    """Every public page of the dataset, and every API endpoint and feed."""
    urls = [
        "/",
        "/timeline/",
        "/markets/",
        "/markets/aliexpress/",
        "/markets/silk-market/",
        "/markets/draft-market/",
        "/companies/",
        "/companies/alibaba-group/",
        "/reports/",
        "/reports/2021/",
        "/reports/2022/",
        "/coverage/",
        "/coverage/outlets/",
        data["outlet"].get_absolute_url(),
        data["article"].get_absolute_url(),
        data["figure"].get_absolute_url(),
        "/search/",
        "/feeds/coverage/",
        "/feeds/editions/",
        "/feeds/markets/taobao/",
        "/feeds/companies/alibaba-group/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/api/",
        "/api/schema/",
        "/api/docs/",
        "/api/listings/2021/aliexpress/",
    ]
    for endpoint, detail in [
        ("markets", "taobao"),
        ("companies", "tencent"),
        ("reports", "2021"),
        ("listings", None),
        ("articles", data["article"].slug),
        ("outlets", "reuters"),
        ("figures", data["figure"].slug),
    ]:
        urls.append(f"/api/{endpoint}/")
        if detail:
            urls.append(f"/api/{endpoint}/{detail}/")
    return urls


PUBLIC_PREFIXES = [
    "/markets/",
    "/companies/",
    "/reports/",
    "/coverage/",
    "/coverage/outlets/",
    "/timeline/",
    "/search/",
    "/figures/",
    "/feeds/",
    "/feeds/markets/",
    "/feeds/companies/",
    "/api/",
    "/api/markets/",
    "/api/companies/",
    "/api/reports/",
    "/api/listings/",
    "/api/listings/2021/",
    "/api/articles/",
    "/api/outlets/",
    "/api/figures/",
    "/",
]

# Every parameter some page or endpoint reads, and a few that none does.
KNOWN_KEYS = [
    "q",
    "page",
    # The compare page's editions, the admin's edition filters and recover page's page.
    "from",
    "to",
    "listed_in",
    "p",
    "page_size",
    "format",
    "sort",
    "kind",
    "category",
    "country",
    "company",
    "year",
    "status",
    "confirmed",
    "latest",
    "since",
    "until",
    "market",
    "report",
    "article",
    "outlet",
    "language",
    "section",
    "parent",
    "order",
    "next",
    "o",
    "limit",
    "offset",
]
# Values that are valid somewhere, nearly valid, or typical of attacks and mistakes.
KNOWN_VALUES = [
    "",
    "aliexpress",
    "alibaba-group",
    "draft-market",
    "draft-company",
    "2021",
    "2022",
    "1999",
    "online",
    "physical",
    "ecommerce",
    "CN",
    "cn",
    "ZZ",
    "new",
    "returning",
    "continuing",
    "listed",
    "yes",
    "no",
    "not_entered",
    "en",
    "zh-hans",
    "csv",
    "json",
    "api",
    "xml",
    "name",
    "-name",
    "first_listed",
    "-last_listed",
    "2022-02-17",
    "2022-02-30",
    "0",
    "-1",
    "1e9",
    "NaN",
    "99999999999999999999999",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "%00",
    "\x00",
    "a\x00b",
    "淘宝",
    "微信",
    "\u202e",
    "\ud7ff",
    "\ufeff",
    "\U0001f600",
    "ｓｅａｒｃｈ",
    # Unicode digits ('²'.isdigit() is true, int('²') fails) and sort lists with empty
    # and repeated items, which gave 500s (issue 10).
    "²",
    "２０２１",
    "٢٠٢١",
    ",",
    "name,,name",
    "-,first_year,first_year",
]

huge_strings = st.builds(
    lambda text, times: text * times,
    st.sampled_from(["a", "淘", "\x00", "%", " ", "ab ", "-", "<"]),
    st.integers(min_value=1_000, max_value=20_000),
)
# Sort lists with empty, repeated and reversed items, and numbers in any script's digits
# ('²'.isdigit() is true, int('²') fails): both gave 500s (issue 10).
sort_lists = st.lists(
    st.sampled_from(["", "-", "name", "-name", "first_year", "-years_listed", "years_listed"]),
    max_size=5,
).map(",".join)
unicode_numbers = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6)
values = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    sort_lists,
    unicode_numbers,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.binary(max_size=30),  # percent-encoded bytes, most of them not UTF-8
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    huge_strings,
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=20), st.binary(max_size=8))
query_strings = st.lists(st.tuples(keys, values), max_size=8).map(urlencode)


def segment_strategy():
    """One path segment, percent-encoded: slugs, numbers, unicode, bytes, dot segments."""
    raw = st.one_of(
        st.sampled_from(
            ["aliexpress", "draft-market", "2021", "2022", "0", "-1", "99999999999999999999"]
        ),
        st.sampled_from([".", "..", "%", "%00", "%2F", "~", "index.html", "a" * 300]),
        st.text(max_size=30).map(lambda text: quote(text, safe="")),
        st.binary(min_size=1, max_size=20).map(lambda data: quote(data, safe="")),
        st.text(alphabet=string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=40),
    )
    return raw


paths = st.builds(
    lambda prefix, segments, slash: prefix + "/".join(segments) + ("/" if slash else ""),
    st.sampled_from(PUBLIC_PREFIXES),
    st.lists(segment_strategy(), min_size=1, max_size=3),
    st.booleans(),
)

form_values = st.one_of(st.sampled_from(KNOWN_VALUES), st.text(max_size=60), huge_strings)
form_data = st.dictionaries(
    st.one_of(
        st.sampled_from(["username", "password", "next", "token", "q"]), st.text(max_size=10)
    ),
    st.one_of(form_values, st.lists(form_values, max_size=3)),
    max_size=5,
)


# --- requests ---------------------------------------------------------------------------


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.fixture
def editor_reader(editor):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def uncaught_exceptions():
    """Tracebacks of exceptions the views let escape (Django turns them into 500s)."""
    caught = []

    def record(sender, request=None, **kwargs):
        caught.append(f"{request.method} {request.get_full_path()}\n{traceback.format_exc()}")

    got_request_exception.connect(record)
    yield caught
    got_request_exception.disconnect(record)


def request(client, caught, method, path, **kwargs):
    """Make one request and fail on a 5xx or an escaping exception; nothing it writes stays."""
    before = len(caught)
    with transaction.atomic():
        response = getattr(client, method)(path, **kwargs)
        if response.streaming:  # a download: its rows are fetched as it is read
            b"".join(response.streaming_content)
        # A database error inside the view would otherwise poison the test's transaction
        # for every later case; rolling each case back also keeps the dataset as it was.
        transaction.set_rollback(True)
    assert len(caught) == before, caught[-1]
    assert response.status_code < 500, f"{method.upper()} {path!r} gave {response.status_code}"
    return response


@pytest.fixture(scope="module", autouse=True)
def report_case_counts(pytestconfig):
    """Print how many generated cases each target ran (for docs/benchmarks.md)."""
    CASES.clear()
    OUTCOMES.clear()
    yield
    reporter = pytestconfig.pluginmanager.getplugin("terminalreporter")
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    if reporter and capture and CASES:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(
                "Bad input: generated cases run: "
                + ", ".join(f"{target} {count}" for target, count in sorted(CASES.items()))
                + f"; total {sum(CASES.values())}"
            )
            if OUTCOMES:
                reporter.write_line(
                    "Bad input: "
                    + ", ".join(f"{outcome} {count}" for outcome, count in sorted(OUTCOMES.items()))
                )


@fuzz(300)
@given(data=st.data(), query=query_strings)
def test_query_strings_on_every_public_page(dataset, reader, uncaught_exceptions, data, query):
    path = data.draw(st.sampled_from(public_urls(dataset)), label="page")
    CASES["query strings on public pages and the API"] += 1
    request(reader, uncaught_exceptions, "get", f"{path}?{query}")


@fuzz(80)
@given(
    path=st.sampled_from(["/markets/?", "/markets/?format=csv&", "/api/markets/?", "/compare/?"]),
    key=st.sampled_from(["sort", "from", "to", "year", "page"]),
    value=st.one_of(sort_lists, unicode_numbers),
)
def test_sort_lists_and_unicode_numbers(dataset, reader, uncaught_exceptions, path, key, value):
    """The classes behind issue 10's 500s, aimed at the pages that read them."""
    CASES["sort lists and unicode numbers"] += 1
    request(reader, uncaught_exceptions, "get", path + urlencode({key: value}))


@fuzz(200)
@given(query=st.one_of(values, st.text(max_size=300)), extra=query_strings)
def test_search_queries(dataset, reader, uncaught_exceptions, query, extra):
    CASES["search queries"] += 1
    query_string = urlencode([("q", query)]) + (f"&{extra}" if extra else "")
    response = request(reader, uncaught_exceptions, "get", f"/search/?{query_string}")
    assert response.status_code in (200, 400)


@fuzz(200)
@given(path=paths, query=st.one_of(st.just(""), query_strings))
def test_paths_under_every_public_prefix(dataset, reader, uncaught_exceptions, path, query):
    CASES["paths under public prefixes"] += 1
    request(reader, uncaught_exceptions, "get", f"{path}?{query}" if query else path)


@pytest.fixture
def csrf_checking_reader():
    """A client that, like a browser, is held to CSRF checks."""
    return Client(raise_request_exception=False, enforce_csrf_checks=True)


@fuzz(150)
@given(data=st.data(), form=form_data, check_csrf=st.booleans())
def test_posts_to_public_pages(
    dataset, reader, csrf_checking_reader, uncaught_exceptions, data, form, check_csrf
):
    """Public pages take no posts (405, or 403 without a CSRF token), but never a 5xx."""
    path = data.draw(st.sampled_from(public_urls(dataset)), label="page")
    CASES["posts to public pages"] += 1
    # Clients are made once per test: each new one loads the middleware, WhiteNoise's scan
    # of the static files included.
    client = csrf_checking_reader if check_csrf else reader
    request(client, uncaught_exceptions, "post", path, data=form)


@fuzz(100)
@given(form=form_data, username=form_values, password=form_values)
def test_admin_login_form(dataset, reader, uncaught_exceptions, form, username, password):
    CASES["admin login form"] += 1
    response = request(
        reader,
        uncaught_exceptions,
        "post",
        reverse("admin:login"),
        data={**form, "username": username, "password": password},
    )
    # The form again with an error (200), a lockout (429); never a login.
    assert response.status_code in (200, 429)


def csv_text(header, rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


cell_values = st.one_of(
    st.sampled_from(
        [
            "",
            "2021",
            "2019",
            "1990",
            "2100",
            "online",
            "Physical",
            "banana",
            "AliExpress",
            "Taobao",
            "淘宝",
            "Alibaba",
            "Alibaba Group",
            "Tencent",
            "CN",
            "China",
            "Atlantis",
            "ecommerce",
            "E-commerce",
            "example.org",
            "https://example.org/",
            "not a url",
            "12",
            "0",
            "40000",
            "Synthetic Market",
            "a\x00b",
            "x" * 250,
        ]
    ),
    st.text(max_size=30),
)
header_names = st.one_of(st.sampled_from(COLUMNS), st.text(max_size=12))
names = st.one_of(
    st.sampled_from(["AliExpress", "Taobao", "淘宝", "Alibaba", "Tencent", "New Market"]),
    st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=40),
)
# Rows of valid values; a file of them can still be refused (a market given as physical that
# is online in the database, the same market twice in one edition), but most import. The
# other strategies below bring the bad values.
plausible_rows = st.fixed_dictionaries(
    {
        "year": st.sampled_from(["2018", "2019", "2020", "2021", "2023", "2024"]),
        "market": names,
        "kind": st.sampled_from(["online", "Online", "physical", "Physical"]),
    },
    optional={
        "country": st.sampled_from(["", "CN", "China", "chn", "US"]),
        "city": st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=20),
        "company": st.one_of(st.just(""), names),
        "aliases": st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), max_size=30),
        "website": st.sampled_from(["", "example.org", "https://example.org/x"]),
        "reasons": st.text(max_size=60),
    },
)
plausible_files = st.lists(plausible_rows, min_size=1, max_size=5).map(
    lambda rows: csv_text(
        list(COLUMNS), [[row.get(column, "") for column in COLUMNS] for row in rows]
    ).encode("utf-8")
)
csv_files = st.one_of(
    plausible_files,
    # Well-formed CSV: a header of (mostly) real columns and rows of generated cells.
    st.builds(
        lambda header, rows: csv_text(header, rows).encode("utf-8"),
        st.one_of(
            st.just(["year", "market", "kind"]),
            st.just(list(COLUMNS)),
            st.lists(header_names, min_size=1, max_size=len(COLUMNS) + 1),
        ),
        st.lists(st.lists(cell_values, min_size=0, max_size=len(COLUMNS) + 2), max_size=6),
    ),
    # The same, then damaged: a byte-order mark, stray quotes, a cut, bytes that are not UTF-8.
    st.builds(
        lambda rows, cut, junk, bom: (
            (b"\xef\xbb\xbf" if bom else b"")
            + csv_text(["year", "market", "kind", "quote", "page"], rows).encode("utf-8")[:cut]
            + junk
        ),
        st.lists(st.lists(cell_values, min_size=3, max_size=5), max_size=4),
        st.integers(min_value=0, max_value=400),
        st.one_of(st.just(b""), st.binary(max_size=20), st.sampled_from([b'"', b'\n"a', b"\r"])),
        st.booleans(),
    ),
    st.binary(max_size=200),
)


def snapshot():
    """Every row the importer may write, to tell that a refused file wrote nothing."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Report, Company, Market, Listing)
    }


@fuzz(200)
@given(data=csv_files, dry_run=st.booleans())
def test_importer_imports_or_refuses_by_line(dataset, data, dry_run):
    CASES["import files (importer)"] += 1
    before = snapshot()
    line_count = data.count(b"\n") + data.count(b"\r") + 1
    try:
        with transaction.atomic():
            plan = run_import(data, dry_run=dry_run)
            # What the plan announces is what was written (nothing, for a dry run).
            assert (snapshot() != before) == (plan.has_changes and not dry_run)
            transaction.set_rollback(True)  # each case starts from the same database
    except ListingImportError as refused:
        OUTCOMES["import files refused, by line"] += 1
        assert refused.errors
        for error in refused.errors:
            # A row's line, or None for a problem with the whole file ("The file is empty.").
            assert error.line is None or 1 <= error.line <= line_count, error
            assert str(error).strip()
        assert snapshot() == before, "a refused file wrote something"
    else:
        OUTCOMES["import files imported" + (" (dry run)" if dry_run else "")] += 1


@fuzz(100)
@given(data=csv_files, name=st.text(max_size=30))
def test_admin_import_upload(dataset, editor_reader, uncaught_exceptions, data, name):
    CASES["admin import upload"] += 1
    url = reverse("admin:reports_report_import_listings")
    # Any name a browser may send; Django keeps only its last path component.
    file_name = name.replace("/", "_").replace("\\", "_") + ".csv"
    upload = SimpleUploadedFile(file_name, data, content_type="text/csv")
    response = request(editor_reader, uncaught_exceptions, "post", url, data={"file": upload})
    assert response.status_code == 200


@fuzz(60)
@given(form=form_data, token=form_values)
def test_admin_import_confirm(dataset, editor_reader, uncaught_exceptions, form, token):
    CASES["admin import confirm"] += 1
    url = reverse("admin:reports_report_import_listings")
    response = request(
        editor_reader, uncaught_exceptions, "post", url, data={**form, "token": token}
    )
    assert response.status_code == 200
    # The upload form again, saying why the confirmation was refused.
    assert b"upload the file again" in response.content or b"required" in response.content


ADMIN_LISTS = [
    "/admin/markets/market/",
    "/admin/companies/company/",
    "/admin/reports/report/",
    "/admin/reports/listing/",
    "/admin/press/article/",
    "/admin/press/outlet/",
    "/admin/figures/figure/",
    "/admin/reports/report/import-listings/",
    "/admin/markets/market/recover/",
]


@fuzz(120)
@given(data=st.data(), query=query_strings, search=values)
def test_admin_lists_as_an_editor(dataset, editor_reader, uncaught_exceptions, data, query, search):
    """The admin's search box and filters, as an editor uses them."""
    path = data.draw(st.sampled_from(ADMIN_LISTS), label="admin page")
    CASES["admin lists and search (editor)"] += 1
    query_string = urlencode([("q", search)]) + (f"&{query}" if query else "")
    request(editor_reader, uncaught_exceptions, "get", f"{path}?{query_string}")


# --- what the generated cases found, kept as plain tests ---------------------------------


def test_a_username_longer_than_any_account_is_refused_by_the_form(dataset, reader):
    response = reader.post(
        reverse("admin:login"), {"username": "a" * 1000, "password": "x", "next": "/admin/"}
    )
    assert response.status_code == 200
    assert b"at most 150 characters" in response.content


def test_a_pasted_page_in_the_admin_search_finds_nothing_and_says_why(dataset, editor_reader):
    response = editor_reader.get("/admin/markets/market/", {"q": "counterfeit goods " * 2000})
    assert response.status_code == 200
    assert b"Searches are limited to 200 characters and 20 words" in response.content
    assert b"AliExpress" not in response.content
