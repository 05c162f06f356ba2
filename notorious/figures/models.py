from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField

from notorious.core.edit_history import EditHistory
from notorious.core.models import Publishable, PublishableQuerySet, if_published
from notorious.reports.models import year_validators


class About(models.TextChoices):
    """What a figure is about, which decides where it is shown: a figure about a market on
    its page and its companies' pages, one about a company on its page, its owners' pages
    and its markets' pages (`FigureQuerySet.for_market`, `for_company`); any other only on
    the pages of the edition and the article it comes from."""

    MARKET = "market", "A market"
    COMPANY = "company", "A company"
    COUNTRY = "country", "A country (or countries)"
    ECONOMY = "economy", "An economy as a whole (a country's, or the world's)"
    EDITION = "edition", "The edition that states it"


# Subjects that name no market or company ("": not yet said, for figures entered before).
NO_ENTRY_ABOUT = ["", About.COUNTRY, About.ECONOMY, About.EDITION]


class FigureQuerySet(PublishableQuerySet):
    def published(self):
        """Figures readers may see: published, with a published source. A figure whose
        only sources are drafts has no source readers can check, so it is not shown."""
        # One filter, not a filter and two excludes: the same SQL, with two fewer clones of
        # the query (a market's page pays for this list whether it has figures or not).
        return (
            super()
            .published()
            .filter(
                models.Q(source_report__is_published=True)
                | models.Q(source_article__is_published=True),
                # A figure about a draft market or company would make the draft public.
                ~models.Q(about=About.MARKET, market__is_published=False),
                ~models.Q(about=About.COMPANY, company__is_published=False),
            )
        )

    def for_market(self, market):
        """Figures about the market or about the companies behind it: its operator and that
        company's owners, as far as readers may see them (published, like the page's
        "Operated by" line). A figure about a whole country or economy is not about one
        market, so it is not among them, whichever editions list the market."""
        operator = if_published(market.operator)
        companies = [operator, *operator.published_parent_chain] if operator else []
        return self.filter(
            models.Q(about=About.MARKET, market=market)
            | models.Q(about=About.COMPANY, company__in=companies)
        )

    def for_company(self, company):
        """Figures about the company, its published subsidiaries, or the markets they
        operate (the same family its page lists markets and coverage for)."""
        family = company.family_ids()
        return self.filter(
            models.Q(about=About.COMPANY, company__in=family)
            | models.Q(about=About.MARKET, market__operator__in=family)
        )

    def for_lists(self):
        """With what a list of figures shows of each: its sources and its subject."""
        return self.select_related("source_report", "source_article__outlet", "market", "company")


class Figure(Publishable):
    """A sourced statistic, e.g. 75% of the value of CBP's 2021 counterfeit seizures."""

    slug = models.SlugField(max_length=200, unique=True)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=50, help_text="E.g. '%', 'US$ billion a year', 'markets'.")
    measures = models.CharField(
        "what it measures", max_length=400, help_text="In the editors' own words."
    )
    year = models.PositiveSmallIntegerField(
        "year it is about",
        null=True,
        blank=True,
        validators=year_validators(),
        help_text="Leave empty when the figure is not tied to one year.",
    )
    source_report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text="The edition that states it.",
    )
    source_article = models.ForeignKey(
        "press.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text="The coverage that reports it.",
    )
    about = models.CharField(
        "what it is about",
        max_length=10,
        choices=About.choices,
        # Empty only for figures entered before this was asked (kept so, by imports too):
        # nothing is claimed for them and they are shown only where they come from. The
        # admin's form makes editors choose.
        blank=True,
        help_text="Decides where it is shown: on the market's or company's page, or only on "
        "the pages of the edition and article it comes from.",
    )
    market = models.ForeignKey(
        "markets.Market",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text="For a figure about a market.",
    )
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text="For a figure about a company.",
    )
    countries = CountryField(
        multiple=True,
        blank=True,
        help_text="For a figure about a country: the one or more it is about. For an "
        "economy: whose (leave empty for the world economy).",
    )
    note = models.TextField(blank=True, help_text="Context, in the editors' own words.")

    objects = FigureQuerySet.as_manager()
    # Every change, who made it and when (see notorious/core/edit_history.py).
    edit_history = EditHistory()

    class Meta:
        ordering = ["-year", "measures"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source_report__isnull=False)
                | models.Q(source_article__isnull=False),
                name="figure_has_a_source",
                violation_error_message="A figure needs a source: a report, an article or both.",
            ),
            # The database's own guard for imports and scripts; `clean` explains it to editors.
            models.CheckConstraint(
                condition=models.Q(market__isnull=False, company__isnull=True, about="market")
                | models.Q(market__isnull=True, company__isnull=False, about="company")
                | models.Q(market__isnull=True, company__isnull=True, about__in=NO_ENTRY_ABOUT),
                name="figure_subject_matches_about",
                violation_error_message="A figure names a market only when it is about a "
                "market, and a company only when it is about a company.",
            ),
        ]

    def __str__(self):
        return f"{self.value_display} — {self.measures}"

    def get_absolute_url(self):
        return reverse("figures:detail", kwargs={"slug": self.slug})

    def clean(self):
        """The subject named by `about` is set, and no other."""
        errors = {}
        if self.about == About.MARKET and not self.market_id:
            errors["market"] = "Choose the market the figure is about."
        if self.about != About.MARKET and self.market_id:
            errors["market"] = "Only a figure about a market names one: empty this field."
        if self.about == About.COMPANY and not self.company_id:
            errors["company"] = "Choose the company the figure is about."
        if self.about != About.COMPANY and self.company_id:
            errors["company"] = "Only a figure about a company names one: empty this field."
        if self.about == About.COUNTRY and not self.countries:
            errors["countries"] = "Choose the country or countries the figure is about."
        if self.about not in (About.COUNTRY, About.ECONOMY) and self.countries:
            errors["countries"] = (
                "Only a figure about a country or an economy names countries: empty this field."
            )
        if self.about == About.EDITION and not self.source_report_id:
            errors["source_report"] = (
                "A figure about an edition is about the edition that states it: choose it."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def about_text(self):
        """What the figure is about, in words ("China and Hong Kong", "the world economy"),
        or "" when not yet said. A draft market or company is not named."""
        names = " and ".join(country.name for country in self.countries)
        if self.about == About.MARKET:
            return str(if_published(self.market) or "")
        if self.about == About.COMPANY:
            return str(if_published(self.company) or "")
        if self.about == About.COUNTRY:
            return names
        if self.about == About.ECONOMY:
            # Names as django-countries gives them, without an article: "the economy (United
            # States of America)" rather than a guessed "the economy of the ...".
            return f"the economy ({names})" if names else "the world economy"
        if self.about == About.EDITION and self.source_report:
            return f"the {self.source_report.year} edition"
        return ""

    @property
    def country_codes(self):
        """The countries' ISO 3166 alpha-2 codes, e.g. ["CN", "HK"]."""
        return [country.code for country in self.countries]

    @property
    def about_entry(self):
        """The market or company the figure is about, if readers may see it (for a link)."""
        if self.about == About.MARKET:
            return if_published(self.market)
        if self.about == About.COMPANY:
            return if_published(self.company)
        if self.about == About.EDITION:
            return if_published(self.source_report)
        return None

    @property
    def value_display(self):
        value = f"{self.value.normalize():f}"
        return f"{value}%" if self.unit == "%" else f"{value} {self.unit}"
