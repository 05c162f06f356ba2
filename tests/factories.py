"""Small factories: each makes one valid, published entry, with overrides as keyword arguments."""

import itertools
from decimal import Decimal

from django.utils.text import slugify

from notorious.companies.models import Company
from notorious.figures.models import Figure
from notorious.markets.models import Category, Kind, Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

_counter = itertools.count(1)


def _unique(prefix):
    return f"{prefix} {next(_counter)}"


def make_company(name=None, **fields):
    name = name or _unique("Company")
    fields.setdefault("slug", slugify(name) or f"company-{next(_counter)}")
    fields.setdefault("is_published", True)
    return Company.objects.create(name=name, **fields)


def make_market(name=None, **fields):
    name = name or _unique("Market")
    fields.setdefault("slug", slugify(name) or f"market-{next(_counter)}")
    fields.setdefault("kind", Kind.ONLINE)
    fields.setdefault(
        "category",
        Category.ECOMMERCE if fields["kind"] == Kind.ONLINE else Category.PHYSICAL_MARKETPLACE,
    )
    fields.setdefault("is_published", True)
    return Market.objects.create(name=name, **fields)


def make_report(year, **fields):
    fields.setdefault("is_published", True)
    return Report.objects.create(year=year, **fields)


def make_listing(market, report, **fields):
    fields.setdefault("section", market.kind)
    return Listing.objects.create(market=market, report=report, **fields)


def list_market(market, *years):
    """List `market` in the editions reviewing `years`, creating editions as needed."""
    for year in years:
        report = Report.objects.filter(year=year).first() or make_report(year)
        make_listing(market, report)
    return market


def make_outlet(name=None, **fields):
    name = name or _unique("Outlet")
    fields.setdefault("slug", slugify(name) or f"outlet-{next(_counter)}")
    fields.setdefault("is_published", True)
    return Outlet.objects.create(name=name, **fields)


def make_article(headline=None, markets=(), companies=(), reports=(), **fields):
    headline = headline or _unique("Article")
    fields.setdefault("slug", slugify(headline) or f"article-{next(_counter)}")
    fields.setdefault("is_published", True)
    article = Article.objects.create(headline=headline, **fields)
    article.markets.set(markets)
    article.companies.set(companies)
    article.reports.set(reports)
    return article


def make_figure(value="75", unit="%", **fields):
    fields.setdefault("slug", f"figure-{next(_counter)}")
    fields.setdefault("measures", "Share of seized counterfeit goods")
    fields.setdefault("is_published", True)
    if "source_report" not in fields and "source_article" not in fields:
        fields["source_report"] = Report.objects.get_or_create(
            year=2021, defaults={"is_published": True}
        )[0]
    # What the figure is about: unless a test says, the edition stating it (or, sourced to
    # coverage alone, an economy), as an editor must choose one in the admin.
    fields.setdefault("about", "edition" if fields.get("source_report") else "economy")
    return Figure.objects.create(value=Decimal(value), unit=unit, **fields)


def make_correction(entry, note="An error was corrected."):
    """Save `entry` as the admin does a change marked as a correction with `note`; returns
    the change's history record."""
    entry._correction_note = note
    entry.save()
    return entry.edit_history.order_by("-history_date", "-history_id").first()
