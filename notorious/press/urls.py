from django.urls import path

from . import views

app_name = "press"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("outlets/", views.OutletListView.as_view(), name="outlets"),
    path("outlets/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
]
