from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries.fields import CountryField

from notorious.core.indexes import PostgresGinIndex
from notorious.core.models import (
    Aliased,
    Publishable,
    PublishableQuerySet,
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


class MarketQuerySet(PublishableQuerySet):
    def for_company(self, company):
        """Markets the company operates, directly or through any of its subsidiaries."""
        return self.filter(operator_id__in=company.family_ids())

    def matching_name(self, name):
        """Markets whose name or one of whose aliases is `name`, ignoring case and spaces."""
        name = " ".join((name or "").split())
        if not name:
            return self.none()
        folded = name.casefold()
        candidates = self.filter(Q(name__iexact=name) | Q(aliases__icontains=name))
        return self.filter(
            pk__in=[m.pk for m in candidates if folded in {n.casefold() for n in m.all_names}]
        )

    def online(self):
        return self.filter(kind=Kind.ONLINE)

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
