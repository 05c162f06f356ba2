"""Filters for lists of figures, shared by the HTML pages and the API."""

import django_filters

from notorious.core.filters import PublishedChoiceFilter, PublishedLookupFilter, WholeNumberFilter
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import FIRST_YEAR, LAST_YEAR, Report

from .models import Figure


class FigureFilter(django_filters.FilterSet):
    """Figures by the year they are about, their source, and the market they are about."""

    year = WholeNumberFilter(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text="The year a figure is about."
    )
    report = PublishedChoiceFilter(
        Report,
        to_field_name="year",
        label="Source edition",
        field_name="source_report",
        help_text="The year of the edition that states it.",
    )
    article = PublishedLookupFilter(
        Article,
        None,
        label="Source article",
        field_name="source_article",
        help_text="The slug of the article that reports it.",
    )
    market = PublishedLookupFilter(
        Market,
        "markets",
        field_name="market",
        method="filter_market",
        help_text="A market's slug: figures about the market or the companies behind it.",
    )

    class Meta:
        model = Figure
        fields = ["year", "report", "article", "market"]

    def filter_market(self, queryset, name, market):
        return queryset.for_market(market) if market else queryset
