"""Filters for lists of companies, shared by the HTML list page and the API."""

import django_filters
from django.db.models import Q
from django_countries import countries

from notorious.core.filters import ChoiceFilter, FilterForm, PublishedLookupFilter

from .models import Company


class CompanyFilter(django_filters.FilterSet):
    """Companies by name, country and owner."""

    q = django_filters.CharFilter(
        label="Name", method="filter_name", help_text="Part of a name or alias."
    )
    country = ChoiceFilter(
        choices=lambda: list(countries), help_text="ISO 3166 alpha-2 code, e.g. CN."
    )
    parent = PublishedLookupFilter(
        Company,
        "companies",
        label="Owned by",
        method="filter_parent",
        help_text="A company's slug: the companies it owns, directly or indirectly.",
    )

    class Meta:
        form = FilterForm
        model = Company
        fields = ["q", "country", "parent"]

    def filter_name(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(aliases__icontains=value))

    def filter_parent(self, queryset, name, company):
        if not company:
            return queryset
        return queryset.filter(pk__in=company.family_ids() - {company.pk})
