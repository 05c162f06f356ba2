from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django_countries.fields import CountryField

from notorious.core.addresses import slug_url
from notorious.core.edit_history import EditHistory
from notorious.core.models import (
    Aliased,
    AliasedQuerySet,
    Publishable,
    split_aliases,
    unique_name_constraint,
)
from notorious.core.search import search_vector_field, search_vector_index

from .history import history_of_listings, status_cases
from .turns import edition_turns


class Kind(models.TextChoices):
    ONLINE = "online", "Online"
    PHYSICAL = "physical", "Physical"


class Category(models.TextChoices):
    ECOMMERCE = "ecommerce", "E-commerce"
    SOCIAL_COMMERCE = "social_commerce", "Social commerce"
    CLOUD_STORAGE = "cloud_storage", "Cloud storage / cyberlocker"
    TORRENT_INDEX = "torrent_index", "Torrent or link index"
    STREAMING = "streaming", "Streaming / IPTV"
    PIRACY_APP = "piracy_app", "Piracy app"
    HOSTING = "hosting", "Hosting"
    PHYSICAL_MARKETPLACE = "physical_marketplace", "Physical marketplace"
    OTHER = "other", "Other"


# What `get_kind_display` (or a listing's `get_section_display`) and
# `get_category_display` give, from dicts made once: those methods rebuild the field's
# choices on every call, and lists built in Python label hundreds of rows.
KIND_LABELS = dict(Kind.choices)
CATEGORY_LABELS = dict(Category.choices)


