"""`sitemap.xml`: the list pages, every published entry with a page of its own, and each
edition's changes page. Addresses are on SITE_URL, whatever host the request named."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from notorious.companies.models import Company
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Report

# URL names of the pages that list or gather entries, most important first.
LIST_PAGES = [
    "home",
    "markets:list",
    "reports:list",
    "companies:list",
    "press:list",
    "timeline",
    "timeline_events",
    "charts",
    "grid",
    "press:outlets",
    "corrections",
]


class SiteUrlSitemap(Sitemap):
    """A sitemap whose URLs start with SITE_URL (its scheme, host and any path prefix)."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path


class ListPagesSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return LIST_PAGES

    def location(self, item):
        return reverse(item)


class PublishedSitemap(SiteUrlSitemap):
    """Published entries of one model, with their last change as `lastmod`."""

    changefreq = "monthly"

    def __init__(self, model, priority=0.5):
        self.model = model
        self.priority = priority

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class EditionChangesSitemap(SiteUrlSitemap):
    """`/reports/<year>/changes/` for each published edition with one before it (the first
    has nothing to compare with). No `lastmod`: the page follows two editions and their
    listings, and no single date says when it last changed."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return list(Report.objects.published().order_by("year").values_list("year", flat=True))[1:]

    def location(self, year):
        return reverse("reports:changes", kwargs={"year": year})


SITEMAPS = {
    "pages": ListPagesSitemap(),
    "markets": PublishedSitemap(Market, priority=0.7),
    "companies": PublishedSitemap(Company, priority=0.6),
    "reports": PublishedSitemap(Report, priority=0.7),
    "changes": EditionChangesSitemap(),
    "coverage": PublishedSitemap(Article),
    "outlets": PublishedSitemap(Outlet, priority=0.4),
    "figures": PublishedSitemap(Figure, priority=0.4),
}
