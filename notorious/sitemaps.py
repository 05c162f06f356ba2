"""`sitemap.xml`: the list pages and every published entry with a page of its own."""

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
    "press:outlets",
]


class ListPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return LIST_PAGES

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    """Published entries of one model, with their last change as `lastmod`."""

    changefreq = "monthly"

    def __init__(self, model, priority=0.5):
        self.model = model
        self.priority = priority

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": ListPagesSitemap(),
    "markets": PublishedSitemap(Market, priority=0.7),
    "companies": PublishedSitemap(Company, priority=0.6),
    "reports": PublishedSitemap(Report, priority=0.7),
    "coverage": PublishedSitemap(Article),
    "outlets": PublishedSitemap(Outlet, priority=0.4),
    "figures": PublishedSitemap(Figure, priority=0.4),
}
