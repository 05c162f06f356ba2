from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from notorious import embeds, feeds
from notorious.core.health import healthz
from notorious.corrections import CorrectionsFeed, CorrectionsView
from notorious.dataset.admin_views import DataChecksView
from notorious.lookup import lookup
from notorious.markets.views import MarketGridView
from notorious.reports.timeline_views import TimelineEventsView, TimelineView
from notorious.reports.views import CompareEditionsView
from notorious.sitemaps import SITEMAPS
from notorious.views import HomeView, RobotsTxtView, SearchView, favicon

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("timeline/", TimelineView.as_view(), name="timeline"),
    path("timeline/events/", TimelineEventsView.as_view(), name="timeline_events"),
    path("compare/", CompareEditionsView.as_view(), name="compare"),
    # Before admin.site.urls, whose catch-all would otherwise take it for an app's page.
    path(
        "admin/data-checks/",
        admin.site.admin_view(DataChecksView.as_view()),
        name="admin_data_checks",
    ),
    path("admin/", admin.site.urls),
    # The cards other sites may frame (notorious/embeds.py), beside their pages.
    path("markets/<slug:slug>/embed/", embeds.MarketEmbedView.as_view(), name="market_embed"),
    path("companies/<slug:slug>/embed/", embeds.CompanyEmbedView.as_view(), name="company_embed"),
    path("oembed/", embeds.oembed, name="oembed"),
    path("markets/", include("notorious.markets.urls")),
    path("companies/", include("notorious.companies.urls")),
    path("reports/", include("notorious.reports.urls")),
    path("coverage/", include("notorious.press.urls")),
    path("figures/", include("notorious.figures.urls")),
    path("charts/", include("notorious.charts.urls")),
    # Not under /markets/, where "grid" could be a market's slug.
    path("grid/", MarketGridView.as_view(), name="grid"),
    path("api/", include("notorious.api.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path("lookup/<slug:kind>/", lookup, name="lookup"),  # filter forms' name suggestions
    path("corrections/", CorrectionsView.as_view(), name="corrections"),
    path("feeds/corrections/", CorrectionsFeed(), name="corrections_feed"),
    path("feeds/", include(feeds)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", RobotsTxtView.as_view(), name="robots"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

# Static error pages with the security headers, safe to render whatever the request holds, and
# JSON problems under /api/ (notorious/core/errors.py).
handler400 = "notorious.core.errors.bad_request"
handler404 = "notorious.core.errors.page_not_found"
handler500 = "notorious.core.errors.server_error"
