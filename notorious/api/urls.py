from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

# Swagger UI's page has one inline script and style (carrying the CSP nonce, see
# templates/drf_spectacular/swagger_ui.html) and its stylesheet embeds data: images; only this
# page's policy allows them.
docs_view = csp_update({"script-src": [NONCE], "style-src": [NONCE], "img-src": ["data:"]})(
    SpectacularSwaggerView.as_view(url_name="api:schema")
)

router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False
router.register("markets", views.MarketViewSet, basename="market")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("reports", views.ReportViewSet, basename="report")
router.register("listings", views.ListingViewSet, basename="listing")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("figures", views.FigureViewSet, basename="figure")
router.register("corrections", views.CorrectionViewSet, basename="correction")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    path(
        "listings/<int:year>/<slug:market>/",
        views.ListingDetailView.as_view(),
        name="listing-detail",
    ),
    *router.urls,
]
