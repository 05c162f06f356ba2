from django.urls import path

from . import views

app_name = "markets"

urlpatterns = [
    path("", views.MarketListView.as_view(), name="list"),
    path("<slug:slug>/", views.MarketDetailView.as_view(), name="detail"),
]
