"""Serializers for what the listings say: markets with their listing histories, editions
with how complete each section is, listings with their statuses.

Everything here follows `markets.history`, the one rule pages, feeds and downloads share: a
status is a fact (`confirmed`) only when the editions it rests on are complete for the
market's section, and a year is "not listed" only when that section is complete.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notorious.markets.filters import LISTING_STATUS_CHOICES
from notorious.markets.history import LISTED, NO_EDITION, NOT_ENTERED, NOT_LISTED
from notorious.markets.models import Market
from notorious.reports.models import Listing, Report

from .history_rows import latest_edition_answer, market_history, market_plan, timeline_cell
from .serializers import (
    AliasesMixin,
    CountryMixin,
    ModelSerializer,
    PageUrlField,
    PublishedSlugField,
)

STATE_CHOICES = [
    (LISTED, "Listed: a listing is entered"),
    (NOT_LISTED, "Not listed: the section is complete and does not name it"),
    (NOT_ENTERED, "Not entered: the section is incomplete, so it may or may not be named"),
    (NO_EDITION, "No edition on record for that year"),
]


class SectionSerializer(serializers.Serializer):
    """One section of an edition, from `Report.section_record` (the view annotates the
    entered counts with `ReportQuerySet.with_entered_counts`)."""

    stated = serializers.IntegerField(
        allow_null=True, help_text="How many markets the report says it lists; null if unknown."
    )
    entered = serializers.IntegerField(help_text="How many of its listings are published here.")
    all_entered = serializers.BooleanField(
        help_text="The editors vouch that every listing is entered (see completeness_note)."
    )
    complete = serializers.BooleanField(
        help_text="Every listing is entered (the entered count reaches the stated one, or "
        "all_entered). Only then is a market missing from it known to be not listed."
    )

    def __init__(self, section, **kwargs):
        self.section = section
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, report):
        return super().to_representation(report.section_record(self.section))


class SectionsSerializer(serializers.Serializer):
    online = SectionSerializer("online")
    physical = SectionSerializer("physical")

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)


class TimelineCellSerializer(serializers.Serializer):
    """What may be said of a market in one year (a `markets.history.Cell`)."""

    year = serializers.IntegerField()
    state = serializers.ChoiceField(choices=STATE_CHOICES)
    status = serializers.SerializerMethodField(
        help_text="For a listing: new, continuing, returning, or listed when which is not known."
    )
    confirmed = serializers.SerializerMethodField(
        help_text="For a listing: whether its status is a fact (the editions it rests on are "
        "complete for the market's section). Null for a year without a listing."
    )
    label = serializers.CharField(
        help_text="The year as pages show it: New, Continuing, Returning, First entered "
        "(new as far as the incomplete record shows), Listed, Not listed, Not entered or No "
        "edition on record."
    )

    @extend_schema_field(serializers.ChoiceField(choices=LISTING_STATUS_CHOICES, allow_null=True))
    def get_status(self, cell):
        return cell.status if cell.listed else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_confirmed(self, cell):
        return cell.confirmed if cell.listed else None


class MarketSerializer(CountryMixin, AliasesMixin, ModelSerializer):
    """A market with what its published listings say, against the editions on record.

    The view passes `edition_record` (the editions and their completeness, once per request)
    in the context and prefetches the listings with their reports, so no query runs per
    market. Every derived field follows `markets.history`: a year is "not listed" only when
    that section of that edition is complete, and a status is a fact only when `confirmed`.
    """

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:market-detail", lookup_field="slug"
    )
    page_url = PageUrlField()
    category_label = serializers.CharField(
        read_only=True,
        help_text="The category as pages show it; 'Category not recorded' when category is "
        "empty (no source says what kind of market it is).",
    )
    domains = serializers.ListField(
        source="domain_list", child=serializers.CharField(), read_only=True
    )
    operator = PublishedSlugField(help_text="The slug of the company that operates it.")
    listed_in = serializers.SerializerMethodField(
        help_text="Years of the editions naming it, as entered (see timeline for the years "
        "not entered yet)."
    )
    first_entered_year = serializers.SerializerMethodField(
        help_text="The first edition with a listing of it entered; null if none. Its first "
        "listing only when first_listed_confirmed: earlier, incomplete editions may name it."
    )
    first_listed_confirmed = serializers.SerializerMethodField(
        help_text="Whether first_entered_year is known to be its first listing: every edition "
        "since USTR's first list (2006) is complete for its section, or a source says so."
    )
    years_listed = serializers.SerializerMethodField(
        help_text="How many editions on record have a listing of it entered: at least that "
        "many when the timeline has years not entered or no edition on record."
    )
    current_run = serializers.SerializerMethodField(
        help_text="Consecutive editions, up to and including the latest, with a listing of it "
        "entered: the run may be longer where the timeline has a year not entered."
    )
    latest_state = serializers.SerializerMethodField(
        help_text="What may be said of it in the latest edition (see timeline's state)."
    )
    in_latest_edition = serializers.SerializerMethodField(
        help_text="true: named in the latest edition; false: not named, its section being "
        "complete; null: not known (its section is incomplete), or no edition on record."
    )
    timeline = serializers.SerializerMethodField(
        help_text="One entry per year from the first edition on record to the latest, gaps "
        "included: what may be said of it in each."
    )

    class Meta:
        model = Market
        fields = [
            "slug",
            "name",
            "aliases",
            "kind",
            "category",
            "category_label",
            "country",
            "country_name",
            "city",
            "website",
            "domains",
            "operator",
            "description",
            "listed_in",
            "first_entered_year",
            "first_listed_confirmed",
            "years_listed",
            "current_run",
            "latest_state",
            "in_latest_edition",
            "timeline",
            "updated_at",
            "api_url",
            "page_url",
        ]
        extra_kwargs = {"category": {"help_text": "Empty when no source says (category_label)."}}

    def history(self, market):
        return market_history(market, self.context)

    def to_representation(self, market):
        """What DRF's `to_representation` gives, built in one pass (see `history_rows`)."""
        if not hasattr(self, "_plan"):
            self._plan = market_plan(self)  # once per serializer: the list's child serves all
        history = self.history(market)
        return {name: value(market, history) for name, value in self._plan}

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_listed_in(self, market):
        return list(self.history(market).listed_years)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_first_entered_year(self, market):
        return self.history(market).first_year

    def get_first_listed_confirmed(self, market) -> bool:
        return self.history(market).first_confirmed

    def get_years_listed(self, market) -> int:
        return self.history(market).years_listed

    def get_current_run(self, market) -> int:
        return self.history(market).current_run

    @extend_schema_field(serializers.ChoiceField(choices=STATE_CHOICES))
    def get_latest_state(self, market):
        return self.history(market).latest_state

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_in_latest_edition(self, market):
        return latest_edition_answer(self.history(market))

    @extend_schema_field(TimelineCellSerializer(many=True))
    def get_timeline(self, market):
        return [timeline_cell(cell) for cell in self.history(market).cells()]


class ReportSerializer(ModelSerializer):
    """An edition, with how complete each of its sections is here (the view annotates the
    entered counts with `ReportQuerySet.with_entered_counts`)."""

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:report-detail", lookup_field="year"
    )
    page_url = PageUrlField()
    display_name = serializers.CharField(
        source="__str__",
        read_only=True,
        help_text="How pages name it: its title, or 'The 2013 edition' while the title is "
        "not known.",
    )
    publication_label = serializers.CharField(
        source="get_publication_display",
        read_only=True,
        help_text="What the list was part of or called that year, e.g. 'Special 301 Report'.",
    )
    publication_date = serializers.CharField(
        source="publication_date_display",
        read_only=True,
        help_text="The publication date to the precision it is known, e.g. 'February 2022'.",
    )
    sections = SectionsSerializer(
        help_text="Each section's stated and entered listings and whether it is complete."
    )
    complete = serializers.BooleanField(
        source="is_complete", read_only=True, help_text="Both sections are complete."
    )
    listings_url = serializers.SerializerMethodField(help_text="Its listings in the API.")

    class Meta:
        model = Report
        fields = [
            "year",
            "slug",
            "display_name",
            "title",
            "publication",
            "publication_label",
            "published_on",
            "published_on_precision",
            "publication_date",
            "publisher",
            "source_url",
            "sections",
            "complete",
            "completeness_note",
            "issue_focus",
            "summary",
            "updated_at",
            "listings_url",
            "api_url",
            "page_url",
        ]
        extra_kwargs = {
            "title": {"help_text": "The report's own title, as printed; empty until known."},
            "completeness_note": {
                "help_text": "How the editors know a section marked all_entered is complete."
            },
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_listings_url(self, report):
        url = f"{reverse('api:listing-list')}?year={report.year}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ListingSerializer(ModelSerializer):
    """One market named in one edition.

    The view prefetches each market's published listings and passes `edition_record`, so
    the status costs no query per listing.
    """

    year = serializers.IntegerField(source="report.year", read_only=True)
    market = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    market_name = serializers.CharField(source="market.name", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="new (first named), continuing, returning, or listed (continuing or "
        "returning, not known), against the published editions; a fact only when confirmed."
    )
    confirmed = serializers.SerializerMethodField(
        help_text="Whether status is a fact: the editions it rests on are complete for the "
        "market's section. An unconfirmed 'new' is the first listing entered, earlier "
        "editions being incomplete."
    )
    status_label = serializers.SerializerMethodField(
        help_text="The status as pages show it: New, Continuing, Returning, First entered "
        "or Listed."
    )
    status_note = serializers.SerializerMethodField(
        help_text="Why the status is not confirmed, e.g. 'the 2019 review: 6 of 39 online "
        "markets entered'; empty when it is."
    )
    api_url = serializers.SerializerMethodField()
    page_url = PageUrlField()

    class Meta:
        model = Listing
        fields = [
            "year",
            "market",
            "market_name",
            "section",
            "status",
            "confirmed",
            "status_label",
            "status_note",
            "source_says_first",
            "reasons",
            "quotation",
            "quotation_page",
            "updated_at",
            "api_url",
            "page_url",
        ]
        extra_kwargs = {
            "source_says_first": {
                "help_text": "A source says this is the market's first listing (so it is new "
                "as a fact even while earlier editions are incomplete)."
            }
        }

    def cell(self, listing):
        return market_history(listing.market, self.context).cell_in(listing.report.year)

    @extend_schema_field(serializers.ChoiceField(choices=LISTING_STATUS_CHOICES))
    def get_status(self, listing):
        return self.cell(listing).status

    def get_confirmed(self, listing) -> bool:
        return self.cell(listing).confirmed

    def get_status_label(self, listing) -> str:
        return self.cell(listing).label

    def get_status_note(self, listing) -> str:
        cell = self.cell(listing)
        if cell.confirmed:
            return ""
        history = market_history(listing.market, self.context)
        return history.record.unconfirmed_because(cell.year, history.section, cell.status)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, listing):
        url = reverse(
            "api:listing-detail",
            kwargs={"year": listing.report.year, "market": listing.market.slug},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
