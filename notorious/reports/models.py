import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from notorious.core.addresses import number_url
from notorious.core.edit_history import EditHistory
from notorious.core.models import Publishable, PublishableQuerySet
from notorious.markets.history import EditionRecord, SectionRecord
from notorious.markets.models import Kind

from .entry_counts import EntryCounts  # noqa: F401 (the model, registered with the app)
from .group_counts import ListingGroupCount  # noqa: F401 (the model, registered with the app)
from .indexes import LISTING_INDEXES
from .market_turns import MarketTurn  # noqa: F401 (the model, registered with the app)
from .section_moves import SectionMove  # noqa: F401 (the model, registered with the app)
from .turn_counts import TurnCount  # noqa: F401 (the model, registered with the app)

# Bounds for any year entered; leave room either side of the record.
FIRST_YEAR = 2000
LAST_YEAR = 2100


class Publication(models.TextChoices):
    """What USTR's notorious-markets list was part of, or called, in a given year."""

    SPECIAL_301 = "special_301", "Special 301 Report"
    OUT_OF_CYCLE = "out_of_cycle", "Out-of-Cycle Review of Notorious Markets"
    REVIEW = "review", "Review of Notorious Markets for Counterfeiting and Piracy"

    @classmethod
    def for_year(cls, year):
        """The publication by the record: the 2006-2009 lists were part of the annual
        Special 301 Report; the 2010 to 2018 reviews were the stand-alone Out-of-Cycle Review
        of Notorious Markets; from the 2019 review on, the Review of Notorious Markets for
        Counterfeiting and Piracy."""
        if year is None:
            return None
        if year <= 2009:
            return cls.SPECIAL_301
        if year <= 2018:
            return cls.OUT_OF_CYCLE
        return cls.REVIEW


