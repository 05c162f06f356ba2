"""Export: the whole published database as files (`export_dataset`).

Records come in a fixed order, so exporting the same data twice gives byte-identical files.
Only published entries are exported, and a reference to a draft (a draft operator, say) is
left empty, as readers would see it.
"""

import csv
import datetime
import io
import json
from pathlib import Path

from django.db import transaction

from notorious.companies.models import Company
from notorious.core.models import if_published
from notorious.core.spreadsheet import escape_cell
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

from .tables import BOOL, FORMAT, INT_LIST, JSON_NAME, LIST, LIST_SEPARATOR, TABLES, VERSION


def _published_slug(related):
    entry = if_published(related)
    return entry.slug if entry else None


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
    return sorted(item.slug for item in related.all() if if_published(item))


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
            **_timestamps(market),
        }


def _export_reports():
    for report in Report.objects.published().order_by("year"):
        yield {
            "year": report.year,
            "publication": report.publication,
            "title": report.title,
            "published_on": _date(report.published_on),
            "published_on_precision": report.published_on_precision,
            "publisher": report.publisher,
            "source_url": report.source_url,
            "online_count_stated": report.online_count_stated,
            "physical_count_stated": report.physical_count_stated,
            "online_all_entered": report.online_all_entered,
            "physical_all_entered": report.physical_all_entered,
            "completeness_note": report.completeness_note,
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
            "source_says_first": listing.source_says_first,
            **_timestamps(listing),
        }


def _export_articles():
    articles = Article.objects.published().with_published_links().order_by("slug")
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
        .select_related("source_report", "source_article", "market", "company")
        .order_by("slug")
    )
    for figure in figures:
        report = if_published(figure.source_report)
        report_year = report.year if report else None
        article = _published_slug(figure.source_article)
        if report_year is None and article is None:
            continue  # a figure whose only sources are drafts has no source readers can see
        yield {
            "slug": figure.slug,
            "value": str(figure.value),
            "unit": figure.unit,
            "measures": figure.measures,
            "year": figure.year,
            "about": figure.about,
            "market": _published_slug(figure.market),
            "company": _published_slug(figure.company),
            "countries": figure.country_codes,
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
    """A CSV cell, escaped so a spreadsheet never runs it as a formula (the importer
    undoes the escaping: see notorious.core.spreadsheet)."""
    return escape_cell(_plain_cell(value, kind))


def _plain_cell(value, kind):
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
