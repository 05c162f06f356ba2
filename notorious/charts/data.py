"""What each chart shows: its figures, read from the database, and the words that go with
them (title, text alternative, notes on partial data, source line).

A chart states only what the record supports. It counts the listings entered on this site
that readers may see, in the published editions, and says so; where an edition's section is
not completely entered its figures are lower bounds, and the chart's notes name those
editions. Each chart is one query: the listings by country and by category come from the
counts the database keeps (`reports.group_counts`), a company's from a grouped count of its
listings. Each is cached under the content generation (a change anywhere gives a new key,
never a stale chart).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from notorious.core.country_names import country_name
from notorious.core.page_cache import cached_for_generation
from notorious.markets.models import Category, Kind, Market
from notorious.reports import group_counts
from notorious.reports.models import Listing, Report

SOURCE = (
    "Source: USTR, Review of Notorious Markets for Counterfeiting and Piracy, "
    "as entered on Notorious"
)
# Lines a chart draws at most: the largest groups, then the rest together.
MOST_GROUPS = 6
NOT_RECORDED = "not recorded"


@dataclass
class Series:
    """One line or set of bars: a label and one value per edition (None: not known)."""

    label: str
    values: list


@dataclass
class Chart:
    """A chart's figures and words, drawn by `drawing.draw` and tabled by the template."""

    name: str  # the URL's name for it: "editions", "countries", "categories", "company"
    title: str
    kind: str  # "bars" or "lines"
    years: list
    series: list
    summary: str  # the text alternative: what the picture shows, in one sentence
    notes: list = field(default_factory=list)  # what the figures cannot say
    stated: list = field(default_factory=list)  # series of stated counts, marked not filled
    slug: str = ""  # the company's, for a company's chart
    source: str = SOURCE

    @property
    def rows(self):
        """The data table: one row per edition, its (column, value) pairs in the series' order."""
        every = [*self.series, *self.stated]
        return [
            (year, [(each.label, each.values[index]) for each in every])
            for index, year in enumerate(self.years)
        ]

    @property
    def columns(self):
        return [each.label for each in [*self.series, *self.stated]]

    @property
    def is_empty(self):
        return not self.years

    def image_url(self, extension):
        if self.slug:
            return reverse("chart-company", args=[self.slug, extension])
        return reverse("chart", args=[self.name, extension])

    @property
    def svg_url(self):
        return self.image_url("svg")

    @property
    def png_url(self):
        return self.image_url("png")


def _span(years):
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""


def _lower_bound_note(record, years):
    """The note for editions whose listings are not all entered: their counts are minimums."""
    partial = [year for year in years if not all(record.is_complete(year, kind) for kind in Kind)]
    if not partial:
        return []
    listed = ", ".join(str(year) for year in partial)
    return [f"Not every listing is entered for {listed}: those counts are at least what is shown."]


def editions_chart(record=None):
    """Listings entered per edition, online and physical, beside the counts the reports state
    (from `record`, the edition record, when the page has read it already)."""
    return cached_for_generation("chart:editions", lambda: _editions_chart(record))


def _editions_chart(record):
    record = record or Report.objects.edition_record()
    years = list(record.years)
    series, stated = [], []
    for kind in Kind:
        sections = [record.section(year, kind.value) for year in years]
        series.append(Series(f"{kind.label} entered", [each.entered for each in sections]))
        stated.append(Series(f"{kind.label} stated", [each.stated for each in sections]))
    notes = _lower_bound_note(record, years)
    unstated = [year for year in years if any(record.section(year, k).stated is None for k in Kind)]
    if unstated:
        notes.append(
            "The report's own count is not recorded for "
            + ", ".join(str(year) for year in unstated)
            + "."
        )
    return Chart(
        name="editions",
        title="Markets named in each edition, by section",
        kind="bars",
        years=years,
        series=series,
        stated=stated,
        notes=notes,
        summary=(
            f"Bar chart of the listings entered for each edition, {_span(years)}, online and "
            "physical, with the count each report states marked beside them."
        ),
    )


def _grouped(rows, label_of, record):
    """Per edition, counts of `rows` ((year, group, number) triples): the largest groups as
    series, the rest summed into one."""
    years = list(record.years)
    counts = Counter()
    for year, value, number in rows:
        counts[(year, value)] += number
    totals = Counter()
    for (_, value), number in counts.items():
        totals[value] += number
    labels = {value: label_of(value) for value in totals}
    ranked = sorted(totals, key=lambda value: (-totals[value], labels[value]))
    shown, rest = ranked[:MOST_GROUPS], ranked[MOST_GROUPS:]
    series = [Series(labels[value], [counts[(year, value)] for year in years]) for value in shown]
    if rest:
        series.append(
            Series(
                f"{len(rest)} others",
                [sum(counts[(year, value)] for value in rest) for year in years],
            )
        )
    return years, series


def _country_label(code):
    return country_name(code) if code else f"Country {NOT_RECORDED}"


def _category_label(value):
    return Category(value).label if value else f"Category {NOT_RECORDED}"


def _lines_by(name, what, label_of, record):
    """Listings entered per edition by the market's `what` ("country", "category"), one line
    for each of the largest groups and one for the rest, from the stored counts
    (`reports.group_counts`)."""
    record = record or Report.objects.edition_record()
    years, series = _grouped(group_counts.counts_by(what), label_of, record)
    shown = min(len(series), MOST_GROUPS)
    rest = " and the others together" if len(series) > MOST_GROUPS else ""
    return Chart(
        name=name,
        title=f"Markets named in each edition, by {what}",
        kind="lines",
        years=years,
        series=series,
        notes=_lower_bound_note(record, years),
        summary=(
            f"Line chart of the listings entered for each edition, {_span(years)}, for the "
            f"{shown} {what} group{'s' if shown != 1 else ''} with the most listings{rest}."
        ),
    )


def countries_chart(record=None):
    """Listings entered per edition by the market's country."""
    return cached_for_generation(
        "chart:countries",
        lambda: _lines_by("countries", "country", _country_label, record),
    )


def categories_chart(record=None):
    """Listings entered per edition by the market's category."""
    return cached_for_generation(
        "chart:categories",
        lambda: _lines_by("categories", "category", _category_label, record),
    )


def company_chart(company, record=None):
    """A company's markets (its own and its subsidiaries') named in each edition, by section
    (against `record`, the edition record, when the page has read it already)."""
    return cached_for_generation(
        f"chart:company:{company.pk}", lambda: _company_chart(company, record)
    )


def _company_chart(company, record):
    record = record or Report.objects.edition_record()
    markets = Market.objects.published().for_company(company)
    listings = Listing.objects.published().filter(market__in=markets)
    rows = (
        listings.values_list("report__year", "market__kind")
        .annotate(number=Count("pk"))
        .order_by()
        .values_list("report__year", "market__kind", "number")
    )
    years, series = _grouped(rows, lambda kind: Kind(kind).label, record)
    total = sum(sum(each.values) for each in series)
    return Chart(
        name="company",
        slug=company.slug,
        title=f"{company.name}'s markets named in each edition",
        kind="bars",
        years=years,
        series=series,
        notes=_lower_bound_note(record, years),
        summary=(
            f"Bar chart of the listings of {company.name}'s markets (its own and its "
            f"subsidiaries') in each edition, {_span(years)}: {total} in all."
        ),
    )


CHARTS = {
    "editions": editions_chart,
    "countries": countries_chart,
    "categories": categories_chart,
}
