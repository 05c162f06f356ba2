from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False
router.register("markets", views.MarketViewSet, basename="market")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("reports", views.ReportViewSet, basename="report")
router.register("listings", views.ListingViewSet, basename="listing")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("figures", views.FigureViewSet, basename="figure")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "listings/<int:year>/<slug:market>/",
        views.ListingDetailView.as_view(),
        name="listing-detail",
    ),
    *router.urls,
]
