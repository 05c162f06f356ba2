from django.core.management.base import BaseCommand
from django.db import transaction

from notorious.companies.models import Company
from notorious.dataset import demo
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = (
        "Load the demo data: the 2018-2021 editions, the markets, companies, outlets, "
        "articles and figures from the two press articles the project started from. "
        "Idempotent: entries are keyed on their slugs (reports on their year), so running it "
        "again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        self.created = self.updated = 0
        try:
            with transaction.atomic():
                self.load()
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write("Dry run: nothing was written.")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {self.created} entries {verb} created, {self.updated} {verb} "
                "updated, the rest unchanged."
            )
        )

    def upsert(self, model, lookup, values, many=None):
        """Create or update one published entry; set many-to-many links if given."""
        obj = model.objects.filter(**lookup).first()
        values = {**values, "is_published": True}
        is_new = obj is None
        if is_new:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.created += 1
        elif any(getattr(obj, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(obj, field, value)
            obj.full_clean()
            obj.save()
            self.updated += 1
        for field, related in (many or {}).items():
            manager = getattr(obj, field)
            if set(manager.values_list("pk", flat=True)) != {r.pk for r in related}:
                manager.set(related)
                self.updated += not is_new
        return obj

    def load(self):
        reports = {
            row["year"]: self.upsert(Report, {"year": row["year"]}, _without(row, "year"))
            for row in demo.REPORTS
        }
        companies = {
            row["slug"]: self.upsert(Company, {"slug": row["slug"]}, _without(row, "slug"))
            for row in demo.COMPANIES
        }
        markets = {}
        for row in demo.MARKETS:
            values = _without(row, "slug", "operator")
            values["operator"] = companies.get(row.get("operator"))
            markets[row["slug"]] = self.upsert(Market, {"slug": row["slug"]}, values)
        for slug, year, reasons in demo.LISTINGS:
            market = markets[slug]
            self.upsert(
                Listing,
                {"market": market, "report": reports[year]},
                {"section": market.kind, "reasons": reasons},
            )
        outlets = {
            row["slug"]: self.upsert(Outlet, {"slug": row["slug"]}, _without(row, "slug"))
            for row in demo.OUTLETS
        }
        articles = {}
        for row in demo.ARTICLES:
            values = _without(row, "slug", "republishes", "cited_outlets", "markets")
            values = _without(values, "companies", "reports")
            values["republishes"] = outlets.get(row.get("republishes"))
            articles[row["slug"]] = self.upsert(
                Article,
                {"slug": row["slug"]},
                values,
                many={
                    "cited_outlets": [outlets[s] for s in row.get("cited_outlets", [])],
                    "markets": [markets[s] for s in row["markets"]],
                    "companies": [companies[s] for s in row["companies"]],
                    "reports": [reports[y] for y in row["reports"]],
                },
            )
        for row in demo.FIGURES:
            values = _without(row, "slug", "source_report", "source_article")
            values["source_report"] = reports.get(row.get("source_report"))
            values["source_article"] = articles.get(row.get("source_article"))
            self.upsert(Figure, {"slug": row["slug"]}, values)


def _without(row, *keys):
    return {key: value for key, value in row.items() if key not in keys}
