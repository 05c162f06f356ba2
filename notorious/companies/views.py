from notorious.core.views import PublishedDetailView

from .models import Company


class CompanyDetailView(PublishedDetailView):
    model = Company
