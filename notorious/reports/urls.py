from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("<int:year>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:year>/changes/", views.EditionChangesView.as_view(), name="changes"),
]
