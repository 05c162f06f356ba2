"""`manage.py load_demo [--dry-run]`: create the demo entries the database is missing.

`make run` runs it every time, so it must never undo an editor's work. It creates a demo
entry only if the entry was never in the database: one that exists is left exactly as it
is, whatever an editor changed in it (a date, an operator, a category, a listing's reasons),
and one that was loaded and later deleted stays deleted. "Was in the database" is read from
the edit history (notorious/core/edit_history.py), which keeps a record of every entry ever
saved, deleted ones and renamed ones included, so nothing else has to be stored.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notorious.companies.models import Company
from notorious.core.edit_history import history_of
from notorious.dataset import demo
from notorious.figures.models import About, Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

# The change reason the edit history shows for an entry this command created.
REASON = "Loaded from the demo data"


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = (
        "Create the demo entries the database is missing: the 2018-2021 editions, the "
        "markets, companies, outlets, articles and figures from the project's seed notes. "
        "An entry already in the database is left as it is, and one deleted after it was "
        "loaded is not brought back, so running it again never undoes an editor's work."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be created; write nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        loader = DemoLoader()
        try:
            with transaction.atomic():
                loader.load()
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write("Dry run: nothing was written.")
        count = len(loader.created)
        entries = "1 entry" if count == 1 else f"{count} entries"
        verb = "would be" if dry_run else ("was" if count == 1 else "were")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data: {entries} {verb} created, the rest left as they are.")
        )
        if loader.kept_deleted:
            self.stdout.write(
                "Deleted since they were loaded, so not brought back: "
                f"{'; '.join(loader.kept_deleted)}."
            )


class DemoLoader:
    """Creates the demo entries that were never in the database (see the module docstring)
    and finds the rest, so new entries link to what the database holds now."""

    def __init__(self):
        self.created = []  # labels of the entries created
        self.kept_deleted = []  # labels of demo entries deleted since they were loaded

    def ensure(self, model, lookup, values, label, many=None):
        """The entry with `lookup` as it is now; else None if it was ever in the database
        (deleted, or its key changed since); else a new published entry with `values` and
        the many-to-many links `many`."""
        existing = model.objects.filter(**lookup).first()
        if existing is not None:
            return existing
        if history_of(model).filter(**lookup).exists():
            self.kept_deleted.append(label)
            return None
        entry = model(**lookup, **values, is_published=True)
        try:
            entry.full_clean()
        except ValidationError as error:
            raise CommandError(f"The demo's entry for {label} is not valid: {error}") from None
        entry._change_reason = REASON
        entry.save()
        for field, related in (many or {}).items():
            getattr(entry, field).set([item for item in related if item is not None])
        self.created.append(label)
        return entry

    def load(self):
        reports = {
            row["year"]: self.ensure(
                Report, {"year": row["year"]}, _without(row, "year"), f"the {row['year']} edition"
            )
            for row in demo.REPORTS
        }
        companies = {
            row["slug"]: self.ensure(
                Company, {"slug": row["slug"]}, _without(row, "slug"), row["name"]
            )
            for row in demo.COMPANIES
        }
        markets = {}
        for row in demo.MARKETS:
            values = _without(row, "slug", "operator")
            values["operator"] = companies.get(row.get("operator"))
            markets[row["slug"]] = self.ensure(Market, {"slug": row["slug"]}, values, row["name"])
        self.load_listings(markets, reports)
        outlets = {
            row["slug"]: self.ensure(
                Outlet, {"slug": row["slug"]}, _without(row, "slug"), row["name"]
            )
            for row in demo.OUTLETS
        }
        articles = {}
        for row in demo.ARTICLES:
            values = _without(row, "slug", "republishes", "cited_outlets", "markets")
            values = _without(values, "companies", "reports")
            values["republishes"] = outlets.get(row.get("republishes"))
            articles[row["slug"]] = self.ensure(
                Article,
                {"slug": row["slug"]},
                values,
                f"the article “{row['headline']}”",
                many={
                    "cited_outlets": [outlets[s] for s in row.get("cited_outlets", [])],
                    "markets": [markets[s] for s in row["markets"]],
                    "companies": [companies[s] for s in row["companies"]],
                    "reports": [reports[y] for y in row["reports"]],
                },
            )
        self.load_figures(reports, articles)

    def load_listings(self, markets, reports):
        for slug, year, reasons, first in demo.LISTINGS:
            market, report = markets[slug], reports[year]
            if market is None or report is None:
                continue  # its market or edition was deleted: the listing goes with it
            self.ensure(
                Listing,
                {"market": market, "report": report},
                {"section": market.kind, "reasons": reasons, "source_says_first": first},
                f"{market.name} in the {year} edition",
            )

    def load_figures(self, reports, articles):
        for row in demo.FIGURES:
            values = _without(row, "slug", "source_report", "source_article")
            values["source_report"] = reports.get(row.get("source_report"))
            values["source_article"] = articles.get(row.get("source_article"))
            if values["source_report"] is None and values["source_article"] is None:
                continue  # its sources were deleted: a figure without a source is not shown
            if row["about"] == About.EDITION and values["source_report"] is None:
                continue  # about an edition that was deleted
            self.ensure(Figure, {"slug": row["slug"]}, values, f"the figure “{row['measures']}”")


def _without(row, *keys):
    return {key: value for key, value in row.items() if key not in keys}
