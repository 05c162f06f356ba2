from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("<slug:slug>/", views.FigureDetailView.as_view(), name="detail"),
]
