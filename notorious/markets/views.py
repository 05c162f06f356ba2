from notorious.api import views as api
from notorious.api.downloads import DownloadMixin, chunks_in_order
from notorious.core.citation import Citation
from notorious.core.models import if_published
from notorious.core.paging import Shortlist, coverage_url
from notorious.core.views import FilteredListView, PublishedDetailView
from notorious.figures.models import Figure
from notorious.reports.models import Report

from .filters import MarketFilter
from .models import Market


class MarketListView(DownloadMixin, FilteredListView):
    """`/markets/`: every published market, filtered, sorted and paginated from the URL."""

    model = Market
    filterset_class = MarketFilter
    paginate_by = 50
    download_viewset = api.MarketViewSet
    download_filename = "notorious-markets"

    def get_base_queryset(self):
        return Market.objects.published().select_related("operator").with_history_listings()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.filterset.edition_record  # read once, with the status filters
        edition = self.filterset.status_edition if not self.filter_problems else None
        status_year = edition.year if edition else None
        rows = []
        for market in context["object_list"]:
            market.history = market.listing_history(record)
            rows.append((market, market.history.cell_in(status_year) if status_year else None))
        # Statuses shown that are not facts, and why: (label, section, what is missing).
        status_notes = sorted(
            {
                (
                    cell.label,
                    market.kind,
                    record.unconfirmed_because(status_year, market.kind, cell.status),
                )
                for market, cell in rows
                if cell and cell.listed and not cell.confirmed
            }
        )
        context.update(
            rows=rows,
            status_year=status_year,
            status_notes=status_notes,
            edition_count=len(record.years),
        )
        return context


class MarketDetailView(PublishedDetailView):
    """`/markets/<slug>/`: a market's profile, listing timeline, listings, coverage, figures."""

    model = Market

    def get_queryset(self):
        return super().get_queryset().select_related("operator__parent").with_listings()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        market = self.object
        record = Report.objects.edition_record()
        # The record holds the published editions: no second query for them.
        reports = {report.year: report for report in record.editions}
        history = market.listing_history(record)
        listings = sorted(market.listings.all(), key=lambda listing: -listing.report.year)
        operator = if_published(market.operator)
        operator_chain = [operator, *operator.published_parent_chain] if operator else []
        latest = reports[history.latest_edition] if history.latest_edition else None
        # The page shows the market and its published listings: the latest change to any.
        last_changed = max([market.updated_at, *(listing.updated_at for listing in listings)])
        context.update(
            history=history,
            # A year with no edition on record has no edition page to link to.
            cells=[(cell, reports.get(cell.year)) for cell in history.cells()],
            listing_rows=[(listing, history.cell_in(listing.report.year)) for listing in listings],
            operator_chain=operator_chain,
            latest=latest,
            last_listed=reports.get(history.last_year),
            first_listed=reports.get(history.first_year),
            coverage=Shortlist(
                market.articles.published().newest_first().select_related("outlet", "republishes"),
                coverage_url(market=market.slug),
            ),
            figures=Figure.objects.published().for_market(market).for_lists(),
            citation=Citation.for_page(self.request, market, last_changed),
        )
        return context


class MarketGridView(MarketListView):
    """`/grid/`: the whole record at a glance, every market (rows, filtered and sorted as on
    `/markets/`) against every year of the record (columns), each cell the market's state in
    that edition by the history's rules. `?format=csv|json` gives the same grid, every row
    the filters select."""

    template_name = "markets/market_grid.html"
    download_filename = "notorious-grid"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.filterset.edition_record
        context["years"] = [(year, record.has_edition(year)) for year in record.span]
        return context

    def get_download_columns(self, context):
        years = [str(year) for year in self.filterset.edition_record.span]
        return [*GRID_COLUMNS, *years]

    def get_download_rows(self, pks, context):
        record = self.filterset.edition_record
        for markets in chunks_in_order(self.get_base_queryset(), pks):
            for market in markets:
                yield grid_row(market, market.listing_history(record))


GRID_COLUMNS = ["market", "slug", "kind", "category", "country", "operator"]


def grid_row(market, history):
    """One market's row of the grid download: what it is, then each year's state in the
    words of the page (`Cell.label`: "New", "Not listed", "Not entered"...)."""
    operator = if_published(market.operator)
    return {
        "market": market.name,
        "slug": market.slug,
        "kind": market.get_kind_display(),
        "category": market.category_label,
        "country": market.country.name if market.country else "",
        "operator": operator.name if operator else "",
        **{str(cell.year): cell.label for cell in history.cells()},
    }
