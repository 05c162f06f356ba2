"""Filters for lists of markets, shared by the HTML list page and the API."""

from functools import cached_property

import django_filters
from django.db.models import F, Q
from django_countries import countries

from notorious.companies.models import Company
from notorious.core.filters import (
    ChoiceFilter,
    FilterForm,
    PublishedChoiceFilter,
    PublishedLookupFilter,
)
from notorious.reports.models import Report

from .history import LISTED, STATUS_CHOICES
from .models import Category, Kind, Market

# Every status a listing can have (`markets.history`): LISTED is a listing that may be
# continuing or returning, the edition before it being incomplete or not on record.
LISTING_STATUS_CHOICES = [*STATUS_CHOICES, (LISTED, "Listed (continuing or returning: not known)")]
CONFIRMED_CHOICES = [("yes", "Confirmed"), ("no", "Not confirmed")]
# "Not in the latest edition" is a fact only when the market's section of that edition is
# complete; otherwise the market is not entered there, which says nothing either way.
LATEST_CHOICES = [
    ("yes", "In the latest edition"),
    ("no", "Not in the latest edition"),
    ("not_entered", "Not entered in the latest edition (its section is incomplete)"),
]


# The sorts read from each market's listings (`MarketQuerySet.sortable_by_listing_summary`).
SUMMARY_SORTS = {"first_year", "years_listed"}


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorts with empty values (markets never listed) last either way, then by name.

    PostgreSQL sorts NULLs first when descending; this puts them last either way, and
    the tie-break on name keeps pagination stable.
    """

    def filter(self, qs, value):
        ordering = []
        seen = set()
        for param in value or ():
            # The form accepts the empty choice ("Name (A–Z)") as an item, so `sort=,` or
            # `sort=name,,name` arrive here: empty items mean nothing, and only the first
            # mention of a field counts (a repeated one could not change the order).
            name = param.lstrip("-")
            if name not in self.param_map or name in seen:
                continue
            seen.add(name)
            expression = F(self.param_map[name])
            descending = param.startswith("-")
            ordering.append(
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            )
        if not ordering:
            return qs
        if seen & SUMMARY_SORTS and "years_listed" not in qs.query.annotations:
            # Only a sort that asks for them has the listing summary's subqueries built:
            # half a millisecond of Python a request of the lists and the API, which mostly
            # sort by name.
            qs = qs.sortable_by_listing_summary()
        return qs.order_by(*ordering, "name", "pk")


class MarketFilter(django_filters.FilterSet):
    """Markets by name, kind, category, country, operating company and edition.

    `company` takes a company's slug and selects the markets it operates directly or
    through any of its subsidiaries; `year` selects the markets named in that edition.
    """

    q = django_filters.CharFilter(
        label="Name", method="filter_name", help_text="Part of a name, alias or domain."
    )
    kind = ChoiceFilter(choices=Kind.choices, help_text="Online or physical.")
    category = ChoiceFilter(choices=Category.choices)
    country = ChoiceFilter(
        choices=lambda: list(countries), help_text="ISO 3166 alpha-2 code, e.g. CN."
    )
    company = PublishedLookupFilter(
        Company,
        "companies",
        label="Company",
        field_name="operator",
        method="filter_company",
        help_text="A company's slug: its markets and those of its subsidiaries.",
    )
    year = PublishedChoiceFilter(
        Report,
        to_field_name="year",
        label="Listed in",
        field_name="listings__report",
        method="filter_year",
        help_text="The year an edition reviews: the markets it names.",
    )

    status = ChoiceFilter(
        label="Status in that edition",
        choices=LISTING_STATUS_CHOICES,
        method="filter_status",
        help_text="new, continuing, returning, or listed (which of continuing or returning is "
        "not known) in the chosen edition (else the latest). A status may be unconfirmed: "
        "'new' then means first entered, earlier editions being incomplete. Each listing's "
        "and timeline year's `confirmed` flag says which; add confirmed=yes for facts only.",
    )
    confirmed = ChoiceFilter(
        label="Status confirmed",
        choices=CONFIRMED_CHOICES,
        method="filter_confirmed",
        help_text="yes: named in the chosen edition (else the latest) with a status that is a "
        "fact; no: named there, but its status rests on incomplete editions.",
    )
    latest = ChoiceFilter(
        label="Latest edition",
        choices=LATEST_CHOICES,
        method="filter_latest",
        help_text="yes: named in the latest edition; no: not named in it, its section being "
        "complete; not_entered: not among its entered listings, its section being incomplete.",
    )
    sort = NullsLastOrderingFilter(
        label="Sort by",
        empty_label="Name (A–Z)",
        fields=(
            ("name", "name"),
            ("first_year", "first_year"),
            ("years_listed", "years_listed"),
        ),
        field_labels={
            "name": "Name",
            "first_year": "First year entered",
            "years_listed": "Years listed",
        },
        help_text="name, first_year (the first edition with a listing entered) or "
        "years_listed; prefix '-' to reverse.",
    )

    class Meta:
        form = FilterForm
        model = Market
        fields = [
            "q",
            "kind",
            "category",
            "country",
            "company",
            "year",
            "status",
            "confirmed",
            "latest",
        ]

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Market.objects.published()
        # Pages need a stable order: by name, and by key between equal names.
        if not queryset.query.order_by:
            queryset = queryset.order_by("name", "pk")
        super().__init__(data, queryset, **kwargs)

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
        return queryset.listed_in(report) if report else queryset

    def filter_status(self, queryset, name, status):
        return self.named_with(queryset, lambda market_status, confirmed: market_status == status)

    def filter_confirmed(self, queryset, name, value):
        wanted = value == "yes"
        return self.named_with(queryset, lambda market_status, confirmed: confirmed is wanted)

    def named_with(self, queryset, keep):
        """Markets named in the status edition whose (status, confirmed) there `keep`
        accepts, by each one's listing history (`markets.history`): the one rule, so a filter
        never says what a timeline or the API's `confirmed` flag would not."""
        edition = self.status_edition
        if not edition:
            return queryset.none()
        return queryset.with_status_where(edition, self.edition_record, keep)

    def filter_latest(self, queryset, name, value):
        latest = self.edition_record.latest_edition
        if latest is None:
            # No edition: no market is in it, and none is known to be left out of it.
            return queryset.none()
        in_latest = Market.objects.listed_in(latest).values("pk")
        if value == "yes":
            return queryset.filter(pk__in=in_latest)
        complete = [kind for kind in Kind if self.edition_record.is_complete(latest.year, kind)]
        absent = queryset.exclude(pk__in=in_latest)
        if value == "no":
            return absent.filter(kind__in=complete)
        return absent.exclude(kind__in=complete)

    @cached_property
    def edition_record(self):
        """The editions and their completeness, read once (`Report.objects.edition_record`)."""
        return Report.objects.edition_record()

    @cached_property
    def status_edition(self):
        """The edition statuses refer to: the one chosen with `year`, else the latest."""
        report = self.form.cleaned_data.get("year") if self.is_valid() else None
        # The latest published edition, from the record the lists read anyway: no query.
        return report or self.edition_record.latest_edition
