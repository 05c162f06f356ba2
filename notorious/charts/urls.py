from django.urls import path

from . import views

urlpatterns = [
    path("", views.ChartsView.as_view(), name="charts"),
    path("<slug:name>.<str:extension>", views.chart_image, name="chart"),
    path("companies/<slug:slug>.<str:extension>", views.company_chart_image, name="chart-company"),
    path("share/markets/<slug:slug>.png", views.market_share_image, name="share-market"),
    path("share/companies/<slug:slug>.png", views.company_share_image, name="share-company"),
    path("share/reports/<int:year>.png", views.edition_share_image, name="share-edition"),
]
