import itertools

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django_countries.fields import CountryField

from notorious.core.addresses import slug_url
from notorious.core.edit_history import EditHistory
from notorious.core.models import Aliased, AliasedQuerySet, Publishable, unique_name_constraint
from notorious.core.search import search_vector_field, search_vector_index
from notorious.core.sharing import absolute_url


class CompanyQuerySet(AliasedQuerySet):
    def with_counts(self):
        """Annotate `market_count` (published markets it operates itself) and
        `subsidiary_count` (published companies it owns directly): each a subquery, so
        that a page computes them for its own rows only, not for every company."""

        def count(model, field):
            rows = model.objects.published().filter(**{field: OuterRef("pk")}).order_by()
            return Coalesce(
                Subquery(rows.values(field).annotate(count=models.Count("pk")).values("count")),
                0,
            )

        # Markets are a layer above: reached through the relation rather than imported.
        market = self.model._meta.get_field("markets").related_model
        return self.annotate(
            market_count=count(market, "operator"),
            subsidiary_count=count(self.model, "parent"),
        )

    def family_ids(self, company_ids, include_drafts=False):
        """The given companies' ids and those of all their subsidiaries, however deep.

        Readers' families follow published subsidiaries only: an unpublished ownership
        link is not yet a fact readers may see, so neither a draft subsidiary nor anything
        it owns belongs to the family on any page, feed, filter, search or API answer.
        `include_drafts` follows every link, for editors in the admin. One query however
        deep the ownership goes: a recursive walk over the companies this queryset
        allows, so the published rule stays the queryset's own.
        """
        ids = {int(pk) for pk in company_ids}
        if not ids:
            return ids
        companies = self if include_drafts else self.published()
        try:
            allowed, params = (
                companies.order_by().values_list("pk", "parent_id").query.sql_with_params()
            )
        except EmptyResultSet:  # e.g. Company.objects.none(): no company to walk through
            return ids
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"""
                WITH RECURSIVE allowed (id, parent_id) AS ({allowed}),
                family (id) AS (
                    SELECT unnest(%s::bigint[])
                    UNION
                    SELECT allowed.id FROM allowed JOIN family ON allowed.parent_id = family.id
                )
                SELECT id FROM family
                """,
                (*params, sorted(ids)),
            )
            return {row[0] for row in cursor.fetchall()}


class Company(Aliased, Publishable):
    """A company that operates markets, directly or through subsidiaries."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    country = CountryField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
        help_text="The company that owns this one, e.g. Alibaba Group.",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True, help_text="In the editors' own words.")
    # Name and aliases weigh A (search's NamesOnly reads them back), the rest less.
    search_vector = search_vector_field(("name", "A"), ("aliases", "A"), ("description", "C"))

    objects = CompanyQuerySet.as_manager()
    # Every change, who made it and when (see notorious/core/edit_history.py). The search
    # vector is derived from the other fields, so it is not kept.
    edit_history = EditHistory(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [unique_name_constraint("company")]
        indexes = [
            search_vector_index("company"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="company_name_trgm"),
            GinIndex(fields=["aliases"], opclasses=["gin_trgm_ops"], name="company_aliases_trgm"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("companies:detail", self.slug)

    def structured_data(self):
        """schema.org `Organization` for its page: its names, country, website and its
        published parent company."""
        data = {"@type": "Organization", "name": self.name}
        data["url"] = self.website or absolute_url(self.get_absolute_url())
        data["mainEntityOfPage"] = absolute_url(self.get_absolute_url())
        if self.alias_list:
            data["alternateName"] = self.alias_list
        if self.country:
            data["address"] = {"@type": "PostalAddress", "addressCountry": self.country.code}
        if self.parent_id and self.parent.is_published:
            data["parentOrganization"] = {
                "@type": "Organization",
                "name": self.parent.name,
                "mainEntityOfPage": absolute_url(self.parent.get_absolute_url()),
            }
        return data

    def clean(self):
        self.clean_aliases()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "A company cannot own itself, even indirectly."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def parent_chain(self):
        """The owners above this company, nearest first."""
        chain, seen, ancestor = [], {self.pk}, self.parent
        while ancestor is not None and ancestor.pk not in seen:
            chain.append(ancestor)
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        return chain

    @property
    def published_parent_chain(self):
        """The owners above this company that readers may see, nearest first: up to the
        first draft, as a draft owner's own owners are known to readers only through an
        ownership link that is not public yet (the counterpart of `family_ids`)."""
        return list(itertools.takewhile(lambda owner: owner.is_published, self.parent_chain))

    def family_ids(self, include_drafts=False):
        """This company's id and those of its subsidiaries (see `CompanyQuerySet.family_ids`).

        Kept on the instance once read: a company page asks for it three times (its markets,
        coverage and figures), and each is a recursive query. An instance lives for one
        request's work, so it never outlives the ownership it describes; `refresh_from_db`
        forgets it."""
        cache = self.__dict__.setdefault("_family_ids", {})
        if include_drafts not in cache:
            cache[include_drafts] = frozenset(
                Company.objects.family_ids([self.pk], include_drafts=include_drafts)
            )
        return set(cache[include_drafts])

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_family_ids", None)
        super().refresh_from_db(*args, **kwargs)
