from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q
from django.urls import reverse
from django_countries.fields import CountryField

from notorious.core.edit_history import EditHistory
from notorious.core.indexes import PostgresGinIndex
from notorious.core.models import (
    Aliased,
    AliasedQuerySet,
    Publishable,
    split_aliases,
    unique_name_constraint,
)
from notorious.search import Searchable


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


def _published_listings():
    """Published listings of the market in the outer query (for `Exists` subqueries)."""
    from notorious.reports.models import Listing

    return Listing.objects.published().filter(market=OuterRef("pk"))


class MarketQuerySet(AliasedQuerySet):
    def for_company(self, company):
        """Markets the company operates, directly or through any of its subsidiaries."""
        return self.filter(operator_id__in=company.family_ids())

    def online(self):
        return self.filter(kind=Kind.ONLINE)

    # Listing-derived filters. Each is one subquery over *published* listings (listing,
    # edition and market all published), so they compose, and never run a query per market.

    def with_listing_summary(self):
        """Annotate `first_year`, `last_year` and `years_listed` from published listings."""
        published = Q(
            listings__is_published=True,
            listings__report__is_published=True,
        )
        return self.annotate(
            first_year=Min("listings__report__year", filter=published),
            last_year=Max("listings__report__year", filter=published),
            years_listed=Count("listings", filter=published, distinct=True),
        )

    def with_listings_prefetched(self):
        """Prefetch published listings and their editions, for `listing_history` and strips."""
        from notorious.reports.models import Listing

        return self.prefetch_related(
            Prefetch(
                "listings",
                queryset=Listing.objects.filter(
                    is_published=True, report__is_published=True
                ).select_related("report"),
            )
        )

    def listed_in(self, year):
        """Markets named in the published edition reviewing `year`."""
        return self.filter(Exists(_published_listings().filter(report__year=year)))

    def in_latest_edition(self):
        from notorious.reports.models import Report

        latest = Report.objects.latest_edition()
        return self.listed_in(latest.year) if latest else self.none()

    def with_status_in(self, year, status):
        """Markets whose listing in the `year` edition is new, continuing or returning.

        The same rules as `reports.history.compute_history`, worked out in SQL: a first
        entered listing is new (or continuing, for markets named in editions not entered);
        a later one continues when the market was in the previous published edition and
        returns otherwise.
        """
        from notorious.reports.history import CONTINUING, NEW, RETURNING
        from notorious.reports.models import Report

        if status not in (NEW, CONTINUING, RETURNING):
            return self.none()
        previous = (
            Report.objects.published()
            .filter(year__lt=year)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        listings = _published_listings()
        earlier = Exists(listings.filter(report__year__lt=year))
        in_previous = Exists(listings.filter(report__year=previous))
        listed = self.listed_in(year)
        if status == NEW:
            return listed.filter(~earlier, listed_before_first_entry=False)
        if status == CONTINUING:
            first_but_earlier = Q(~earlier, listed_before_first_entry=True)
            if previous is None:
                return listed.filter(first_but_earlier)
            return listed.filter(first_but_earlier | Q(in_previous))
        if previous is None:
            return self.none()
        return listed.filter(earlier, ~in_previous)

    def dropped_in(self, year):
        """Markets in the previous published edition that the `year` edition leaves out."""
        from notorious.reports.models import Report

        previous = (
            Report.objects.published()
            .filter(year__lt=year)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if previous is None:
            return self.none()
        return self.listed_in(previous).exclude(
            Exists(_published_listings().filter(report__year=year))
        )

    def physical(self):
        return self.filter(kind=Kind.PHYSICAL)


class Market(Searchable, Aliased, Publishable):
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
    search_vector = SearchVectorField(null=True, editable=False)

    search_fields = (("name", "A"), ("aliases", "A"), ("domains", "B"), ("description", "C"))

    objects = MarketQuerySet.as_manager()
    # Every change, who made it and when (see notorious/core/edit_history.py).
    edit_history = EditHistory(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["name"]
        constraints = [unique_name_constraint("market")]
        indexes = [
            PostgresGinIndex(fields=["search_vector"], name="market_search_vector"),
            PostgresGinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="market_name_trgm"),
            PostgresGinIndex(
                fields=["aliases"], opclasses=["gin_trgm_ops"], name="market_aliases_trgm"
            ),
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

    def listing_history(self, edition_years=None, include_drafts=False):
        """Derived listing facts (see `reports.history`), against published editions by default."""
        from notorious.reports.history import history_for_market

        return history_for_market(self, edition_years, include_drafts)
