"""Filters for lists of coverage and outlets, shared by the HTML pages and the API."""

import functools

import django_filters
from django.conf import settings
from django.db.models import Q
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from notorious.companies.models import Company
from notorious.core.filters import (
    ChoiceFilter,
    FilterForm,
    PublishedChoiceFilter,
    PublishedLookupFilter,
)
from notorious.markets.models import Market
from notorious.reports.models import Report

from .models import Article, Outlet


def article_year_choices():
    """The years some published article came out in, newest first."""
    return [(str(year), str(year)) for year in Article.objects.publication_years()]


class ArticleFilter(django_filters.FilterSet):
    """Coverage by words in the headline, outlet, language, date, and what it is about."""

    q = django_filters.CharFilter(
        label="Words", method="filter_words", help_text="Part of the headline or summary."
    )
    outlet = PublishedChoiceFilter(
        Outlet,
        method="filter_outlet",
        help_text="An outlet's slug: its articles and its stories republished elsewhere.",
    )
    language = ChoiceFilter(choices=settings.LANGUAGES)
    since = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", label="From", help_text="YYYY-MM-DD."
    )
    until = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", label="To", help_text="YYYY-MM-DD."
    )
    market = PublishedLookupFilter(
        Market,
        "markets",
        field_name="markets",
        method="filter_market",
        help_text="A market's slug: coverage about it.",
    )
    company = PublishedLookupFilter(
        Company,
        "companies",
        field_name="companies",
        method="filter_company",
        help_text="A company's slug: coverage of it, its subsidiaries or the markets they operate.",
    )
    year = ChoiceFilter(
        label="Year published",
        choices=article_year_choices,
        method="filter_year",
        help_text="The year the article came out, e.g. 2022.",
    )
    report = PublishedChoiceFilter(
        Report,
        to_field_name="year",
        label="Edition",
        field_name="reports",
        help_text="The year an edition reviews: coverage of that edition.",
    )

    class Meta:
        form = FilterForm
        model = Article
        fields = [
            "q",
            "outlet",
            "language",
            "since",
            "until",
            "year",
            "market",
            "company",
            "report",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years are read when first needed (checking a year asked for, writing the
        # select, naming the filters applied), then kept for this request: not one query each.
        year = self.filters["year"]
        year.extra["choices"] = functools.cache(article_year_choices)
        # A field built before (the API schema reads the class's filters, and this copy
        # keeps what they built) would hold the uncached choices: build it again.
        year.__dict__.pop("_field", None)

    def filter_words(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        return queryset.filter(Q(headline__icontains=value) | Q(summary__icontains=value))

    def filter_outlet(self, queryset, name, outlet):
        if not outlet:
            return queryset
        return queryset.filter(Q(outlet=outlet) | Q(republishes=outlet))

    @extend_schema_field(OpenApiTypes.INT)  # the API schema: a year, not a free string
    def filter_year(self, queryset, name, year):
        return queryset.filter(published_on__year=int(year))

    def filter_market(self, queryset, name, market):
        return queryset.about_market(market) if market else queryset

    def filter_company(self, queryset, name, company):
        return queryset.about_company(company) if company else queryset


class OutletFilter(django_filters.FilterSet):
    """Outlets by name, country and language."""

    q = django_filters.CharFilter(
        label="Name", method="filter_name", help_text="Part of a name or alias."
    )
    country = ChoiceFilter(
        choices=lambda: list(countries), help_text="ISO 3166 alpha-2 code, e.g. TW."
    )
    language = ChoiceFilter(choices=settings.LANGUAGES)

    class Meta:
        form = FilterForm
        model = Outlet
        fields = ["q", "country", "language"]

    def filter_name(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(aliases__icontains=value))
