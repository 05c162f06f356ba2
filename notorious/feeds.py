"""Atom feeds, so a reader can follow new coverage, new editions, one market or one company.

Every feed holds published entries only. A market's feed carries the coverage about it,
each edition that names it and each that drops it; a company's feed does the same for every
market it operates directly or through its published subsidiaries, plus the coverage about
the company.

What an entry says of a listing follows `markets.history`: new, continuing, returning and
dropped are stated only when confirmed (the editions they rest on are complete for the
market's section); otherwise the entry says what is known ("first entered") and why no more.
An edition's entry says when a section is not fully entered.

Every feed is valid Atom (RFC 4287): the site is the feed's author and the author of the
entries it writes (editions, listings, drops); coverage is credited to its outlet, else its
writer, else the site. Ids and links are built on SITE_URL, so they do not change with the
host or scheme a request came by. Dates are only those on record: an entry whose date is
not known has no `published`, and its `updated` is its last change. Each feed answers with
an `ETag` and `Last-Modified`, and with 304 Not Modified to a reader that already has it.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.http import parse_http_date_safe, quote_etag

from notorious.companies.models import Company
from notorious.core.models import if_published
from notorious.core.sharing import SITE_NAME, absolute_url
from notorious.markets.history import CONFIRMED_LABELS, NEW
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Listing, Publication, Report

FEED_LENGTH = 50


def as_datetime(day):
    """A feed needs instants; a date on record becomes midnight UTC of that day."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def html_paragraphs(*texts):
    """Plain editor text as escaped HTML paragraphs (Atom summaries are typed as HTML)."""
    return "".join(linebreaks(text, autoescape=True) for text in texts if text)


def review_place(report):
    """Where an edition's entries sort when its publication date is not on record: the
    start of the year after the one it reviews, as a review is published after its year
    ends. Only for ordering: the entry states no date it does not have."""
    return as_datetime(datetime.date(report.year + 1, 1, 1))


@dataclass
class Entry:
    """One feed entry, whatever it came from. `published` is None when no date is on record;
    `place` is where such an entry sorts (None: after every dated entry)."""

    title: str
    link: str
    description: str
    published: datetime.datetime | None
    updated: datetime.datetime
    author: str = ""
    place: datetime.datetime | None = None

    @property
    def sort_key(self):
        place = self.published or self.place
        return (place is not None, place or self.updated, self.updated)


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
        published=as_datetime(article.published_on) if article.published_on else None,
        updated=article.updated_at,
        author=outlet.name if outlet else article.author,
    )


def edition_name(report):
    """How an entry names an edition: its title in quotes when known, else its year and
    what it was published as (the site makes up no title)."""
    if report.title:
        return f"“{report.title}”"
    return f"the {report.year} edition ({report.get_publication_display()})"


def status_title(status, confirmed):
    """What a listing entry's title adds about its status: only what is known."""
    if confirmed and status in CONFIRMED_LABELS:
        return f" ({status})"
    if status == NEW:
        return " (first entered; earlier editions are incomplete)"
    return ""  # LISTED: continuing or returning, not known


def status_explanation(market, history, year):
    """Why an unconfirmed status is not stated as a fact; empty when it is confirmed."""
    status, confirmed = history.status_in(year)
    if confirmed:
        return ""
    because = history.record.unconfirmed_because(year, market.kind, status)
    if status == NEW:
        return (
            f"This is the first listing of {market.name} entered here; it may not be its "
            f"first: {because}."
        )
    return (
        f"Whether it was also named in the {year - 1} review (continuing) or not (returning) "
        f"is not known: {because}."
    )


def listing_entry(listing, record):
    report, market = listing.report, listing.market
    history = market.listing_history(record)
    title = f"{market.name} named in the {report.year} review"
    title += status_title(*history.status_in(report.year))
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
            f"{edition_name(report)}. {published_line}".strip(),
            status_explanation(market, history, report.year),
            listing.reasons,
        ),
        published=as_datetime(report.published_on) if report.published_on else None,
        updated=max(listing.updated_at, report.updated_at),
        place=review_place(report),
    )


def dropped_entry(market, report):
    """A market named the year before `report` and, its section of `report` being complete,
    not named in it (see `dropped_entries`)."""
    section = market.get_kind_display().lower()
    return Entry(
        title=f"{market.name} not named in the {report.year} review (dropped)",
        # The market's page, with a fragment per year: an Atom entry's id is its link.
        link=f"{market.get_absolute_url()}#dropped-{report.year}",
        description=html_paragraphs(
            f"Named in the {report.year - 1} review, {market.name} is not among the {section} "
            f"markets of {edition_name(report)}, all of which are entered here."
        ),
        published=as_datetime(report.published_on) if report.published_on else None,
        updated=max(market.updated_at, report.updated_at),
        place=review_place(report),
    )


def dropped_entries(markets, record):
    """An entry for each edition that dropped one of `markets` (listings prefetched, see
    `MarketQuerySet.with_listings`). A drop is stated only when confirmed: while the
    edition's section is incomplete, the market may yet be among its listings."""
    drops = [
        (market, year)
        for market in markets
        for year in record.years
        if market.listing_history(record).dropped_in(year) == (True, True)
    ]
    years = {year for _, year in drops}
    reports = Report.objects.published().in_bulk(years, field_name="year")
    return [dropped_entry(market, reports[year]) for market, year in drops]


