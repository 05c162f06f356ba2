from django.urls import path

from . import views

app_name = "markets"

urlpatterns = [
    path("<slug:slug>/", views.MarketDetailView.as_view(), name="detail"),
]
