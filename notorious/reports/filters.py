"""Filters for lists of editions and of listings, shared by the HTML pages and the API."""

import django_filters
from django_countries import countries

from notorious.companies.models import Company
from notorious.core.filters import (
    ChoiceFilter,
    PublishedChoiceFilter,
    PublishedLookupFilter,
    WholeNumberFilter,
)
from notorious.markets.models import Category, Kind, Market

from .models import FIRST_YEAR, LAST_YEAR, Listing, Report


class ReportFilter(django_filters.FilterSet):
    """Editions by the years they review."""

    since = WholeNumberFilter(
        field_name="year",
        lookup_expr="gte",
        label="From year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text="Editions reviewing this year or later.",
    )
    until = WholeNumberFilter(
        field_name="year",
        lookup_expr="lte",
        label="To year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text="Editions reviewing this year or earlier.",
    )

    class Meta:
        model = Report
        fields = ["since", "until"]


class ListingFilter(django_filters.FilterSet):
    """Listings by edition, section, and the listed market's category, country and operator."""

    year = PublishedChoiceFilter(
        Report,
        to_field_name="year",
        label="Edition",
        field_name="report",
        help_text="The year an edition reviews.",
    )
    section = ChoiceFilter(choices=Kind.choices, help_text="Online or physical.")
    category = ChoiceFilter(
        field_name="market__category", choices=Category.choices, label="Category"
    )
    country = ChoiceFilter(
        field_name="market__country",
        choices=lambda: list(countries),
        label="Country",
        help_text="ISO 3166 alpha-2 code, e.g. CN.",
    )
    market = PublishedLookupFilter(Market, "markets", help_text="A market's slug.")
    company = PublishedLookupFilter(
        Company,
        "companies",
        label="Company",
        field_name="market__operator",
        method="filter_company",
        help_text="A company's slug: listings of its markets and those of its subsidiaries.",
    )

    class Meta:
        model = Listing
        fields = ["year", "section", "category", "country", "market", "company"]

    def filter_company(self, queryset, name, company):
        if not company:
            return queryset
        return queryset.filter(market__operator_id__in=company.family_ids())