def report_entry(report):
    """An edition (annotated `with_entered_counts`): its stated counts and, for each
    section not fully entered, how much of it is."""
    counts = [
        f"{count:,} {kind} market{'' if count == 1 else 's'}"
        for count, kind in (
            (report.online_count_stated, "online"),
            (report.physical_count_stated, "physical"),
        )
        if count is not None
    ]
    published = (
        f"Published {report.publication_date_display}" if report.published_on else "Published"
    )
    if report.publication == Publication.SPECIAL_301:
        lines = [f"{published} by {report.publisher}, as part of the Special 301 Report."]
    else:
        lines = [f"{published} by {report.publisher} as the {report.get_publication_display()}."]
    if counts:
        lines.append(f"It lists {' and '.join(counts)}.")
    missing = [section.missing_text for section in report.sections if not section.complete]
    if missing:
        lines.append("Not every listing is entered here yet:")
        lines += [f"{text}." for text in missing]
    note = f"On completeness: {report.completeness_note}" if report.completeness_note else ""
    return Entry(
        title=str(report),
        link=report.get_absolute_url(),
        description=html_paragraphs(" ".join(lines), note, report.issue_focus, report.summary),
        published=as_datetime(report.published_on) if report.published_on else None,
        updated=report.updated_at,
        place=review_place(report),
    )


def newest_first(entries):
    """Dated entries newest first (an undated edition at its `review_place`), then the
    entries with no date at all, most recently changed first."""
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)[:FEED_LENGTH]


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
    """A feed of `Entry` objects, in Atom, with absolute addresses on SITE_URL (Django's
    Feed leaves an absolute address as it is instead of prefixing the request's host)."""

    feed_type = Atom1Feed
    author_name = SITE_NAME

    def __call__(self, request, *args, **kwargs):
        """The feed, or 304 Not Modified when the reader's `If-None-Match` or
        `If-Modified-Since` says it has this version. The ETag is the feed's own digest, so
        any change to it is a new version; Last-Modified (set by Django) is its entries'
        latest `updated`, which an entry's unpublishing does not move: a reader sending both
        is judged by the ETag (RFC 9110 13.2.2), as feed readers do."""
        response = super().__call__(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )

    def author_link(self):
        return absolute_url("/")

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return absolute_url(item.link)

    def item_description(self, item):
        return item.description

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return item.author or SITE_NAME


class LatestCoverageFeed(EntryFeed):
    title = "Notorious: new coverage"
    subtitle = "Press coverage of USTR's Review of Notorious Markets, newest first."

    def link(self):
        return absolute_url(reverse("press:list"))

    def feed_url(self):
        return absolute_url(reverse("feeds:coverage"))

    def items(self):
        return [article_entry(article) for article in published_articles()[:FEED_LENGTH]]


class NewEditionsFeed(EntryFeed):
    title = "Notorious: new editions"
    subtitle = (
        "Each edition of USTR's notorious-markets list (since the 2019 review, the Review of "
        "Notorious Markets for Counterfeiting and Piracy)."
    )

    def link(self):
        return absolute_url(reverse("reports:list"))

    def feed_url(self):
        return absolute_url(reverse("feeds:editions"))

    def items(self):
        reports = Report.objects.published().with_entered_counts().order_by("-year")
        reports = reports[:FEED_LENGTH]
        return newest_first(report_entry(report) for report in reports)


class MarketFeed(EntryFeed):
    """Coverage about one market, every edition that names it and each that drops it."""

    def get_object(self, request, slug):
        return get_object_or_404(Market.objects.published(), slug=slug)

    def title(self, market):
        return f"Notorious: {market.name}"

    def subtitle(self, market):
        return f"Coverage of {market.name} and each review that names or drops it."

    def link(self, market):
        return absolute_url(market.get_absolute_url())

    def feed_url(self, market):
        return absolute_url(reverse("feeds:market", kwargs={"slug": market.slug}))

    def items(self, market):
        record = Report.objects.edition_record()
        listings = published_listings().filter(market=market)[:FEED_LENGTH]
        articles = published_articles().filter(markets=market)[:FEED_LENGTH]
        return newest_first(
            [listing_entry(listing, record) for listing in listings]
            + dropped_entries(Market.objects.filter(pk=market.pk).with_listings(), record)
            + [article_entry(article) for article in articles]
        )


class CompanyFeed(EntryFeed):
    """Coverage about a company or its markets, and each edition naming or dropping one."""

    def get_object(self, request, slug):
        return get_object_or_404(Company.objects.published(), slug=slug)

    def title(self, company):
        return f"Notorious: {company.name}"

    def subtitle(self, company):
        return (
            f"Coverage of {company.name} and the markets it operates, and each review "
            "that names or drops one of them."
        )

    def link(self, company):
        return absolute_url(company.get_absolute_url())

    def feed_url(self, company):
        return absolute_url(reverse("feeds:company", kwargs={"slug": company.slug}))

    def items(self, company):
        family = company.family_ids()
        record = Report.objects.edition_record()
        listings = published_listings().filter(market__operator_id__in=family)[:FEED_LENGTH]
        markets = Market.objects.published().filter(operator_id__in=family).with_listings()
        articles = published_articles().about_company(company)[:FEED_LENGTH]
        return newest_first(
            [listing_entry(listing, record) for listing in listings]
            + dropped_entries(markets, record)
            + [article_entry(article) for article in articles]
        )


app_name = "feeds"
urlpatterns = [
    path("coverage/", LatestCoverageFeed(), name="coverage"),
    path("editions/", NewEditionsFeed(), name="editions"),
    path("markets/<slug:slug>/", MarketFeed(), name="market"),
    path("companies/<slug:slug>/", CompanyFeed(), name="company"),
]