class MarketQuerySet(AliasedQuerySet):
    """Markets, and the facts their published listings give them.

    A listing joins a market to an edition, so listings and editions live in the reports
    app, a layer above this one: listings are reached through the `listings` relation, and
    methods about an edition take its `Report`. Each listing-derived filter is one subquery,
    so they compose and never run a query per market.
    """

    def for_company(self, company, include_drafts=False):
        """Markets the company operates, directly or through any of its subsidiaries
        (published ones only, unless `include_drafts`: see `CompanyQuerySet.family_ids`)."""
        return self.filter(operator_id__in=company.family_ids(include_drafts=include_drafts))

    def _listings(self):
        """The listings' manager, reached through the relation rather than imported."""
        return self.model._meta.get_field("listings").related_model.objects

    def _listings_of_each(self):
        """Published listings of the market in the outer query, for `Exists` subqueries."""
        return self._listings().published(of="market").filter(market=OuterRef("pk"))

    def with_listings(self):
        """Prefetch each market's published listings with their editions: what
        `Market.listing_history` and the timeline strips read, in one query. In no order
        (a history takes them in any; a page listing them sorts them): the listings' own
        order, by market name, joined every listing to its market for nothing."""
        listings = self._listings().for_histories().order_by()
        return self.prefetch_related(Prefetch("listings", queryset=listings))

    def with_history_listings(self):
        """Annotate what `Market.listing_history` reads of each market's published listings,
        as two arrays in the market's own row: `history_years`, the editions naming it, and
        `history_said_first`, those whose source says the listing is its first.

        For pages that draw histories but not the listings themselves: no listing or edition
        is built as a model (a page of 50 at 10,000 markets built about 1,000) and no second
        query runs. Like the other summaries, the arrays are read only for the rows returned.
        """
        years = self._listings_of_each().order_by().values("report__year")
        return self.annotate(
            history_years=ArraySubquery(years),
            history_said_first=ArraySubquery(years.filter(source_says_first=True)),
        )

    def with_listing_summary(self):
        """Annotate `first_year`, `last_year` and `years_listed` from published listings.

        Each is a subquery on the market's own listings rather than a join and GROUP BY
        over all of them: PostgreSQL then computes them only for the rows it returns (a
        page of 50 is 50 index lookups, not an aggregate of every listing), and a count of
        the markets never reads the listings at all.
        """
        return self.annotate(**self._listing_summary())

    def sortable_by_listing_summary(self):
        """The values of `with_listing_summary` as aliases, to sort and filter by but not
        read: the lists draw each market's history instead (`with_history_listings`), so
        the rows shown do not compute them a second way."""
        return self.alias(**self._listing_summary())

    def _listing_summary(self):
        listings = self._listings_of_each().order_by().values("market")

        def each(aggregate):
            return Subquery(listings.annotate(value=aggregate).values("value"))

        return {
            "first_year": each(Min("report__year")),
            "last_year": each(Max("report__year")),
            "years_listed": Coalesce(each(Count("pk")), 0),
        }

    def latest_edition_counts(self, record):
        """How many of these markets there are, how many the latest edition on `record`
        names (`in_latest`), and how many it does not while their section of it is
        incomplete (`not_entered`: `ListingHistory.latest_state`, counted in SQL). One
        query."""
        latest = record.latest_edition
        if latest is None:
            return {"total": self.count(), "in_latest": 0, "not_entered": 0}
        named = Q(Exists(self._listings_of_each().filter(report=latest)))
        incomplete = [kind for kind in Kind.values if not record.is_complete(latest.year, kind)]
        return self.aggregate(
            total=Count("pk"),
            in_latest=Count("pk", filter=named),
            not_entered=Count("pk", filter=~named & Q(kind__in=incomplete)),
        )

    def listed_in(self, report):
        """Markets that `report`, an edition, names."""
        return self.filter(Exists(self._listings_of_each().filter(report=report)))

    def with_status_in(self, report, status, record):
        """Markets whose listing in `report`, an edition, has `status` (NEW, CONTINUING,
        RETURNING, or LISTED when not known) against `record`
        (`Report.objects.edition_record()`). Whether each is confirmed, its history says."""
        return self.with_status_where(report, record, lambda found, confirmed: found == status)

    def with_status_where(self, report, record, keep):
        """Markets named in `report`, an edition, whose (status, confirmed) there `keep`
        accepts, by `markets.history.compute_history` against `record`: the one rule, so
        a filter never says what a timeline would not. One query, however many markets:
        `history.status_cases` gives the few cases that decide a status, each asked of
        the markets as a subquery on their listings."""
        year = report.year

        def listed(**conditions):
            return Q(Exists(self._listings_of_each().filter(**conditions)))

        # The editions by id, from the record: each question is then an index probe.
        questions = {
            "before": listed(report__in=[e for e in record.editions if e.year == year - 1]),
            "earlier": listed(report__in=[e for e in record.editions if e.year < year - 1]),
            "first_by_source": listed(report=report, source_says_first=True),
        }
        kept = Q(pk__in=[])
        for section in Kind.values:
            for case, (status, confirmed) in status_cases(record, year, section):
                if keep(status, confirmed):
                    condition = Q(kind=section)
                    for name, answer in case.items():
                        condition &= questions[name] if answer else ~questions[name]
                    kept |= condition
        return self.listed_in(report).filter(kept)

    def turns_in(self, report, record):
        """What `report`, an edition, changed: markets new, returning and dropped in it, the
        facts apart from what `record` leaves open (`markets.turns.EditionTurns`), each
        group in name order. Two queries."""
        around = self._listings_of_each().filter(report__year__in=[report.year - 1, report.year])
        markets = self.filter(Exists(around)).with_listings()
        histories = [(market, market.listing_history(record)) for market in markets]
        return edition_turns(record, report.year, histories)

    def dropped_in(self, report, record):
        """Markets named the year before `report` and not listed in it (see
        `ListingHistory.dropped_in`: a fact only when `report`'s section is complete)."""
        if not record.has_edition(report.year - 1):
            return self.none()
        previous = self._listings_of_each().filter(report__year=report.year - 1)
        return self.filter(Exists(previous)).exclude(
            Exists(self._listings_of_each().filter(report=report))
        )


