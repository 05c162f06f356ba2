"""Import: restore an export into an empty database (`import_dataset`).

Importing restores the records exactly: validation (the models' own `full_clean`) may reject
a record, but never rewrites one, so exporting again gives the same files.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from notorious.companies.models import Company
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

from .reading import read_csv, read_json
from .tables import TABLES, TABLES_BY_NAME, DatasetError


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
                "source_says_first": v["source_says_first"],
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
                "about": v["about"],
                "countries": v["countries"],
                "note": v["note"],
            }
            figure = Figure(
                is_published=True,
                market=self.find(record, self.markets, v["market"], "market", "market"),
                company=self.find(record, self.companies, v["company"], "company", "company"),
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
