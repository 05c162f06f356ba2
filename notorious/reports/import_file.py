"""Reading a listings file: its columns and each row's values, with what is wrong with them
(`importer.py` describes the import as a whole; `import_csv.py` reads the file's rows).

`ListingImportError` is the error every CSV import raises (`import_csv.ImportFileError`),
under the name the listings import has always used."""

import functools
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django_countries import countries

from notorious.markets.models import Category, Kind

from .import_csv import (
    CsvFormat,
    ImportFileError,
    normalize_name,
    parse_cells,
    parse_year,
    required_problems,
)

COLUMNS = (
    "year",
    "market",
    "kind",
    "category",
    "country",
    "city",
    "company",
    "parent_company",
    "aliases",
    "website",
    "reasons",
    "quote",
    "page",
)
REQUIRED_COLUMNS = ("year", "market", "kind")
LISTINGS_FORMAT = CsvFormat(COLUMNS, REQUIRED_COLUMNS)
ListingImportError = ImportFileError
MAX_PAGE = 32767  # the largest value the page column (a small integer) holds


def parse_kind(value):
    for kind in Kind:
        if value.casefold() in (kind.value.casefold(), kind.label.casefold()):
            return kind.value
    raise ValueError(f"unknown kind '{value}'; use 'online' or 'physical'.")


def parse_category(value):
    for category in Category:
        if value.casefold() in (category.value.casefold(), category.label.casefold()):
            return category.value
    choices = ", ".join(f"{c.value} ({c.label})" for c in Category)
    raise ValueError(f"unknown category '{value}'; use one of: {choices}.")


@functools.lru_cache(maxsize=1024)  # a big file names the same few countries again and again
def parse_country(value):
    """An ISO 3166 alpha-2 code (alpha-3 and numeric codes work too) or English name."""
    code = countries.alpha2(value) if len(value) <= 3 else ""
    code = code or countries.by_name(value)
    if not code:
        raise ValueError(
            f"unknown country '{value}'; use its ISO 3166 alpha-2 code (e.g. CN) or its "
            "English name (e.g. China)."
        )
    return code


def parse_website(value):
    """(URL, domain): a bare domain such as example.org becomes https://example.org."""
    url = value if "://" in value else f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValueError(f"website '{value}' is neither a web address nor a domain.") from None
    return url, urlsplit(url).hostname.lower()


def parse_page(value):
    try:
        page = int(value)
    except ValueError:
        raise ValueError(f"page '{value}' is not a page number.") from None
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page {page} is not a page number (1–{MAX_PAGE}).")
    return page


PARSERS = {
    "year": parse_year,
    "kind": parse_kind,
    "category": parse_category,
    "country": parse_country,
    "website": parse_website,
    "page": parse_page,
}


def parse_row(row):
    """The row's values, converted, and what is wrong with them (empty when nothing).

    Only what a cell says on its own is checked here; whether the entries the row makes
    are valid (a physical market's category, say) is the models' own validation, run on
    every entry once the plan is made (`Planner.validate`).
    """
    values, problems = parse_cells(row, PARSERS)
    problems = required_problems(row, LISTINGS_FORMAT) + problems
    for column in ("market", "company", "parent_company", "city"):
        values[column] = normalize_name(row[column])
    if values["parent_company"] and not values["company"]:
        problems.append("'parent_company' is given without a 'company' it owns.")
    return values, problems
