"""Filters for lists of markets, shared by the HTML list page and the API."""

import django_filters
from django.db.models import Q
from django_countries import countries

from notorious.companies.models import Company
from notorious.reports.models import Report

from .models import Category, Kind, Market


def published_companies(request):
    return Company.objects.published()


def published_reports(request):
    return Report.objects.published()


class MarketFilter(django_filters.FilterSet):
    """Markets by name, kind, category, country, operating company and edition.

    `company` takes a company's slug and selects the markets it operates directly or
    through any of its subsidiaries; `year` selects the markets named in that edition.
    """

    q = django_filters.CharFilter(
        label="Name", method="filter_name", help_text="Part of a name, alias or domain."
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, help_text="Online or physical.")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    country = django_filters.ChoiceFilter(
        choices=lambda: list(countries), help_text="ISO 3166 alpha-2 code, e.g. CN."
    )
    company = django_filters.ModelChoiceFilter(
        label="Company",
        queryset=published_companies,
        to_field_name="slug",
        method="filter_company",
        help_text="A company's slug: its markets and those of its subsidiaries.",
    )
    year = django_filters.ModelChoiceFilter(
        label="Listed in",
        queryset=published_reports,
        to_field_name="year",
        method="filter_year",
        help_text="The year an edition reviews: the markets it names.",
    )

    class Meta:
        model = Market
        fields = ["q", "kind", "category", "country", "company", "year"]

    def filter_name(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(aliases__icontains=value) | Q(domains__icontains=value)
        )

    def filter_company(self, queryset, name, company):
        return queryset.for_company(company) if company else queryset

    def filter_year(self, queryset, name, report):
        if not report:
            return queryset
        # Only listings readers may see: a draft listing does not name a market yet.
        return queryset.filter(pk__in=report.listings.published().values("market_id"))
