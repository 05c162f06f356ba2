from notorious.core.views import PublishedDetailView

from .models import Report


class ReportDetailView(PublishedDetailView):
    model = Report
    slug_field = "year"
    slug_url_kwarg = "year"
