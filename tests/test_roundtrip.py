"""Property: whatever the importers accept survives the dataset's export and import exactly.

Hypothesis generates small datasets as editors would bring them, as a year's lists and an
editions file (names in several scripts, commas, quotes and line breaks in the text,
markets of unknown category, owners of owners, untitled editions, sections marked complete
with their note), feeds them to `import_listings` and `import_reports`, and publishes
everything. Exporting, importing the files into an empty database and exporting again
must give byte-identical files, read back from the JSON or from the CSV files.
"""

import csv
import datetime
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from notorious.companies.models import Company
from notorious.dataset.export import export_dataset
from notorious.dataset.restore import import_dataset
from notorious.dataset.tables import FILENAMES
from notorious.markets.models import Category, Kind, Market
from notorious.reports.import_csv import ImportFileError
from notorious.reports.import_file import COLUMNS
from notorious.reports.importer import run_import
from notorious.reports.models import Listing, Publication, Report
from notorious.reports.report_import import REPORTS_FORMAT, run_reports_import
from tests.test_dataset import delete_everything

pytestmark = pytest.mark.django_db

# Letters of several scripts and the characters CSV and the list cells must escape (a
# leading =, +, - or @ is escaped against spreadsheet formulas, a leading ' with it).
NAME_ALPHABET = "abcxyzABC é淘宝微信ラサ-'&.,\""
TEXT_ALPHABET = NAME_ALPHABET + ";\n“”…=+@"
LAST_YEAR = datetime.date.today().year - 2  # its edition published within the next year

names = st.text(NAME_ALPHABET, min_size=1, max_size=12).map(lambda n: " ".join(n.split()))
texts = st.text(TEXT_ALPHABET, max_size=40)
CATEGORIES = {
    Kind.ONLINE: ["", *(c.value for c in Category if c != Category.PHYSICAL_MARKETPLACE)],
    Kind.PHYSICAL: ["", Category.PHYSICAL_MARKETPLACE.value, "Other"],
}


@st.composite
def listings_rows(draw):
    """Rows of a listings file: each market given once per edition, with one kind and the
    same category, country, company and website on every row naming it."""
    pool = draw(st.lists(names.filter(bool), min_size=2, max_size=9, unique_by=str.casefold))
    companies = pool[: draw(st.integers(0, min(2, len(pool) - 1)))]  # a market or more
    # A company is owned only by one after it in the list, so no one owns itself.
    owners = {
        company: draw(st.sampled_from(["", *companies[index + 1 :]]))
        for index, company in enumerate(companies)
    }
    markets = pool[len(companies) :]
    rows = []
    for number, market in enumerate(markets):
        kind = draw(st.sampled_from(list(Kind)))
        company = draw(st.sampled_from(["", *companies]))
        facts = {
            "market": market,
            "kind": kind.value,
            "category": draw(st.sampled_from(CATEGORIES[kind])),
            "country": draw(st.sampled_from(["", "CN", "China", "ar", "HK"])),
            "city": draw(st.sampled_from(["", "Shenzhen", "Buenos Aires"])),
            "company": company,
            "parent_company": owners.get(company, ""),
            "website": draw(
                st.sampled_from(["", f"market{number}.example", "https://x.example/a"])
            ),
        }
        for year in draw(
            st.lists(st.integers(2006, LAST_YEAR), min_size=1, max_size=3, unique=True)
        ):
            quote = draw(texts).strip()
            rows.append(
                {
                    **facts,
                    "year": str(year),
                    "reasons": draw(texts),
                    "quote": quote,
                    "page": str(draw(st.integers(1, 400))) if quote else "",
                }
            )
    return rows


@st.composite
def reports_rows(draw):
    """Rows of an editions file, one an edition: any of its facts given or left empty."""
    rows = []
    for year in draw(st.lists(st.integers(2006, LAST_YEAR), max_size=4, unique=True)):
        online, physical = (draw(st.sampled_from(["", "yes", "no", "1", "FALSE"])) for _ in "op")
        marked = "yes" in (online, physical) or "1" in (online, physical)
        published = draw(
            st.sampled_from(["", f"{year + 1}", f"{year + 1}-02", f"{year + 1}-02-17"])
        )
        rows.append(
            {
                "year": str(year),
                "publication": draw(st.sampled_from(["", *(p.label for p in Publication)])),
                "title": draw(st.sampled_from(["", f"The {year} review", "淘宝, “quoted”"])),
                "published_on": published,
                "online_count": draw(st.sampled_from(["", "0", "42"])),
                "physical_count": draw(st.sampled_from(["", "35"])),
                "source_url": draw(st.sampled_from(["", f"https://ustr.gov/{year}"])),
                "issue_focus": draw(texts).strip(),
                "online_complete": online,
                "physical_complete": physical,
                "completeness_note": draw(texts.filter(str.strip)) if marked else "",
            }
        )
    return rows


def csv_text(columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def exported(directory):
    export_dataset(directory)
    return {name: (Path(directory) / name).read_bytes() for name in FILENAMES}


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    # The database is emptied at the start of every example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(listings=listings_rows(), editions=reports_rows(), source=st.sampled_from(["json", "csv"]))
def test_what_the_importers_accept_exports_imports_and_exports_identically(
    listings, editions, source
):
    delete_everything()
    try:
        run_import(csv_text(COLUMNS, listings))
        if editions:
            run_reports_import(csv_text(REPORTS_FORMAT.columns, editions))
    except ImportFileError:
        assume(False)  # only what the importers accept is a dataset
    for model in (Company, Market, Report, Listing):
        model.objects.update(is_published=True)

    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        before = exported(first)
        delete_everything()
        import_dataset(first, source=source)
        after = exported(second)

    assert after == before
