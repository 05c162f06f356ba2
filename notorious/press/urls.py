from django.urls import path

from . import views

app_name = "press"

urlpatterns = [
    path("outlets/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
]
