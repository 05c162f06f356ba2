from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.functions import Upper
from django_countries.fields import CountryField

from notorious.companies.models import Company
from notorious.core.addresses import slug_url
from notorious.core.edit_history import EditHistory
from notorious.core.languages import in_language, language_of, validate_language_tag
from notorious.core.markup import markdown_to_text
from notorious.core.models import Aliased, Publishable, PublishableQuerySet, unique_name_constraint
from notorious.core.search import search_vector_field, search_vector_index
from notorious.core.sharing import absolute_url, site_publisher
from notorious.markets.models import Market
from notorious.reports.models import Report

from .article_count import ArticleCount  # noqa: F401 (the model, registered with the app)
from .edition_article_count import EditionArticleCount  # noqa: F401 (the model, as above)


class Outlet(Aliased, Publishable):
    """A news organisation whose coverage the site records, e.g. TSF or Da Ji Yuan (大紀元)."""

    name = models.CharField(max_length=200)
    name_language = models.CharField(
        "language of the name",
        max_length=35,
        blank=True,
        validators=[validate_language_tag],
        help_text="A BCP 47 tag (e.g. zh, pt) for the name. Blank: guessed from its script "
        "(Chinese characters: zh).",
    )
    slug = models.SlugField(max_length=200, unique=True)
    country = CountryField(blank=True)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True, help_text="In the editors' own words.")

    # Every change, who made it and when (see notorious/core/edit_history.py).
    edit_history = EditHistory()

    class Meta:
        ordering = ["name"]
        constraints = [unique_name_constraint("outlet")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("press:outlet", self.slug)

    @property
    def name_html(self):
        """The name, marked with its language (`lang`) when it is not the page's."""
        return in_language(self.name, language_of(self.name, self.name_language))

    def clean(self):
        self.clean_aliases()


def validate_article_slug(slug):
    """/coverage/outlets/ is the outlet list, so an article may not take that address."""
    if slug == "outlets":
        raise ValidationError("“outlets” is taken by the outlet list; choose another slug.")


# Coverage newest first, undated last; ties by the order entered (then the id: pages are
# stable). The index `article_newest_first` holds the published articles in this order.
NEWEST_FIRST = (
    models.F("published_on").desc(nulls_last=True),
    models.F("created_at").desc(),
    models.F("id").desc(),
)


class ArticleQuerySet(PublishableQuerySet):
    def about_market(self, market):
        return self.filter(markets=market)

    def about_company(self, company):
        """Coverage of the company, its published subsidiaries, or any published market
        they operate (a draft market's operator is not yet a fact readers may see)."""
        return self.about_companies(company.family_ids())

    def about_companies(self, ids):
        """Coverage of any of the companies `ids` (a family from `family_ids`: the rule of
        `about_company`) or of any published market one of them operates."""
        # The article ids first, from the two narrow link tables, then the articles: no join
        # of every link row to every article and no DISTINCT over whole rows (2.0 s at
        # 200,000 articles, against milliseconds).
        return self.filter(pk__in=union_of(company_link_keys(ids)))

    def from_outlets(self, outlet_ids):
        """Coverage an outlet in `outlet_ids` published, republished or is cited in: what
        its page lists."""
        return self.filter(pk__in=union_of(outlet_link_keys(outlet_ids)))

    def newest_first(self):
        """Newest first, undated last; served by the index `article_newest_first`."""
        return self.order_by(*NEWEST_FIRST)

    def publication_years(self):
        """The years some published article came out in, newest first.

        A loose index scan (one probe of `article_newest_first` per year, each for the
        newest date before the year found last) instead of reading every article: twenty
        years cost twenty index probes at any number of articles.
        """
        table = Article._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH RECURSIVE years (year) AS (
                    SELECT (SELECT extract(year FROM max(published_on))::int
                            FROM {table} WHERE is_published)
                    UNION ALL
                    SELECT (SELECT extract(year FROM max(published_on))::int
                            FROM {table}
                            WHERE is_published AND published_on < make_date(years.year, 1, 1))
                    FROM years WHERE years.year IS NOT NULL
                )
                SELECT year FROM years WHERE year IS NOT NULL
                """
            )
            return [year for (year,) in cursor.fetchall()]

    def with_published_links(self):
        """Each article's outlets, and the published outlets, markets, companies and editions
        it links, loaded up front (the API and the dataset export show exactly these)."""
        return self.select_related("outlet", "republishes").prefetch_related(
            models.Prefetch("cited_outlets", queryset=Outlet.objects.published()),
            models.Prefetch("markets", queryset=Market.objects.published()),
            models.Prefetch("companies", queryset=Company.objects.published()),
            models.Prefetch("reports", queryset=Report.objects.published()),
        )


def company_link_keys(ids, published_articles=False):
    """The ids of articles about a company of `ids` and of articles about a published market
    one of them operates: two unordered `article_id` querysets (see `about_companies`),
    of published articles only with `published_articles`."""
    about = {"article__is_published": True} if published_articles else {}
    return [
        Article.companies.through.objects.filter(company__in=ids, **about),
        Article.markets.through.objects.filter(
            market__operator__in=ids, market__is_published=True, **about
        ),
    ]


def outlet_link_keys(outlet_ids, published_articles=False):
    """The ids of articles an outlet of `outlet_ids` published, republished or is cited in:
    three unordered `article_id` querysets (see `from_outlets`)."""
    published = {"is_published": True} if published_articles else {}
    linked = {"article__is_published": True} if published_articles else {}
    return [
        Article.objects.filter(outlet__in=outlet_ids, **published),
        Article.objects.filter(republishes__in=outlet_ids, **published),
        Article.cited_outlets.through.objects.filter(outlet__in=outlet_ids, **linked),
    ]


def article_ids(queryset):
    """An article-id column of a link-table or article queryset, unordered."""
    column = "pk" if queryset.model is Article else "article_id"
    return queryset.order_by().values(column)


def union_of(key_querysets):
    keys = [article_ids(queryset) for queryset in key_querysets]
    return keys[0].union(*keys[1:])


class Article(Publishable):
    """One piece of press coverage, linked to the markets, companies and editions it covers."""

    headline = models.CharField(max_length=400)
    slug = models.SlugField(max_length=200, unique=True, validators=[validate_article_slug])
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="Who published it; leave empty when the page does not say.",
    )
    republishes = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="republished_articles",
        verbose_name="republication of",
        help_text="The outlet whose story this page republishes (e.g. one ending 'Source: TSF').",
    )
    cited_outlets = models.ManyToManyField(
        Outlet,
        blank=True,
        related_name="citing_articles",
        help_text="Other outlets the article cites as its sources.",
    )
    url = models.URLField("URL", max_length=500, blank=True)
    published_on = models.DateField("publication date", null=True, blank=True)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, blank=True)
    author = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True, help_text="In the editors' own words.")
    markets = models.ManyToManyField("markets.Market", blank=True, related_name="articles")
    companies = models.ManyToManyField("companies.Company", blank=True, related_name="articles")
    reports = models.ManyToManyField("reports.Report", blank=True, related_name="articles")
    # Name and aliases weigh A (search's NamesOnly reads them back), the rest less.
    search_vector = search_vector_field(("headline", "A"), ("summary", "B"), ("author", "C"))

    objects = ArticleQuerySet.as_manager()
    # Every change, links to markets, companies, editions and cited outlets included.
    edit_history = EditHistory(
        excluded_fields=["search_vector"],
        m2m_fields=["cited_outlets", "markets", "companies", "reports"],
    )

    class Meta:
        ordering = [models.F("published_on").desc(nulls_last=True), "headline"]
        indexes = [
            search_vector_index("article"),
            # Coverage lists (newest first) take a page by walking this index instead of
            # sorting every article; `publication_years` probes it once per year.
            models.Index(
                *NEWEST_FIRST, name="article_newest_first", condition=models.Q(is_published=True)
            ),
            # The timeline's events (`/timeline/events/`) take their coverage in date order a
            # page at a time, oldest or newest first, and count it around each edition's date:
            # read from this index alone instead of sorting every article.
            models.Index(
                "published_on",
                "id",
                name="article_dated_in_order",
                condition=models.Q(is_published=True, published_on__isnull=False),
            ),
            # An outlet's articles and republications: counted from the index alone (the
            # outlet list, an outlet's page) and listed newest first.
            models.Index(
                "outlet",
                *NEWEST_FIRST,
                name="article_outlet_newest_first",
                condition=models.Q(is_published=True),
            ),
            models.Index(
                "republishes",
                *NEWEST_FIRST,
                name="article_republishes_newest",
                condition=models.Q(is_published=True),
            ),
            # Coverage by a word (`?q=`): Django's icontains is UPPER(column) LIKE UPPER(…),
            # which these trigram indexes serve (a seq scan of every article otherwise).
            *(
                GinIndex(
                    OpClass(Upper(field), name="gin_trgm_ops"),
                    name=f"article_{field}_trgm",
                    condition=models.Q(is_published=True),
                )
                for field in ("headline", "summary")
            ),
            # Counting an edition's (a market's, a company's) published coverage from its
            # link rows: an index-only probe an article, not a read of each wide row
            # (an edition's 3,000 articles at 10,000 markets: 161 to 30 ms, under load).
            models.Index(
                fields=["id"], name="article_published_ids", condition=models.Q(is_published=True)
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return slug_url("press:article", self.slug)

    def structured_data(self):
        """schema.org `NewsArticle` for its page: only what is on record (no date when none
        is known), published by its outlet (a draft outlet is not named)."""
        page = absolute_url(self.get_absolute_url())
        data = {"@type": "NewsArticle", "headline": self.headline, "mainEntityOfPage": page}
        data["url"] = self.url or page
        if self.published_on:
            data["datePublished"] = self.published_on.isoformat()
        if self.language:
            data["inLanguage"] = self.language
        if self.author:
            data["author"] = {"@type": "Person", "name": self.author}
        if self.summary:
            data["description"] = markdown_to_text(self.summary)
        outlet = self.outlet if self.outlet_id and self.outlet.is_published else None
        if outlet:
            data["publisher"] = {"@type": "Organization", "name": outlet.name}
            if outlet.website:
                data["publisher"]["url"] = outlet.website
        data["subjectOf"] = {"@type": "WebPage", "url": page, "publisher": site_publisher()}
        return data

    @property
    def text_language(self):
        """The language of the headline and summary: the one recorded, else the headline's
        script's (`language_of`)."""
        return language_of(self.headline, self.language)

    def clean(self):
        self.headline = " ".join(self.headline.split())
        if self.outlet_id and self.outlet_id == self.republishes_id:
            raise ValidationError(
                {"republishes": "An article cannot be a republication of its own outlet."}
            )
