from notorious.api import views as api
from notorious.api.downloads import DownloadMixin
from notorious.core.citation import Citation
from notorious.core.paging import Shortlist, coverage_url
from notorious.core.views import FilteredListView, PublishedDetailView
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Report

from .filters import CompanyFilter
from .models import Company

# A company page shows this many of its group's markets with their timelines.
COMPANY_MARKETS = 50


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
            .with_counts()
            .order_by("name", "pk")
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
        family = Market.objects.published().for_company(company)
        counts = family.latest_edition_counts(record)
        # The first markets by name, each with its timeline strip; the markets list
        # filtered by the company has them all.
        markets = family.select_related("operator").with_history_listings().order_by("name", "pk")
        markets = list(markets[:COMPANY_MARKETS])
        for market in markets:
            market.history = market.listing_history(record)
        context.update(
            parent_chain=company.published_parent_chain,
            subsidiaries=company.subsidiaries.published(),
            markets=markets,
            market_count=counts["total"],
            markets_in_latest=counts["in_latest"],
            # Not among the latest edition's entered listings, its section being incomplete.
            markets_not_entered_latest=counts["not_entered"],
            coverage=Shortlist(
                Article.objects.published()
                .about_company(company)
                .newest_first()
                .select_related("outlet", "republishes"),
                coverage_url(company=company.slug),
            ),
            figures=Figure.objects.published().for_company(company).for_lists(),
            citation=Citation.for_page(self.request, company),
            # The company's chart draws from the same record, not a second read of it.
            record=record,
        )
        return context
