"""Atom feeds, so a reader can follow new coverage, new editions, one market or one company.

Every feed holds published entries only. A market's feed carries the coverage about it and
each edition that names it; a company's feed does the same for every market it operates
directly or through its published subsidiaries, plus the coverage about the company.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from notorious.companies.models import Company
from notorious.core.models import if_published
from notorious.markets.history import CONFIRMED_LABELS, NEW
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Listing, Report

FEED_LENGTH = 50


def as_datetime(day):
    """A feed needs instants; a date on record becomes midnight UTC of that day."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def html_paragraphs(*texts):
    """Plain editor text as escaped HTML paragraphs (Atom summaries are typed as HTML)."""
    return "".join(linebreaks(text, autoescape=True) for text in texts if text)


@dataclass
class Entry:
    """One feed entry, whatever it came from."""

    title: str
    link: str
    description: str
    published: datetime.datetime
    updated: datetime.datetime
    author: str = ""


def article_entry(article):
    outlet, original = if_published(article.outlet), if_published(article.republishes)
    credit = []
    if outlet:
        credit.append(f"Published by {outlet.name}.")
    if original:
        credit.append(f"Republishes a story by {original.name}.")
    return Entry(
        title=article.headline,
        link=article.get_absolute_url(),
        description=html_paragraphs(article.summary, " ".join(credit)),
        published=as_datetime(article.published_on) if article.published_on else article.created_at,
        updated=article.updated_at,
        author=outlet.name if outlet else article.author,
    )


def listing_entry(listing, record):
    report, market = listing.report, listing.market
    status, confirmed = market.listing_history(record).status_in(report.year)
    title = f"{market.name} named in the {report.year} review"
    if confirmed and status in CONFIRMED_LABELS:
        title += f" ({status})"
    elif status == NEW:
        title += " (first entered; earlier editions are incomplete)"
    published_line = (
        f"The {report.year} review was published {report.publication_date_display}."
        if report.published_on
        else ""
    )
    return Entry(
        title=title,
        link=listing.get_absolute_url(),
        description=html_paragraphs(
            f"Listed in the {listing.get_section_display().lower()} section of "
            f"“{report}”. {published_line}".strip(),
            listing.reasons,
        ),
        published=as_datetime(report.published_on) if report.published_on else listing.created_at,
        updated=max(listing.updated_at, report.updated_at),
        author=report.publisher,
    )


def report_entry(report):
    counts = [
        f"{count:,} {kind} markets"
        for count, kind in (
            (report.online_count_stated, "online"),
            (report.physical_count_stated, "physical"),
        )
        if count is not None
    ]
    lines = []
    if report.published_on:
        lines.append(f"Published {report.publication_date_display} by {report.publisher}.")
    if counts:
        lines.append(f"It lists {' and '.join(counts)}.")
    return Entry(
        title=str(report),
        link=report.get_absolute_url(),
        description=html_paragraphs(" ".join(lines), report.issue_focus, report.summary),
        published=as_datetime(report.published_on) if report.published_on else report.created_at,
        updated=report.updated_at,
        author=report.publisher,
    )


def newest_first(entries):
    return sorted(entries, key=lambda entry: entry.published, reverse=True)[:FEED_LENGTH]


def published_listings():
    """Published listings with what an entry needs, histories included, in few queries."""
    return Listing.objects.published().with_market_listings().select_related("report")


def published_articles():
    return (
        Article.objects.published()
        .select_related("outlet", "republishes")
        .order_by(F("published_on").desc(nulls_last=True), "-created_at")
    )


class EntryFeed(Feed):
    """A feed of `Entry` objects, in Atom."""

    feed_type = Atom1Feed

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.link

    def item_description(self, item):
        return item.description

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return item.author or None


class LatestCoverageFeed(EntryFeed):
    title = "Notorious: new coverage"
    subtitle = "Press coverage of USTR's Review of Notorious Markets, newest first."

    def link(self):
        return reverse("press:list")

    def items(self):
        return [article_entry(article) for article in published_articles()[:FEED_LENGTH]]


class NewEditionsFeed(EntryFeed):
    title = "Notorious: new editions"
    subtitle = "Each edition of USTR's Review of Notorious Markets for Counterfeiting and Piracy."

    def link(self):
        return reverse("reports:list")

    def items(self):
        reports = Report.objects.published().order_by("-year")[:FEED_LENGTH]
        return newest_first(report_entry(report) for report in reports)


class MarketFeed(EntryFeed):
    """Coverage about one market and every edition that names it."""

    def get_object(self, request, slug):
        return get_object_or_404(Market.objects.published(), slug=slug)

    def title(self, market):
        return f"Notorious: {market.name}"

    def subtitle(self, market):
        return f"Coverage of {market.name} and each review that names it."

    def link(self, market):
        return market.get_absolute_url()

    def items(self, market):
        record = Report.objects.edition_record()
        listings = published_listings().filter(market=market)[:FEED_LENGTH]
        articles = published_articles().filter(markets=market)[:FEED_LENGTH]
        return newest_first(
            [listing_entry(listing, record) for listing in listings]
            + [article_entry(article) for article in articles]
        )


class CompanyFeed(EntryFeed):
    """Coverage about a company or its markets, and each edition naming one of them."""

    def get_object(self, request, slug):
        return get_object_or_404(Company.objects.published(), slug=slug)

    def title(self, company):
        return f"Notorious: {company.name}"

    def subtitle(self, company):
        return (
            f"Coverage of {company.name} and the markets it operates, and each review "
            "that names one of them."
        )

    def link(self, company):
        return company.get_absolute_url()

    def items(self, company):
        family = company.family_ids()
        record = Report.objects.edition_record()
        listings = published_listings().filter(market__operator_id__in=family)[:FEED_LENGTH]
        articles = published_articles().about_company(company)[:FEED_LENGTH]
        return newest_first(
            [listing_entry(listing, record) for listing in listings]
            + [article_entry(article) for article in articles]
        )


app_name = "feeds"
urlpatterns = [
    path("coverage/", LatestCoverageFeed(), name="coverage"),
    path("editions/", NewEditionsFeed(), name="editions"),
    path("markets/<slug:slug>/", MarketFeed(), name="market"),
    path("companies/<slug:slug>/", CompanyFeed(), name="company"),
]
