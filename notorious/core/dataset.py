"""The whole published database as files, and back: `export_dataset` and `import_dataset`.

An export is a directory with one CSV file per model and `dataset.json` holding the same
records. Records name each other by stable keys (slugs; editions by year; listings by year
and market), never by database ids, and come in a fixed order, so exporting the same data
twice gives byte-identical files. Only published entries are exported, and a reference to
a draft (a draft operator, say) is left empty, as readers would see it.

Importing into an empty database restores the records exactly: validation (the models'
own `full_clean`) may reject a record, but never rewrites one, so exporting again gives
the same files.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from notorious.companies.models import Company
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

FORMAT = "notorious-dataset"
VERSION = 1
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
            ("listed_before_first_entry", BOOL),
            *TIMESTAMPS,
        ),
    ),
    Table(
        "reports",
        Report,
        (
            ("year", INT),
            ("title", TEXT),
            ("published_on", DATE),
            ("published_on_precision", TEXT),
            ("publisher", TEXT),
            ("source_url", TEXT),
            ("online_count_stated", OPT_INT),
            ("physical_count_stated", OPT_INT),
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
            ("source_report", OPT_INT),
            ("source_article", REF),
            ("note", TEXT),
            *TIMESTAMPS,
        ),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
FILENAMES = [table.filename for table in TABLES] + [JSON_NAME]


# Export -------------------------------------------------------------------------------


def _published_slug(related):
    return related.slug if related is not None and related.is_published else None


def _timestamps(obj):
    return {
        "created_at": _format_datetime(obj.created_at),
        "updated_at": _format_datetime(obj.updated_at),
    }


def _format_datetime(value):
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _date(value):
    return value.isoformat() if value else None


def _slugs(related):
    """Sorted slugs of published related entries (already filtered by a Prefetch)."""
    return sorted(item.slug for item in related.all() if item.is_published)


def _export_companies():
    for company in Company.objects.published().select_related("parent").order_by("slug"):
        yield {
            "slug": company.slug,
            "name": company.name,
            "aliases": company.alias_list,
            "country": company.country.code or "",
            "parent": _published_slug(company.parent),
            "website": company.website,
            "description": company.description,
            **_timestamps(company),
        }


def _export_outlets():
    for outlet in Outlet.objects.published().order_by("slug"):
        yield {
            "slug": outlet.slug,
            "name": outlet.name,
            "aliases": outlet.alias_list,
            "country": outlet.country.code or "",
            "language": outlet.language,
            "website": outlet.website,
            "description": outlet.description,
            **_timestamps(outlet),
        }


def _export_markets():
    for market in Market.objects.published().select_related("operator").order_by("slug"):
        yield {
            "slug": market.slug,
            "name": market.name,
            "aliases": market.alias_list,
            "kind": market.kind,
            "category": market.category,
            "country": market.country.code or "",
            "city": market.city,
            "website": market.website,
            "domains": market.domain_list,
            "operator": _published_slug(market.operator),
            "description": market.description,
            "listed_before_first_entry": market.listed_before_first_entry,
            **_timestamps(market),
        }


def _export_reports():
    for report in Report.objects.published().order_by("year"):
        yield {
            "year": report.year,
            "title": report.title,
            "published_on": _date(report.published_on),
            "published_on_precision": report.published_on_precision,
            "publisher": report.publisher,
            "source_url": report.source_url,
            "online_count_stated": report.online_count_stated,
            "physical_count_stated": report.physical_count_stated,
            "issue_focus": report.issue_focus,
            "summary": report.summary,
            **_timestamps(report),
        }


def _export_listings():
    listings = (
        Listing.objects.published()
        .select_related("report", "market")
        .order_by("report__year", "market__slug")
    )
    for listing in listings:
        yield {
            "year": listing.report.year,
            "market": listing.market.slug,
            "section": listing.section,
            "reasons": listing.reasons,
            "quotation": listing.quotation,
            "quotation_page": listing.quotation_page,
            **_timestamps(listing),
        }


def _export_articles():
    articles = (
        Article.objects.published()
        .select_related("outlet", "republishes")
        .prefetch_related(
            Prefetch("cited_outlets", queryset=Outlet.objects.published()),
            Prefetch("markets", queryset=Market.objects.published()),
            Prefetch("companies", queryset=Company.objects.published()),
            Prefetch("reports", queryset=Report.objects.published()),
        )
        .order_by("slug")
    )
    for article in articles:
        yield {
            "slug": article.slug,
            "headline": article.headline,
            "outlet": _published_slug(article.outlet),
            "republishes": _published_slug(article.republishes),
            "cited_outlets": _slugs(article.cited_outlets),
            "url": article.url,
            "published_on": _date(article.published_on),
            "language": article.language,
            "author": article.author,
            "summary": article.summary,
            "markets": _slugs(article.markets),
            "companies": _slugs(article.companies),
            "reports": sorted(report.year for report in article.reports.all()),
            **_timestamps(article),
        }


def _export_figures():
    figures = (
        Figure.objects.published()
        .select_related("source_report", "source_article")
        .order_by("slug")
    )
    for figure in figures:
        report = figure.source_report
        report_year = report.year if report is not None and report.is_published else None
        article = _published_slug(figure.source_article)
        if report_year is None and article is None:
            continue  # a figure whose only sources are drafts has no source readers can see
        yield {
            "slug": figure.slug,
            "value": str(figure.value),
            "unit": figure.unit,
            "measures": figure.measures,
            "year": figure.year,
            "source_report": report_year,
            "source_article": article,
            "note": figure.note,
            **_timestamps(figure),
        }


EXPORTERS = {
    "companies": _export_companies,
    "outlets": _export_outlets,
    "markets": _export_markets,
    "reports": _export_reports,
    "listings": _export_listings,
    "articles": _export_articles,
    "figures": _export_figures,
}


def collect():
    """Every published record, table by table in import order, in a fixed order."""
    with transaction.atomic():
        return {table.name: list(EXPORTERS[table.name]()) for table in TABLES}


def _csv_cell(value, kind):
    if value is None:
        return ""
    if kind == BOOL:
        return "true" if value else "false"
    if kind in (LIST, INT_LIST):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def render_csv(table, records):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(table.column_names)
    for record in records:
        writer.writerow([_csv_cell(record[name], kind) for name, kind in table.columns])
    return buffer.getvalue()


def render_json(data):
    document = {"format": FORMAT, "version": VERSION, **data}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render(data):
    """The export's files as {filename: text}."""
    files = {table.filename: render_csv(table, data[table.name]) for table in TABLES}
    files[JSON_NAME] = render_json(data)
    return files


