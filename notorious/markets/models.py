from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q
from django.urls import reverse
from django_countries.fields import CountryField

from notorious.core.edit_history import EditHistory
from notorious.core.models import (
    Aliased,
    AliasedQuerySet,
    Publishable,
    split_aliases,
    unique_name_constraint,
)
from notorious.core.search import search_vector_field, search_vector_index

from .history import CONTINUING, NEW, RETURNING, compute_history


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
        `Market.listing_history` and the timeline strips read, in one query."""
        listings = self._listings().for_histories()
        return self.prefetch_related(Prefetch("listings", queryset=listings))

    def with_listing_summary(self):
        """Annotate `first_year`, `last_year` and `years_listed` from published listings."""
        published = Q(listings__in=self._listings().published(of="market"))
        return self.annotate(
            first_year=Min("listings__report__year", filter=published),
            last_year=Max("listings__report__year", filter=published),
            years_listed=Count("listings", filter=published, distinct=True),
        )

    def listed_in(self, report):
        """Markets that `report`, an edition, names."""
        return self.filter(Exists(self._listings_of_each().filter(report=report)))

    def with_status_in(self, report, status):
        """Markets whose listing in `report`, an edition, is new, continuing or returning.

        The same rules as `markets.history.compute_history`, worked out in SQL: a first
        entered listing is new (or continuing, for markets named in editions not entered);
        a later one continues when the market was in the previous published edition and
        returns otherwise.
        """
        if status not in (NEW, CONTINUING, RETURNING):
            return self.none()
        previous = report.previous_edition()
        listings = self._listings_of_each()
        earlier = Exists(listings.filter(report__year__lt=report.year))
        listed = self.listed_in(report)
        if status == NEW:
            return listed.filter(~earlier, listed_before_first_entry=False)
        first_but_earlier = Q(~earlier, listed_before_first_entry=True)
        if status == CONTINUING and previous is None:
            return listed.filter(first_but_earlier)
        if previous is None:
            return self.none()
        in_previous = Exists(listings.filter(report=previous))
        if status == CONTINUING:
            return listed.filter(first_but_earlier | Q(in_previous))
        return listed.filter(earlier, ~in_previous)

    def dropped_in(self, report):
        """Markets in the previous published edition that `report` leaves out."""
        previous = report.previous_edition()
        if previous is None:
            return self.none()
        return self.listed_in(previous).exclude(
            Exists(self._listings_of_each().filter(report=report))
        )


class Market(Aliased, Publishable):
    """An online platform or physical marketplace that USTR's review has named."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
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
    listed_before_first_entry = models.BooleanField(
        "listed in earlier editions not entered",
        default=False,
        help_text="Tick when sources say the market was named in editions older than any "
        "entered here, so its first entered listing is not shown as new.",
    )
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
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("markets:detail", kwargs={"slug": self.slug})

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

    def listing_history(self, edition_years, include_drafts=False):
        """The market's listing facts (see `markets.history`) against the editions reviewing
        `edition_years` (`Report.objects.edition_years()`, read once for many markets).

        Prefetch the listings (`MarketQuerySet.with_listings`) so that no query runs per
        market. Draft listings count only with `include_drafts` (the editors' view).
        """
        listed = [
            listing.report.year
            for listing in self.listings.all()
            if include_drafts or listing.is_published
        ]
        return compute_history(edition_years, listed, self.listed_before_first_entry)
