from django.urls import path

from . import views

urlpatterns = [
    path("", views.ChartsView.as_view(), name="charts"),
    path("<slug:name>.<str:extension>", views.chart_image, name="chart"),
    path("companies/<slug:slug>.<str:extension>", views.company_chart_image, name="chart-company"),
]