def export_dataset(directory, dry_run=False):
    """Write the published database into `directory`; return the record counts by table."""
    data = collect()
    if not dry_run:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for filename, text in render(data).items():
            # Bytes, not text mode: the same records must give the same bytes on every OS.
            (directory / filename).write_bytes(text.encode("utf-8"))
    return {name: len(records) for name, records in data.items()}


# Reading files ------------------------------------------------------------------------


def _parse_csv_cell(text, kind):
    """A CSV cell as the value a JSON file would hold; ValueError with a reason if bad."""
    if kind == TEXT:
        return text
    text = text.strip()
    if kind in (OPT_INT, DATE, REF) and text == "":
        return None
    if kind in (INT, OPT_INT):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind == BOOL:
        if text.lower() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text.lower() == "true"
    if kind == LIST:
        return [item.strip() for item in text.split(";") if item.strip()]
    if kind == INT_LIST:
        items = [item.strip() for item in text.split(";") if item.strip()]
        try:
            return [int(item) for item in items]
        except ValueError:
            raise ValueError(f"{text!r} is not a list of years separated by ';'") from None
    return text  # DATE, DATETIME, DECIMAL, REF: checked by _typed below


def _typed(value, kind):
    """A JSON value as a Python value for the model; ValueError with a reason if bad."""

    def wrong(expected):
        return ValueError(f"{value!r} is not {expected}")

    if kind == TEXT:
        if not isinstance(value, str):
            raise wrong("text")
        return value
    if kind in (INT, OPT_INT):
        if value is None and kind == OPT_INT:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise wrong("a whole number")
        return value
    if kind == BOOL:
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if kind == DATE:
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise wrong("a date (YYYY-MM-DD)") from None
    if kind == DATETIME:
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise wrong("a date and time (ISO 8601)") from None
        if parsed.tzinfo is None:
            raise ValueError(f"{value!r} has no UTC offset")
        return parsed
    if kind == DECIMAL:
        try:
            if not isinstance(value, str):
                raise InvalidOperation
            return Decimal(value)
        except InvalidOperation:
            raise wrong('a decimal number written as text, e.g. "75.00"') from None
    if kind == REF:
        if value is not None and not (isinstance(value, str) and value):
            raise wrong("a slug")
        return value
    if kind == LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong("a list of text")
        return value
    if kind == INT_LIST:
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise wrong("a list of years")
        return value
    raise AssertionError(kind)


@dataclass
class Record:
    where: str  # e.g. "markets.csv line 4" or "dataset.json markets[3]"
    values: dict


def _typed_record(table, where, raw):
    values = {}
    for name, kind in table.columns:
        try:
            values[name] = _typed(raw[name], kind)
        except ValueError as error:
            raise DatasetError(f"{where}: {name}: {error}") from None
    return Record(where, values)


