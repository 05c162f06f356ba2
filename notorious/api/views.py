"""The read-only API: published entries only, filtered with the HTML pages' FilterSets."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets

from notorious.companies.filters import CompanyFilter
from notorious.companies.models import Company
from notorious.core.corrections import all_corrections, with_entries
from notorious.core.filters import selects_everything
from notorious.figures.filters import FigureFilter
from notorious.figures.models import Figure
from notorious.markets.filters import MarketFilter
from notorious.markets.models import Market
from notorious.press.article_count import stored_published_count
from notorious.press.filters import ArticleFilter, OutletFilter
from notorious.press.models import Article, Outlet
from notorious.reports.filters import ListingFilter, ReportFilter
from notorious.reports.models import Listing, Report

from . import history_serializers, serializers
from .pagination import FromEitherEndPagination


class EditionRecordMixin:
    """Puts the published editions and their completeness (`Report.objects.edition_record`)
    in the serializer context, read once per request: what listing statuses rest on."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["edition_record"] = Report.objects.edition_record()
        return context


class PageOfIdsFirstMixin:
    """A list counted and ordered on its ids alone, whose page of rows is then read whole.

    Ordering whole rows (joined, annotated, wide) to take 50 costs as much as the list is
    long: the last page of 100,000 listings sorted 80 MB of rows on disk (1.8 s). The page's
    ids come from the narrow query (`ids`); only those rows are read through `get_queryset`,
    with everything the serializer reads, and put back in the page's order. Pages past the
    middle are read from the end (`FromEitherEndPagination`): the order must be total.
    """

    pagination_class = FromEitherEndPagination
    # A function giving the size of the whole list, kept apart from it (or None): the list
    # unfiltered is then not counted (`known_count`).
    stored_count = None

    def known_count(self):
        """The list's size without counting it: the stored count, when the list is the
        whole of it (no filter given) and the count is stored; else None."""
        filterset = getattr(self, "filterset", None)
        if self.stored_count is None or filterset is None:
            return None
        return self.stored_count() if selects_everything(filterset.form) else None

    def ids(self, queryset):
        """The filtered, ordered list as ids: what the paginator counts and slices."""
        return queryset.prefetch_related(None).values_list("pk", flat=True)

    def paginate_queryset(self, queryset):
        ids = super().paginate_queryset(self.ids(queryset))
        if ids is None:
            return None
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]


@extend_schema_view(
    list=extend_schema(summary="List published companies"),
    retrieve=extend_schema(summary="A published company, by slug"),
)
class CompanyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CompanySerializer
    filterset_class = CompanyFilter
    lookup_field = "slug"
    lookup_value_converter = "slug"
    queryset = (
        Company.objects.published()
        .select_related("parent")
        .prefetch_related(
            Prefetch("subsidiaries", queryset=Company.objects.published()),
            Prefetch("markets", queryset=Market.objects.published()),
        )
        .order_by("name", "slug")
    )


# Of a market's operator, the API gives its slug, when it is published (PublishedSlugField).
OPERATOR_COLUMNS_UNREAD = [
    "created_at",
    "updated_at",
    "aliases",
    "aliases_language",
    "country",
    "parent",
    "website",
    "description",
    "search_vector",
]


@extend_schema_view(
    list=extend_schema(summary="List published markets"),
    retrieve=extend_schema(summary="A published market, by slug"),
)
class MarketViewSet(PageOfIdsFirstMixin, EditionRecordMixin, viewsets.ReadOnlyModelViewSet):
    """Markets with their histories: the page's ids first (`PageOfIdsFirstMixin`; page 150
    of 195 sorted 7,500 whole rows, 1.6 s under load), then its markets, each with its
    published listings read as arrays in its own row (`with_history_listings`): no listing
    or edition model is built, and no query runs for the histories."""

    serializer_class = history_serializers.MarketSerializer
    filterset_class = MarketFilter
    lookup_field = "slug"
    lookup_value_converter = "slug"
    queryset = (
        Market.objects.published()
        .select_related("operator")
        # Not read: the search columns (for the search page's index), the market's creation
        # time and all of its operator but the slug and whether it is published, which is
        # what the API gives of it. Each timestamp is parsed for every row read: these cost
        # a page of 50 markets 1.5 ms at 10,000 markets.
        .defer(
            "search_vector",
            "created_at",
            *(f"operator__{name}" for name in OPERATOR_COLUMNS_UNREAD),
        )
        .with_history_listings()
        .order_by("name", "slug")
    )


@extend_schema_view(
    list=extend_schema(summary="List published editions"),
    retrieve=extend_schema(summary="A published edition, by the year it reviews"),
)
class ReportViewSet(PageOfIdsFirstMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = history_serializers.ReportSerializer
    filterset_class = ReportFilter
    lookup_field = "year"
    lookup_value_converter = "int"
    queryset = Report.objects.published().with_entered_counts().order_by("-year")

    def ids(self, queryset):
        # Counted without the entered counts, which join every listing: they are read
        # for the page's editions only.
        return super().ids(self.filter_queryset(Report.objects.published().order_by("-year")))


class ListingQuerysetMixin(EditionRecordMixin):
    serializer_class = history_serializers.ListingSerializer

    def get_queryset(self):
        return (
            Listing.objects.published()
            .with_market_listings()
            .select_related("report")
            .order_by("-report__year", "market__name", "market__slug")
        )


@extend_schema_view(list=extend_schema(summary="List published listings"))
class ListingViewSet(
    PageOfIdsFirstMixin, ListingQuerysetMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    filterset_class = ListingFilter


@extend_schema(summary="A published listing, by edition year and market slug")
class ListingDetailView(ListingQuerysetMixin, generics.RetrieveAPIView):
    filter_backends = []
    pagination_class = None

    def get_object(self):
        return get_object_or_404(
            self.get_queryset(),
            report__year=self.kwargs["year"],
            market__slug=self.kwargs["market"],
        )


@extend_schema_view(
    list=extend_schema(summary="List published outlets"),
    retrieve=extend_schema(summary="A published outlet, by slug"),
)
class OutletViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OutletSerializer
    filterset_class = OutletFilter
    lookup_field = "slug"
    lookup_value_converter = "slug"
    queryset = Outlet.objects.published().order_by("name", "slug")


@extend_schema_view(
    list=extend_schema(summary="List published coverage, newest first"),
    retrieve=extend_schema(summary="A published article, by slug"),
)
class ArticleViewSet(PageOfIdsFirstMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ArticleSerializer
    filterset_class = ArticleFilter
    # All coverage: the stored count (one row), not a count of 200,000 articles (30 ms).
    stored_count = staticmethod(stored_published_count)
    lookup_field = "slug"
    lookup_value_converter = "slug"
    queryset = (
        Article.objects.published()
        .with_published_links()
        .newest_first()
        .order_by(*Article._meta.ordering, "slug")
    )


@extend_schema_view(
    list=extend_schema(summary="List published figures"),
    retrieve=extend_schema(summary="A published figure, by slug"),
)
class FigureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.FigureSerializer
    filterset_class = FigureFilter
    lookup_field = "slug"
    lookup_value_converter = "slug"
    queryset = (
        Figure.objects.published()
        .select_related("source_report", "source_article", "market", "company")
        .order_by("-year", "measures", "slug")
    )


@extend_schema_view(list=extend_schema(summary="List public corrections, newest first"))
class CorrectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Corrections of published entries (see notorious/core/corrections.py): a page is a
    count, a page of rows and one query per kind of entry on it."""

    serializer_class = serializers.CorrectionSerializer
    filter_backends = []

    def get_queryset(self):
        return all_corrections()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else with_entries(page)
