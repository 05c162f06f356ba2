from django.db.models import Count, Q

from notorious.api import views as api
from notorious.api.downloads import DownloadMixin
from notorious.core.citation import Citation
from notorious.core.paging import Shortlist, coverage_url
from notorious.core.views import FilteredListView, PublishedDetailView
from notorious.figures.models import Figure
from notorious.markets.history import NOT_ENTERED
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Report

from .filters import CompanyFilter
from .models import Company


class CompanyListView(DownloadMixin, FilteredListView):
    """`/companies/`: published companies, with their owner and how many markets they run."""

    model = Company
    filterset_class = CompanyFilter
    paginate_by = 100
    download_viewset = api.CompanyViewSet
    download_filename = "notorious-companies"

    def get_base_queryset(self):
        return (
            Company.objects.published()
            .select_related("parent")
            .annotate(
                market_count=Count("markets", filter=Q(markets__is_published=True), distinct=True),
                subsidiary_count=Count(
                    "subsidiaries", filter=Q(subsidiaries__is_published=True), distinct=True
                ),
            )
            .order_by("name", "pk")  # aggregates drop the default ordering
        )


class CompanyDetailView(PublishedDetailView):
    """`/companies/<slug>/`: owners, subsidiaries, every market in the group, coverage,
    figures."""

    model = Company

    def get_queryset(self):
        return super().get_queryset().select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        company = self.object
        record = Report.objects.edition_record()
        markets = list(
            Market.objects.published()
            .for_company(company)
            .select_related("operator")
            .with_listings()
        )
        for market in markets:
            market.history = market.listing_history(record)
        context.update(
            parent_chain=company.published_parent_chain,
            subsidiaries=company.subsidiaries.published(),
            markets=markets,
            markets_in_latest=sum(market.history.in_latest_edition for market in markets),
            # Not among the latest edition's entered listings, its section being incomplete.
            markets_not_entered_latest=sum(
                market.history.latest_state == NOT_ENTERED for market in markets
            ),
            coverage=Shortlist(
                Article.objects.published()
                .about_company(company)
                .newest_first()
                .select_related("outlet", "republishes"),
                coverage_url(company=company.slug),
            ),
            figures=Figure.objects.published().for_company(company).for_lists(),
            citation=Citation.for_page(self.request, company),
        )
        return context