def _check_columns(table, found, where):
    missing = [name for name in table.column_names if name not in found]
    unknown = sorted(set(found) - set(table.column_names))
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown {', '.join(unknown)}")
    if problems:
        raise DatasetError(f"{where}: columns: {'; '.join(problems)}")


def read_json(directory):
    path = Path(directory) / JSON_NAME
    if not path.is_file():
        raise DatasetError(f"{path} not found (use --from csv to read the CSV files instead).")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"{JSON_NAME}: not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DatasetError(f'{JSON_NAME}: not a Notorious dataset (no "format": "{FORMAT}").')
    if document.get("version") != VERSION:
        raise DatasetError(
            f"{JSON_NAME}: version {document.get('version')!r}; this site reads version {VERSION}."
        )
    records = {}
    for table in TABLES:
        rows = document.get(table.name)
        if not isinstance(rows, list):
            raise DatasetError(f"{JSON_NAME}: no list of {table.name}.")
        records[table.name] = []
        for index, raw in enumerate(rows):
            where = f"{JSON_NAME} {table.name}[{index}]"
            if not isinstance(raw, dict):
                raise DatasetError(f"{where}: not an object")
            _check_columns(table, raw, where)
            records[table.name].append(_typed_record(table, where, raw))
    return records


def read_csv(directory):
    records = {}
    for table in TABLES:
        path = Path(directory) / table.filename
        if not path.is_file():
            raise DatasetError(f"{path} not found.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise DatasetError(f"{table.filename}: not UTF-8 text: {error}") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise DatasetError(f"{table.filename}: empty file (expected a header row).")
        _check_columns(table, header, f"{table.filename} line 1")
        kinds = dict(table.columns)
        records[table.name] = []
        line = reader.line_num + 1  # where the next record starts (cells may span lines)
        for cells in reader:
            where = f"{table.filename} line {line}"
            line = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise DatasetError(
                    f"{where}: {len(cells)} cells where the header has {len(header)}"
                )
            raw = {}
            for name, cell in zip(header, cells, strict=True):
                try:
                    raw[name] = _parse_csv_cell(cell, kinds[name])
                except ValueError as error:
                    raise DatasetError(f"{where}: {name}: {error}") from None
            records[table.name].append(_typed_record(table, where, raw))
    return records


# Import -------------------------------------------------------------------------------


def existing_entries():
    """How many entries each table already holds, drafts included (only nonzero ones)."""
    counts = {table.name: table.model._default_manager.count() for table in TABLES}
    return {name: count for name, count in counts.items() if count}


class _Restorer:
    """Creates the records in import order, checking each with the model's validation."""

    def __init__(self, records):
        self.records = records
        self.created = {table.name: [] for table in TABLES}
        self.companies, self.outlets, self.markets = {}, {}, {}
        self.reports, self.articles = {}, {}

    def run(self):
        self.restore_companies()
        self.restore_outlets()
        self.restore_markets()
        self.restore_reports()
        self.restore_listings()
        self.restore_articles()
        self.restore_figures()
        self.restore_timestamps()
        return {name: len(objects) for name, objects in self.created.items()}

    def save(self, table_name, record, obj, fields, exclude=()):
        """Validate `obj` like a form would, keep the file's values as they are, and save it.

        `full_clean` may tidy values (trim a headline, lowercase domains); the import
        restores what the file says, so it only checks and then puts the values back.
        """
        try:
            obj.full_clean(exclude=list(exclude))
        except ValidationError as error:
            raise DatasetError(f"{record.where}: {_describe(error)}") from None
        for field, value in fields.items():
            setattr(obj, field, value)
        obj.save()
        self.created[table_name].append((obj, record))
        return obj

    def find(self, record, lookup, key, column, kind):
        if key is None:
            return None
        try:
            return lookup[key]
        except KeyError:
            raise DatasetError(
                f"{record.where}: {column}: {key!r} is not a {kind} in the dataset"
            ) from None

    def restore_companies(self):
        for record in self.records["companies"]:
            v = record.values
            fields = {
                "slug": v["slug"],
                "name": v["name"],
                "aliases": "\n".join(v["aliases"]),
                "country": v["country"],
                "website": v["website"],
                "description": v["description"],
            }
            company = Company(is_published=True, **fields)
            self.companies[v["slug"]] = self.save("companies", record, company, fields)
        # Owners may come after the companies they own, so link them once all exist.
        for company, record in self.created["companies"]:
            parent = self.find(record, self.companies, record.values["parent"], "parent", "company")
            if parent is not None:
                company.parent = parent
                try:
                    company.clean()  # no company may own itself, even indirectly
                except ValidationError as error:
                    raise DatasetError(f"{record.where}: {_describe(error)}") from None
                company.save(update_fields=["parent"])

    def restore_outlets(self):
        for record in self.records["outlets"]:
            v = record.values
            fields = {
                "slug": v["slug"],
                "name": v["name"],
                "aliases": "\n".join(v["aliases"]),
                "country": v["country"],
                "language": v["language"],
                "website": v["website"],
                "description": v["description"],
            }
            outlet = Outlet(is_published=True, **fields)
            self.outlets[v["slug"]] = self.save("outlets", record, outlet, fields)

    def restore_markets(self):
        for record in self.records["markets"]:
            v = record.values
            fields = {
                "slug": v["slug"],
                "name": v["name"],
                "aliases": "\n".join(v["aliases"]),
                "kind": v["kind"],
                "category": v["category"],
                "country": v["country"],
                "city": v["city"],
                "website": v["website"],
                "domains": "\n".join(v["domains"]),
                "description": v["description"],
                "listed_before_first_entry": v["listed_before_first_entry"],
            }
            operator = self.find(record, self.companies, v["operator"], "operator", "company")
            market = Market(is_published=True, operator=operator, **fields)
            self.markets[v["slug"]] = self.save("markets", record, market, fields)

    def restore_reports(self):
        for record in self.records["reports"]:
            v = record.values
            fields = {name: v[name] for name, _ in TABLES_BY_NAME["reports"].columns}
            del fields["created_at"], fields["updated_at"]
            report = Report(is_published=True, slug=str(v["year"]), **fields)
            # The slug is derived from the year on save; uniqueness is the year's to check.
            self.reports[v["year"]] = self.save("reports", record, report, fields, exclude=["slug"])

    def restore_listings(self):
        for record in self.records["listings"]:
            v = record.values
            report = self.find(record, self.reports, v["year"], "year", "report")
            market = self.find(record, self.markets, v["market"], "market", "market")
            fields = {
                "section": v["section"],
                "reasons": v["reasons"],
                "quotation": v["quotation"],
                "quotation_page": v["quotation_page"],
            }
            listing = Listing(report=report, market=market, is_published=True, **fields)
            self.save("listings", record, listing, fields)

    def restore_articles(self):
        for record in self.records["articles"]:
            v = record.values
            fields = {
                "slug": v["slug"],
                "headline": v["headline"],
                "url": v["url"],
                "published_on": v["published_on"],
                "language": v["language"],
                "author": v["author"],
                "summary": v["summary"],
            }
            article = Article(
                is_published=True,
                outlet=self.find(record, self.outlets, v["outlet"], "outlet", "outlet"),
                republishes=self.find(
                    record, self.outlets, v["republishes"], "republishes", "outlet"
                ),
                **fields,
            )
            self.articles[v["slug"]] = self.save("articles", record, article, fields)
            links = (
                ("cited_outlets", self.outlets, "outlet"),
                ("markets", self.markets, "market"),
                ("companies", self.companies, "company"),
                ("reports", self.reports, "report"),
            )
            for column, lookup, kind in links:
                related = [self.find(record, lookup, key, column, kind) for key in v[column]]
                getattr(article, column).set(related)

    def restore_figures(self):
        for record in self.records["figures"]:
            v = record.values
            fields = {
                "slug": v["slug"],
                "value": v["value"],
                "unit": v["unit"],
                "measures": v["measures"],
                "year": v["year"],
                "note": v["note"],
            }
            figure = Figure(
                is_published=True,
                source_report=self.find(
                    record, self.reports, v["source_report"], "source_report", "report"
                ),
                source_article=self.find(
                    record, self.articles, v["source_article"], "source_article", "article"
                ),
                **fields,
            )
            self.save("figures", record, figure, fields)

    def restore_timestamps(self):
        # Saving stamps "now"; put back when each entry was created and last changed.
        # bulk_update writes the values given, without auto_now's stamping.
        for table in TABLES:
            objects = []
            for obj, record in self.created[table.name]:
                obj.created_at = record.values["created_at"]
                obj.updated_at = record.values["updated_at"]
                objects.append(obj)
            table.model._default_manager.bulk_update(
                objects, ["created_at", "updated_at"], batch_size=500
            )


def _describe(error):
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class _DryRun(Exception):
    pass


def import_dataset(directory, source="json", dry_run=False):
    """Restore an export into an empty database; return the record counts by table.

    Everything happens in one transaction: any bad record raises `DatasetError` (saying
    which file and line or record) and nothing is written. A dry run checks everything
    the same way and then rolls back.
    """
    records = read_json(directory) if source == "json" else read_csv(directory)
    counts = {}
    try:
        with transaction.atomic():
            existing = existing_entries()
            if existing:
                described = ", ".join(f"{count} {name}" for name, count in existing.items())
                raise DatasetError(
                    f"The database is not empty ({described}); import_dataset only restores "
                    "into an empty database."
                )
            counts = _Restorer(records).run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts
