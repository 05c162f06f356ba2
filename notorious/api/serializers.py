"""Serializers for the read-only API.

Related entities appear by their stable identifiers (slugs; editions by year), and only
when published: a draft operator, outlet or edition is never named.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from notorious.companies.models import Company
from notorious.core.models import if_published
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report


class PublishedManyRelatedField(serializers.ManyRelatedField):
    """A sorted list of the identifiers of the published related entities."""

    def to_representation(self, iterable):
        identifiers = (self.child_relation.to_representation(item) for item in iterable)
        return sorted(identifier for identifier in identifiers if identifier is not None)


class PublishedSlugField(serializers.SlugRelatedField):
    """A related entity's slug (or other identifier), or null when it is missing or a draft."""

    def __init__(self, slug_field="slug", **kwargs):
        kwargs["read_only"] = True
        if not kwargs.get("many"):
            kwargs.setdefault("allow_null", True)
        super().__init__(slug_field=slug_field, **kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return PublishedManyRelatedField(**list_kwargs)

    def to_representation(self, obj):
        entry = if_published(obj)
        return getattr(entry, self.slug_field) if entry else None


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute address of the entity's page on the site."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True, help_text="The entity's page on the site.")
        super().__init__(**kwargs)

    def to_representation(self, obj):
        url = obj.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class CountryMixin(serializers.Serializer):
    country = serializers.CharField(
        source="country.code", read_only=True, help_text="ISO 3166 alpha-2 code, or empty."
    )
    country_name = serializers.CharField(source="country.name", read_only=True)


class AliasesMixin(serializers.Serializer):
    aliases = serializers.ListField(
        source="alias_list",
        child=serializers.CharField(),
        read_only=True,
        help_text="Other names, native-script names included.",
    )


class CompanySerializer(CountryMixin, AliasesMixin, serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:company-detail", lookup_field="slug"
    )
    page_url = PageUrlField()
    parent = PublishedSlugField(help_text="The slug of the company that owns this one.")
    subsidiaries = PublishedSlugField(many=True, help_text="Slugs of the companies it owns.")
    markets = PublishedSlugField(
        many=True, help_text="Slugs of the markets it operates itself (not via subsidiaries)."
    )

    class Meta:
        model = Company
        fields = [
            "slug",
            "name",
            "aliases",
            "country",
            "country_name",
            "parent",
            "subsidiaries",
            "markets",
            "website",
            "description",
            "updated_at",
            "api_url",
            "page_url",
        ]


class MarketSerializer(CountryMixin, AliasesMixin, serializers.ModelSerializer):
    """A market with facts derived from its published listings.

    The view passes `edition_years` (the published editions, once per request) in the
    context and prefetches the listings with their reports, so no query runs per market.
    """

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:market-detail", lookup_field="slug"
    )
    page_url = PageUrlField()
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    domains = serializers.ListField(
        source="domain_list", child=serializers.CharField(), read_only=True
    )
    operator = PublishedSlugField(help_text="The slug of the company that operates it.")
    listed_in = serializers.SerializerMethodField(help_text="Years of the editions naming it.")
    first_year_listed = serializers.SerializerMethodField(
        help_text="The first entered edition naming it (earlier editions may have named it "
        "too when listed_before_first_entry is true)."
    )
    years_listed = serializers.SerializerMethodField(help_text="How many entered editions name it.")
    current_run = serializers.SerializerMethodField(
        help_text="Consecutive editions, up to and including the latest, that name it."
    )
    in_latest_edition = serializers.SerializerMethodField()

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
            "listed_before_first_entry",
            "listed_in",
            "first_year_listed",
            "years_listed",
            "current_run",
            "in_latest_edition",
            "updated_at",
            "api_url",
            "page_url",
        ]

    def history(self, market):
        if not hasattr(market, "_api_history"):
            market._api_history = market.listing_history(self.context["edition_record"])
        return market._api_history

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_listed_in(self, market):
        return list(self.history(market).listed_years)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_first_year_listed(self, market):
        return self.history(market).first_year

    def get_years_listed(self, market) -> int:
        return self.history(market).years_listed

    def get_current_run(self, market) -> int:
        return self.history(market).current_run

    def get_in_latest_edition(self, market) -> bool:
        return self.history(market).in_latest_edition


class ReportSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:report-detail", lookup_field="year"
    )
    page_url = PageUrlField()
    publication_date = serializers.CharField(
        source="publication_date_display",
        read_only=True,
        help_text="The publication date to the precision it is known, e.g. 'February 2022'.",
    )
    # The view annotates them (`ReportQuerySet.with_entered_counts`).
    online_count = serializers.IntegerField(
        source="online_entered",
        read_only=True,
        help_text="Published online listings entered for this edition.",
    )
    physical_count = serializers.IntegerField(
        source="physical_entered",
        read_only=True,
        help_text="Published physical listings entered for this edition.",
    )
    listings_url = serializers.SerializerMethodField(help_text="Its listings in the API.")

    class Meta:
        model = Report
        fields = [
            "year",
            "slug",
            "title",
            "published_on",
            "published_on_precision",
            "publication_date",
            "publisher",
            "source_url",
            "online_count_stated",
            "physical_count_stated",
            "online_count",
            "physical_count",
            "issue_focus",
            "summary",
            "updated_at",
            "listings_url",
            "api_url",
            "page_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_listings_url(self, report):
        url = f"{reverse('api:listing-list')}?year={report.year}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ListingSerializer(serializers.ModelSerializer):
    """One market named in one edition.

    The view prefetches each market's published listings and passes `edition_years`, so
    the status (new, continuing, returning) costs no query per listing.
    """

    year = serializers.IntegerField(source="report.year", read_only=True)
    market = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    market_name = serializers.CharField(source="market.name", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="new, continuing or returning, against the published editions."
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
            "reasons",
            "quotation",
            "quotation_page",
            "updated_at",
            "api_url",
            "page_url",
        ]

    def get_status(self, listing) -> str:
        market = listing.market
        if not hasattr(market, "_api_history"):
            market._api_history = market.listing_history(self.context["edition_record"])
        return market._api_history.status_in(listing.report.year)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, listing):
        url = reverse(
            "api:listing-detail",
            kwargs={"year": listing.report.year, "market": listing.market.slug},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class OutletSerializer(CountryMixin, AliasesMixin, serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:outlet-detail", lookup_field="slug"
    )
    page_url = PageUrlField()

    class Meta:
        model = Outlet
        fields = [
            "slug",
            "name",
            "aliases",
            "country",
            "country_name",
            "language",
            "website",
            "description",
            "updated_at",
            "api_url",
            "page_url",
        ]


class ArticleSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:article-detail", lookup_field="slug"
    )
    page_url = PageUrlField()
    outlet = PublishedSlugField(help_text="The slug of the outlet that published it.")
    republishes = PublishedSlugField(help_text="The slug of the outlet whose story it republishes.")
    cited_outlets = PublishedSlugField(many=True, help_text="Slugs of outlets it cites.")
    markets = PublishedSlugField(many=True, help_text="Slugs of the markets it covers.")
    companies = PublishedSlugField(many=True, help_text="Slugs of the companies it covers.")
    reports = PublishedSlugField(
        slug_field="year", many=True, help_text="Years of the editions it covers."
    )

    class Meta:
        model = Article
        fields = [
            "slug",
            "headline",
            "outlet",
            "republishes",
            "cited_outlets",
            "url",
            "published_on",
            "language",
            "author",
            "summary",
            "markets",
            "companies",
            "reports",
            "updated_at",
            "api_url",
            "page_url",
        ]
        extra_kwargs = {"url": {"help_text": "Where the article was published."}}


class FigureSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:figure-detail", lookup_field="slug"
    )
    page_url = PageUrlField()
    value_display = serializers.CharField(read_only=True)
    source_report = PublishedSlugField(
        slug_field="year", help_text="The year of the edition that states it."
    )
    source_article = PublishedSlugField(help_text="The slug of the article that reports it.")

    class Meta:
        model = Figure
        fields = [
            "slug",
            "value",
            "unit",
            "value_display",
            "measures",
            "year",
            "source_report",
            "source_article",
            "note",
            "updated_at",
            "api_url",
            "page_url",
        ]