class Market(Aliased, Publishable):
    """An online platform or physical marketplace that USTR's review has named."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Empty when no source says what kind of market it is: pages say "Category not recorded".
    category = models.CharField(max_length=30, choices=Category.choices, blank=True)
    country = CountryField(blank=True)
    city = models.CharField(max_length=100, blank=True, help_text="For physical markets.")
    website = models.URLField(blank=True)
    domains = models.TextField(blank=True, help_text="Domain names it operates, one per line.")
    operator = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="markets",
        help_text="The company that operates it.",
    )
    description = models.TextField(blank=True, help_text="In the editors' own words.")
    # Name and aliases weigh A (search's NamesOnly reads them back), the rest less.
    search_vector = search_vector_field(
        ("name", "A"), ("aliases", "A"), ("domains", "B"), ("description", "C")
    )

    objects = MarketQuerySet.as_manager()
    # Every change, who made it and when (see notorious/core/edit_history.py).
    edit_history = EditHistory(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["name"]
        constraints = [unique_name_constraint("market")]
        indexes = [
            search_vector_index("market"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="market_name_trgm"),
            GinIndex(fields=["aliases"], opclasses=["gin_trgm_ops"], name="market_aliases_trgm"),
            # Lists in name order read the first markets from it and stop (an edition's
            # changes: 10 ms against 100 at 10,000 markets), instead of sorting them all.
            models.Index(fields=["name", "id"], name="market_name_order"),
            # The lists' order (the API's, the markets page's): a page of 50 is read from the
            # index instead of sorting every market (30 ms at 10,000 markets).
            models.Index(fields=["name", "slug"], name="market_name_slug"),
            # Markets in one country (`?country=CN`) in the lists' order: a page is read
            # from it, not from every market by name keeping those in the country.
            models.Index(
                fields=["country", "name", "id"],
                name="market_country_name",
                condition=Q(is_published=True),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("markets:detail", self.slug)

    @property
    def category_label(self):
        """The category as readers see it; some sources do not say what kind of market it is."""
        # What `get_category_display` gives, from a dict made once: that method rebuilds
        # the field's choices on every call (a page of 50 markets called it 50 times).
        return CATEGORY_LABELS.get(self.category, self.category) or "Category not recorded"

    @property
    def domain_list(self):
        return split_aliases(self.domains)

    def clean(self):
        self.clean_aliases()
        self.domains = "\n".join(d.lower() for d in split_aliases(self.domains))
        self.city = self.city.strip()
        if self.kind == Kind.ONLINE and self.category == Category.PHYSICAL_MARKETPLACE:
            raise ValidationError(
                {"category": "An online market cannot be in the physical marketplace category."}
            )
        if self.kind == Kind.PHYSICAL and self.category not in (
            Category.PHYSICAL_MARKETPLACE,
            Category.OTHER,
            "",
        ):
            raise ValidationError(
                {"category": "A physical market belongs to 'Physical marketplace' or 'Other'."}
            )
        if self.pk and self.kind:
            wrong = self.listings.exclude(section=self.kind).select_related("report")
            if wrong.exists():
                years = ", ".join(str(listing.report.year) for listing in wrong)
                raise ValidationError(
                    {
                        "kind": f"This market is listed in another section in {years}; "
                        "change those listings first."
                    }
                )

    def listing_history(self, record, include_drafts=False):
        """What may be said about the market in each edition (see `markets.history`), against
        `record` (`Report.objects.edition_record()`, read once for many markets).

        Read the listings with the markets (`MarketQuerySet.with_history_listings`, or
        `with_listings` to prefetch them) so that no query runs per market. Draft listings
        count only with `include_drafts` (the editors' view).
        """
        if hasattr(self, "history_years") and not include_drafts:
            # Read as arrays by `MarketQuerySet.with_history_listings`: published ones only.
            said = set(self.history_said_first)
            listings = [(year, year in said) for year in self.history_years]
        else:
            listings = [
                (listing.report.year, listing.source_says_first)
                for listing in self.listings.all()
                if include_drafts or listing.is_published
            ]
        return history_of_listings(record, self.kind, listings)
