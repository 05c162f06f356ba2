"""Reading an import file: its columns, its rows and each row's values, with what is wrong
with them by line (`importer.py` describes the import as a whole)."""

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django_countries import countries

from notorious.markets.models import Category, Kind
from notorious.reports.models import FIRST_YEAR, LAST_YEAR

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
MAX_PAGE = 32767  # the largest value the page column (a small integer) holds


class ListingImportError(Exception):
    """The file cannot be imported; `errors` lists every problem found, by line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class RowError:
    line: int | None  # the file line the row starts on; None for a file-wide problem
    message: str

    def __str__(self):
        return f"Line {self.line}: {self.message}" if self.line else self.message


# --- reading the file ------------------------------------------------------------------------


def decode(data):
    """The file's text; raises ListingImportError (with the line) unless it is UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ListingImportError(
            [
                RowError(
                    line,
                    "the file is not UTF-8 text; save it as 'CSV UTF-8' and import it again.",
                )
            ]
        ) from None


def _clean_header(name):
    return "_".join(name.strip().lower().split())


def read_rows(text):
    """The file's data rows as (line, {column: value}) pairs; raises ListingImportError.

    Values are stripped of surrounding space and absent columns read as empty. Blank rows
    are skipped. Line numbers are those of the file, the header being line 1.
    """
    if "\0" in text:
        # PostgreSQL cannot store NUL characters; they only appear in damaged or binary files.
        line = text[: text.index("\0")].count("\n") + 1
        raise ListingImportError([RowError(line, "this row is not valid CSV (it contains NUL).")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns = _read_header(reader)
    rows, errors = [], []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, f"this row is not valid CSV ({error})."))
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and not any(c.strip() for c in cells[len(columns) :]):
            cells = cells[: len(columns)]  # trailing empty cells, as spreadsheets write them
        if len(cells) != len(columns):
            errors.append(
                RowError(
                    line,
                    f"this row has {len(cells)} values but the header has {len(columns)} "
                    "columns (a value containing a comma must be in double quotes).",
                )
            )
            continue
        row = dict.fromkeys(COLUMNS, "")
        row.update({column: cell.strip() for column, cell in zip(columns, cells, strict=True)})
        rows.append((line, row))
    if errors:
        raise ListingImportError(errors)
    if not rows:
        raise ListingImportError([RowError(None, "The file has a header but no rows.")])
    return rows


def _read_header(reader):
    """The header row's column names, cleaned; raises ListingImportError unless every name
    is known, none is repeated and the required ones are there."""
    try:
        header = next(reader)
    except StopIteration:
        raise ListingImportError([RowError(None, "The file is empty.")]) from None
    except csv.Error as error:
        raise ListingImportError(
            [RowError(1, f"the header row is not valid CSV ({error}).")]
        ) from None

    columns = [_clean_header(name) for name in header]
    errors = []
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        errors.append(
            RowError(
                1,
                "unknown column(s) "
                + ", ".join(f"'{name}'" for name in unknown)
                + "; the columns are: "
                + ", ".join(COLUMNS)
                + ".",
            )
        )
    duplicated = sorted({name for name in columns if name and columns.count(name) > 1})
    if duplicated:
        errors.append(RowError(1, "column(s) given twice: " + ", ".join(duplicated) + "."))
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " Columns must be separated by commas, not semicolons."
        errors.append(RowError(1, "missing required column(s): " + ", ".join(missing) + "." + hint))
    if errors:
        raise ListingImportError(errors)
    return columns


# --- reading one value -----------------------------------------------------------------------


def normalize_name(value):
    """A name as stored: surrounding space dropped and inner runs of space made single."""
    return " ".join(value.split())


def parse_year(value):
    try:
        year = int(value)
    except ValueError:
        raise ValueError(f"year '{value}' is not a year such as 2021.") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} is out of range ({FIRST_YEAR}–{LAST_YEAR}).")
    return year


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


def parse_row(row):
    """The row's values, converted, and what is wrong with them (empty when nothing)."""
    values, problems = dict(row), []
    for column in REQUIRED_COLUMNS:
        if not row[column]:
            problems.append(f"'{column}' is required and is empty.")
    parsers = {
        "year": parse_year,
        "kind": parse_kind,
        "category": parse_category,
        "country": parse_country,
        "website": parse_website,
        "page": parse_page,
    }
    unreadable = set()
    for column, parser in parsers.items():
        if row[column]:
            try:
                values[column] = parser(row[column])
            except ValueError as error:
                problems.append(str(error))
                unreadable.add(column)
    for column in ("market", "company", "parent_company", "city"):
        values[column] = normalize_name(row[column])
    if values["parent_company"] and not values["company"]:
        problems.append("'parent_company' is given without a 'company' it owns.")
    kind, category = values["kind"], values["category"]
    if kind and category and not unreadable & {"kind", "category"}:
        if kind == Kind.ONLINE and category == Category.PHYSICAL_MARKETPLACE:
            problems.append("an online market cannot be in the physical marketplace category.")
        if kind == Kind.PHYSICAL and category not in (
            Category.PHYSICAL_MARKETPLACE,
            Category.OTHER,
        ):
            problems.append(
                "a physical market belongs to the 'Physical marketplace' or 'Other' category."
            )
    return values, problems
