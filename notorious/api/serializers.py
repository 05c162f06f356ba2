"""Serializers for the read-only API.

Related entities appear by their stable identifiers (slugs; editions by year), and only
when published: a draft operator, outlet or edition is never named. Markets, editions and
listings, whose fields rest on the listing histories, are in `history_serializers`.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from notorious.companies.models import Company
from notorious.core.addresses import PLACEHOLDER, SLUG
from notorious.core.country_names import country_code, country_name
from notorious.core.models import if_published
from notorious.core.sharing import absolute_url
from notorious.figures.models import Figure
from notorious.press.models import Article, Outlet


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalURLField(serializers.URLField):
    """A web address, or null when none is recorded: one form for "none", never an empty
    string (which no URI validator takes)."""

    def __init__(self, **kwargs):
        # The API only reads: a blank field is output as null, so it is never "" either.
        kwargs.update(allow_blank=False, allow_null=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class ModelSerializer(serializers.ModelSerializer):
    """DRF's, giving a model's optional URL fields as `OptionalURLField`."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: OptionalURLField,
    }


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


def plain_reader(field):
    """A function giving what `field` (bound to its serializer) gives for an instance, as
    DRF's `Serializer.to_representation` does it (a missing value is null), for a
    serializer that builds its rows in one pass."""
    column = model_column(field)
    if column is not None:
        # A column of the row itself: read as DRF's `get_attribute` would find it, without
        # its general walk (dotted sources, dictionaries, callables, missing relations),
        # which a page of 50 markets took 700 times.
        convert = field.to_representation

        def read_column(instance, *_ignored):
            value = getattr(instance, column)
            return None if value is None else convert(value)

        return read_column

    def read(instance, *_ignored):
        value = field.get_attribute(instance)
        return None if value is None else field.to_representation(value)

    return read


def model_column(field):
    """The attribute `field` reads when its source is one concrete, non-relation column of
    its serializer's model; None otherwise."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or len(field.source_attrs) != 1:
        return None
    if type(field).get_attribute is not serializers.Field.get_attribute:
        return None  # the field reads its value its own way
    try:
        model_field = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    if not model_field.concrete or model_field.is_relation:
        return None
    return model_field.attname


def slug_addresses(serializer, model, names):
    """For address fields (`names`) of `serializer` that depend on an entry's slug alone:
    {name: function giving the field's value for an entry}. Each field gives the address of
    a stand-in entry once (its own reversal and absolute form, for this request); an
    entry's address is that with its slug put in, as `core.addresses.slug_url` does for
    pages. A slug `reverse` might write differently goes through the field itself."""
    stand_in = model(pk=0, slug=PLACEHOLDER)
    readers = {}
    for name in names:
        field = serializer.fields[name]
        before, found, after = str(field.to_representation(stand_in)).partition(PLACEHOLDER)
        if not found or PLACEHOLDER in after:
            readers[name] = plain_reader(field)
            continue

        def read(entry, *_ignored, field=field, before=before, after=after):
            slug = entry.slug
            if SLUG.fullmatch(slug):
                return f"{before}{slug}{after}"
            return field.to_representation(entry)

        readers[name] = read
    return readers


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


class CountryCodeField(serializers.CharField):
    """The code in the entry's country column (`source`), read as `core.country_names
    .country_code` reads it: no `Country` object built for every row."""

    def get_attribute(self, instance):
        return country_code(instance, self.source)


class CountryNameField(CountryCodeField):
    """A country's name, as pages show it (`core.country_names`: not translated anew for
    every row)."""

    def to_representation(self, value):
        return country_name(value)


class CountryMixin(serializers.Serializer):
    country = CountryCodeField(read_only=True, help_text="ISO 3166 alpha-2 code, or empty.")
    country_name = CountryNameField(source="country", read_only=True)


class AliasesMixin(serializers.Serializer):
    aliases = serializers.ListField(
        source="alias_list",
        child=serializers.CharField(),
        read_only=True,
        help_text="Other names, native-script names included.",
    )


class CompanySerializer(CountryMixin, AliasesMixin, ModelSerializer):
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


class OutletSerializer(CountryMixin, AliasesMixin, ModelSerializer):
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


class ArticleSerializer(ModelSerializer):
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


class FigureSerializer(ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:figure-detail", lookup_field="slug"
    )
    page_url = PageUrlField()
    value_display = serializers.CharField(read_only=True)
    source_report = PublishedSlugField(
        slug_field="year", help_text="The year of the edition that states it."
    )
    source_article = PublishedSlugField(help_text="The slug of the article that reports it.")
    market = PublishedSlugField(help_text="For a figure about a market: its slug.")
    company = PublishedSlugField(help_text="For a figure about a company: its slug.")
    countries = serializers.ListField(
        source="country_codes",
        child=serializers.CharField(),
        read_only=True,
        help_text="For a figure about countries or an economy: ISO 3166 alpha-2 codes "
        "(empty for the world economy).",
    )

    class Meta:
        model = Figure
        fields = [
            "slug",
            "value",
            "unit",
            "value_display",
            "measures",
            "year",
            "about",
            "market",
            "company",
            "countries",
            "source_report",
            "source_article",
            "note",
            "updated_at",
            "api_url",
            "page_url",
        ]


class CorrectionSerializer(serializers.Serializer):
    """A public correction: when the corrected version was saved, the editors' note, and
    the entry it corrects (its kind, name and page)."""

    id = serializers.CharField(source="anchor", help_text="Unique, e.g. `correction-market-42`.")
    date = serializers.DateTimeField(help_text="When the corrected version was saved.")
    note = serializers.CharField(help_text="The editors' public note: what was corrected.")
    entry_kind = serializers.ChoiceField(
        source="kind",
        choices=["article", "company", "figure", "listing", "market", "outlet", "report"],
    )
    entry_name = serializers.CharField(source="entry")
    url = serializers.SerializerMethodField(help_text="The note on the entry's public page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, correction):
        return absolute_url(correction.link)
