from django.db import models
from django.urls import reverse

from notorious.core.edit_history import EditHistory
from notorious.core.models import Publishable, PublishableQuerySet
from notorious.reports.models import year_validators


class FigureQuerySet(PublishableQuerySet):
    def published(self):
        """Figures readers may see: published, with a published source. A figure whose
        only sources are drafts has no source readers can check, so it is not shown."""
        return (
            super()
            .published()
            .filter(
                models.Q(source_report__is_published=True)
                | models.Q(source_article__is_published=True)
            )
        )

    def for_market(self, market):
        """Figures sourced to the editions that list the market or to coverage about it."""
        return self.filter(
            models.Q(source_report__listings__market=market)
            | models.Q(source_article__markets=market)
        ).distinct()


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
            )
        ]

    def __str__(self):
        return f"{self.value_display} — {self.measures}"

    def get_absolute_url(self):
        return reverse("figures:detail", kwargs={"slug": self.slug})

    @property
    def value_display(self):
        value = f"{self.value.normalize():f}"
        return f"{value}%" if self.unit == "%" else f"{value} {self.unit}"
