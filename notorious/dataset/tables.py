"""The dataset's format: its tables, their columns, and how each column's values are written.

An export (`export.py`) is a directory with one CSV file per table and `dataset.json` holding
the same records; `reading.py` reads either back and `restore.py` writes the records into an
empty database. Records name each other by stable keys (slugs; editions by year; listings by
year and market), never by database ids.
"""

from dataclasses import dataclass

from notorious.companies.models import Company
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

FORMAT = "notorious-dataset"
# 2: editions carry their publication and completeness marks, listings whether the source
# says it is the market's first; markets no longer carry "listed before first entry".
VERSION = 2
JSON_NAME = "dataset.json"
LIST_SEPARATOR = "; "


class DatasetError(Exception):
    """A problem with a dataset's files, with where it is (file, line or record)."""


# Column kinds: how a value is written in JSON and in CSV, and read back.
TEXT = "text"  # a string, possibly empty
INT = "int"  # an integer, required
OPT_INT = "opt_int"  # an integer or null (empty cell)
BOOL = "bool"  # true / false
DATE = "date"  # YYYY-MM-DD or null (empty cell)
DATETIME = "datetime"  # ISO 8601 with offset, microseconds always written
DECIMAL = "decimal"  # a decimal number as a string, e.g. "75.00" (never a float)
REF = "ref"  # another record's slug, or null (empty cell)
LIST = "list"  # strings; in CSV joined with "; "
INT_LIST = "int_list"  # integers; in CSV joined with "; "


@dataclass(frozen=True)
class Table:
    name: str
    model: type
    columns: tuple  # (column name, kind) pairs, in file order

    @property
    def filename(self):
        return f"{self.name}.csv"

    @property
    def column_names(self):
        return [name for name, _ in self.columns]


TIMESTAMPS = (("created_at", DATETIME), ("updated_at", DATETIME))

# In the order an import creates them: a table refers only to those before it.
TABLES = (
    Table(
        "companies",
        Company,
        (
            ("slug", TEXT),
            ("name", TEXT),
            ("aliases", LIST),
            ("country", TEXT),
            ("parent", REF),
            ("website", TEXT),
            ("description", TEXT),
            *TIMESTAMPS,
        ),
    ),
    Table(
        "outlets",
        Outlet,
        (
            ("slug", TEXT),
            ("name", TEXT),
            ("aliases", LIST),
            ("country", TEXT),
            ("language", TEXT),
            ("website", TEXT),
            ("description", TEXT),
            *TIMESTAMPS,
        ),
    ),
    Table(
        "markets",
        Market,
        (
            ("slug", TEXT),
            ("name", TEXT),
            ("aliases", LIST),
            ("kind", TEXT),
            ("category", TEXT),
            ("country", TEXT),
            ("city", TEXT),
            ("website", TEXT),
            ("domains", LIST),
            ("operator", REF),
            ("description", TEXT),
            *TIMESTAMPS,
        ),
    ),
    Table(
        "reports",
        Report,
        (
            ("year", INT),
            ("publication", TEXT),
            ("title", TEXT),
            ("published_on", DATE),
            ("published_on_precision", TEXT),
            ("publisher", TEXT),
            ("source_url", TEXT),
            ("online_count_stated", OPT_INT),
            ("physical_count_stated", OPT_INT),
            ("online_all_entered", BOOL),
            ("physical_all_entered", BOOL),
            ("completeness_note", TEXT),
            ("issue_focus", TEXT),
            ("summary", TEXT),
            *TIMESTAMPS,
        ),
    ),
    Table(
        "listings",
        Listing,
        (
            ("year", INT),
            ("market", REF),
            ("section", TEXT),
            ("reasons", TEXT),
            ("quotation", TEXT),
            ("quotation_page", OPT_INT),
            ("source_says_first", BOOL),
            *TIMESTAMPS,
        ),
    ),
    Table(
        "articles",
        Article,
        (
            ("slug", TEXT),
            ("headline", TEXT),
            ("outlet", REF),
            ("republishes", REF),
            ("cited_outlets", LIST),
            ("url", TEXT),
            ("published_on", DATE),
            ("language", TEXT),
            ("author", TEXT),
            ("summary", TEXT),
            ("markets", LIST),
            ("companies", LIST),
            ("reports", INT_LIST),
            *TIMESTAMPS,
        ),
    ),
    Table(
        "figures",
        Figure,
        (
            ("slug", TEXT),
            ("value", DECIMAL),
            ("unit", TEXT),
            ("measures", TEXT),
            ("year", OPT_INT),
            ("about", TEXT),
            ("market", REF),
            ("company", REF),
            ("countries", LIST),
            ("source_report", OPT_INT),
            ("source_article", REF),
            ("note", TEXT),
            *TIMESTAMPS,
        ),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
FILENAMES = [table.filename for table in TABLES] + [JSON_NAME]
