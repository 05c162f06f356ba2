from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markets/", include("notorious.markets.urls")),
    path("companies/", include("notorious.companies.urls")),
    path("reports/", include("notorious.reports.urls")),
    path("coverage/", include("notorious.press.urls")),
    path("figures/", include("notorious.figures.urls")),
    path("api/", include("notorious.api.urls")),
]