def year_validators():
    return [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def published_listings_q(prefix="", of=None):
    """The listings readers may see, as a condition: the listing, its edition and its market
    all published. The one statement of that rule; `ListingQuerySet.published` applies it.

    `prefix` is the path to the listings from the model queried ("listings" from a Report or
    a Market). `of` ("report" or "market") names the entity whose own listings these are:
    its flag is left to its page, which staff may preview as a draft, seeing the listings as
    readers will once it is published.
    """
    path = f"{prefix}__" if prefix else ""
    flags = [f"{path}is_published"]
    flags += [f"{path}{end}__is_published" for end in ("report", "market") if end != of]
    return models.Q(**dict.fromkeys(flags, True))


class ReportQuerySet(PublishableQuerySet):
    def edition_years(self, include_drafts=False):
        """Years reviewed by the editions on record, oldest first."""
        qs = self if include_drafts else self.published()
        return list(qs.order_by("year").values_list("year", flat=True))

    def edition_record(self, include_drafts=False):
        """The editions on record with each section's completeness: what every statement
        about listing histories rests on (`markets.history`), holding the editions too
        (`EditionRecord.latest_edition`). One query."""
        reports = (self if include_drafts else self.published()).with_entered_counts(include_drafts)
        reports = tuple(reports.order_by("year"))
        return EditionRecord(
            editions=reports,
            years=tuple(report.year for report in reports),
            sections={
                (report.year, kind.value): report.section_record(kind.value)
                for report in reports
                for kind in Kind
            },
        )

    def latest_edition(self):
        """The most recent published edition, or None."""
        return self.published().order_by("-year").first()

    def with_entered_counts(self, include_drafts=False):
        """Annotate `online_entered` and `physical_entered`: the listings entered so far in
        each section, to set beside the counts the report states. Readers' pages count the
        listings they may see (`published_listings_q`, the edition's own flag aside);
        editors' views count every one (`include_drafts`). Read from the counts the database
        keeps (`entry_counts.EntryCounts`), not counted: one join, whatever the listings."""
        counted = "entered" if include_drafts else "published"
        return self.annotate(
            **{
                f"{kind.value}_entered": models.F(f"entry_counts__{kind.value}_{counted}")
                for kind in Kind
            }
        )


class Report(Publishable):
    """One annual edition of USTR's notorious-markets list (since the 2019 review, the Review
    of Notorious Markets for Counterfeiting and Piracy; see `Publication`).

    An edition is named by the year it reviews and published months later: the 2021
    review came out in February 2022. Both facts are kept. Each section (online, physical)
    is complete when its entered listings reach the count the report states, or when an
    editor marks it all entered; only then may the site say a market was not listed.
    """

    year = models.PositiveSmallIntegerField(
        unique=True, validators=year_validators(), help_text="The year the edition reviews."
    )
    slug = models.SlugField(max_length=20, unique=True, editable=False)
    published_on = models.DateField(
        "publication date", null=True, blank=True, help_text="When USTR released it."
    )
    published_on_precision = models.CharField(
        "publication date is known to the",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="If only the month is known, enter its first day and choose 'Month'.",
    )
    publication = models.CharField(
        max_length=20,
        choices=Publication.choices,
        blank=True,
        help_text="Leave empty to follow the record for its year (Special 301 Report to the "
        "2009 list, Out-of-Cycle Review to the 2018 review, Review of Notorious Markets since).",
    )
    title = models.CharField(
        max_length=300,
        blank=True,
        help_text="The report's own title, as printed; leave empty until it is known.",
    )
    publisher = models.CharField(
        max_length=200, default="Office of the United States Trade Representative (USTR)"
    )
    source_url = models.URLField("source URL", blank=True)
    online_count_stated = models.PositiveIntegerField(
        "online markets (as stated)",
        null=True,
        blank=True,
        help_text="How many online markets the report says it lists.",
    )
    physical_count_stated = models.PositiveIntegerField(
        "physical markets (as stated)",
        null=True,
        blank=True,
        help_text="How many physical markets the report says it lists.",
    )
    online_all_entered = models.BooleanField(
        "online section: all entered",
        default=False,
        help_text="Tick when every online market the report names is entered, even if the "
        "count entered differs from the stated count (say why in the note).",
    )
    physical_all_entered = models.BooleanField(
        "physical section: all entered",
        default=False,
        help_text="Tick when every physical market the report names is entered.",
    )
    completeness_note = models.TextField(
        "note on completeness",
        blank=True,
        help_text="Required when a section is marked all entered: how the editors know.",
    )
    issue_focus = models.CharField("issue focus", max_length=300, blank=True)
    summary = models.TextField(blank=True, help_text="In the editors' own words.")

    objects = ReportQuerySet.as_manager()
    # Every change, who made it and when (see notorious/core/edit_history.py).
    edit_history = EditHistory()

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return self.title or f"The {self.year} edition"

    def get_absolute_url(self):
        return number_url("reports:detail", "year", self.year)

    def save(self, *args, **kwargs):
        self.slug = str(self.year)
        if not self.publication:
            self.publication = Publication.for_year(self.year) or ""
        super().save(*args, **kwargs)

    def clean(self):
        if self.published_on and self.year and self.published_on.year < self.year:
            raise ValidationError(
                {
                    "published_on": f"The {self.year} review cannot have been published before "
                    f"{self.year}: an edition is published after the year it reviews."
                }
            )
        if self.published_on and self.published_on > datetime.date.today():
            raise ValidationError({"published_on": "The publication date is in the future."})
        if (self.online_all_entered or self.physical_all_entered) and not (
            self.completeness_note.strip()
        ):
            raise ValidationError(
                {
                    "completeness_note": "Say how you know every listing is entered: a "
                    "section marked all entered is shown to readers as complete."
                }
            )
        if self.published_on and self.published_on_precision == DatePrecision.MONTH:
            self.published_on = self.published_on.replace(day=1)
        if self.published_on and self.published_on_precision == DatePrecision.YEAR:
            self.published_on = self.published_on.replace(month=1, day=1)

    @property
    def publication_date_display(self):
        """The publication date to the precision it is known, e.g. 'February 2022'."""
        if not self.published_on:
            return ""
        if self.published_on_precision == DatePrecision.YEAR:
            return str(self.published_on.year)
        if self.published_on_precision == DatePrecision.MONTH:
            return self.published_on.strftime("%B %Y")
        return f"{self.published_on.day} {self.published_on.strftime('%B %Y')}"

    def section_record(self, section):
        """What is known of one section: stated and entered counts, whether it is complete
        (needs `with_entered_counts`)."""
        return SectionRecord(
            year=self.year,
            section=section,
            stated=getattr(self, f"{section}_count_stated"),
            entered=getattr(self, f"{section}_entered"),
            all_entered=getattr(self, f"{section}_all_entered"),
        )

    @property
    def sections(self):
        """Both sections' records, online first (needs `with_entered_counts`)."""
        return [self.section_record(kind.value) for kind in Kind]

    @property
    def is_complete(self):
        """Both sections complete (needs `with_entered_counts`)."""
        return all(section.complete for section in self.sections)

    @property
    def online_missing(self):
        """Online listings the report states but not yet entered (needs `with_entered_counts`)."""
        return _missing(self.online_count_stated, getattr(self, "online_entered", None))

    @property
    def physical_missing(self):
        """Physical listings stated but not yet entered (needs `with_entered_counts`)."""
        return _missing(self.physical_count_stated, getattr(self, "physical_entered", None))

    def next_edition(self, record=None):
        """The published edition reviewing the closest later year, or None; taken from
        `record` (`Report.objects.edition_record()`, the published editions) when given."""
        if record is not None:
            return next((edition for edition in record.editions if edition.year > self.year), None)
        return Report.objects.published().filter(year__gt=self.year).order_by("year").first()

    def previous_edition(self, record=None):
        """The published edition reviewing the closest earlier year, or None; taken from
        `record` (`Report.objects.edition_record()`, the published editions) when given."""
        if record is not None:
            earlier = [edition for edition in record.editions if edition.year < self.year]
            return earlier[-1] if earlier else None
        return Report.objects.published().filter(year__lt=self.year).order_by("-year").first()


def _missing(stated, entered):
    if stated is None or entered is None:
        return None
    return stated - entered


# What `Market.listing_history` reads of each of a market's listings.
HISTORY_FIELDS = ("market_id", "is_published", "source_says_first", "report__year")


class ListingQuerySet(models.QuerySet):
    def published(self, of=None):
        """Listings readers may see: the listing, its edition and its market all published
        (see `published_listings_q`, also for `of`)."""
        return self.filter(published_listings_q(of=of))

    def for_histories(self):
        """Markets' published listings with their editions: what `Market.listing_history`
        reads, for a prefetch (`MarketQuerySet.with_listings`, `with_market_listings`)."""
        return self.published(of="market").select_related("report")

    def counts(self):
        """How many of these listings there are in each section and how many are drafts, as
        {"online": n, "physical": n, "drafts": n, "total": n}: one query, however many."""
        counted = {kind.value: models.Q(section=kind.value) for kind in Kind}
        counted["drafts"] = models.Q(is_published=False)
        return self.aggregate(
            total=models.Count("pk"),
            **{name: models.Count("pk", filter=condition) for name, condition in counted.items()},
        )

    def listed_years(self):
        """{market id: [(year, source_says_first)]} of these listings, read as values: what
        `markets.history.history_of_listings` takes, with no model instance a listing. On
        `for_histories()` of a page's markets, their histories in one query."""
        listed = defaultdict(list)
        rows = self.order_by().values_list("market_id", "report__year", "source_says_first")
        for market_id, year, said in rows:
            listed[market_id].append((year, said))
        return listed

    def with_market_listings(self):
        """Each listing's market, with that market's published listings prefetched, so its
        listing history costs no query per listing."""
        # Only what a history reads: not each listing's reasons nor its edition's texts
        # (at 10,000 markets, a 500-row download spent half its time building those).
        histories = self.model.objects.for_histories().only(*HISTORY_FIELDS)
        return self.select_related("market").prefetch_related(
            models.Prefetch("market__listings", queryset=histories)
        )


class Listing(models.Model):
    """One market named in one edition, with the report's reasons."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="listings")
    market = models.ForeignKey("markets.Market", on_delete=models.CASCADE, related_name="listings")
    section = models.CharField(
        max_length=10, choices=Kind.choices, help_text="The report section it appears in."
    )
    reasons = models.TextField(
        blank=True, help_text="Why the report names it, in the editors' own words."
    )
    quotation = models.TextField(
        blank=True, help_text="An optional short quotation from the report."
    )
    quotation_page = models.PositiveSmallIntegerField(
        "page", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    source_says_first = models.BooleanField(
        "the source says this is its first listing",
        default=False,
        help_text="Tick when the report or coverage says the market is named for the first "
        "time: the site then calls it new even while earlier editions are incomplete.",
    )
    is_published = models.BooleanField(
        "published",
        default=True,
        help_text="Readers see a listing only when it, its report and its market are published.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ListingQuerySet.as_manager()
    edit_history = EditHistory()

    class Meta:
        ordering = ["-report__year", "market__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "market"],
                name="listing_unique_market_per_report",
                violation_error_message="This market is already listed in this edition.",
            )
        ]
        indexes = LISTING_INDEXES  # read index-only, never the wide rows: see .indexes

    def __str__(self):
        return f"{self.market} in the {self.report.year} review"

    def get_absolute_url(self, market_url=None):  # its market's address, if known already
        return f"{market_url or self.market.get_absolute_url()}#listing-{self.report.year}"

    def clean(self):
        self.quotation = self.quotation.strip()
        if self.quotation_page and not self.quotation:
            raise ValidationError({"quotation_page": "A page number needs a quotation."})
        if self.market_id and self.section and self.market.kind != self.section:
            raise ValidationError(
                {
                    "section": f"{self.market} is listed as "
                    f"{self.market.get_kind_display().lower()}, so it belongs in the "
                    f"{self.market.get_kind_display().lower()} section."
                }
            )
