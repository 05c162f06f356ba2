"""`/timeline/` as one row per edition: its date, its listings entered, the turns it made
(first listed, listed again, dropped, and the turns the record cannot confirm, counted
apart) and the coverage published in its month. Three queries however large the record:
the editions (`edition_record`), the turns counted by edition and kind (`MarketTurns.
counts_by_kind`: for all published markets, the stored counts of `turn_counts`), and the
coverage of the editions' months (one range count each, read from the articles' date
index). A year with no edition on record
is a row of its own, stating that nothing is known of it.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import DateField
from django.db.models.expressions import RawSQL

from notorious.core.addresses import number_url
from notorious.press.models import Article

from .models import Report
from .timeline import edition_date, edition_events
from .timeline_turns import (
    DROPPED,
    ENTERED_AGAIN,
    FIRST_ENTERED,
    FIRST_LISTED,
    NOT_ENTERED,
    RETURNED,
    MarketTurns,
)


def month_bounds(day):
    """The first day of `day`'s month and of the next."""
    start = day.replace(day=1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following


@dataclass(frozen=True)
class EditionRow:
    """One edition (or one year with no edition on record: `report` None) on the timeline."""

    year: int
    date: datetime.date  # for ordering; see `date_known`
    date_known: bool
    date_display: str
    report: Report | None = None
    turns: dict = field(default_factory=dict)  # {turn kind: how many}
    coverage: int | None = None  # articles published that month; None when undated

    @property
    def is_gap(self):
        return self.report is None

    @property
    def sections(self):
        return self.report.sections if self.report else []

    @property
    def entered(self):
        return sum(section.entered for section in self.sections)

    def count(self, kind):
        return self.turns.get(kind, 0)

    @property
    def new(self):
        return self.count(FIRST_LISTED)

    @property
    def returning(self):
        return self.count(RETURNED)

    @property
    def dropped(self):
        return self.count(DROPPED)

    @property
    def unconfirmed(self):
        """Turns the record cannot confirm, by kind: (first entered, entered again, not
        entered). Never added to the confirmed counts."""
        return self.count(FIRST_ENTERED), self.count(ENTERED_AGAIN), self.count(NOT_ENTERED)

    @property
    def any_unconfirmed(self):
        return any(self.unconfirmed)

    @property
    def month(self):
        return self.date if self.date_known else None

    @property
    def changes_url(self):
        """The address of the edition's changes page."""
        return number_url("reports:changes", "year", self.year)


def edition_rows(markets=None, articles=None, newest_first=False):
    """Each edition's row and each gap's, in date order: three queries. `markets`: a
    queryset of published markets, None for all of them (whose turns are counted already,
    `turn_counts`)."""
    record = Report.objects.edition_record()
    articles = Article.objects.published() if articles is None else articles
    dates = {report.year: edition_date(report)[0] for report in record.editions}
    turns = MarketTurns(markets, record, dates).counts_by_kind()
    months = sorted({report.published_on for report in record.editions if report.published_on})
    coverage = coverage_by_month(articles, months)
    rows = []
    for report in record.editions:
        edition = edition_events(report)
        month = month_bounds(report.published_on)[0] if report.published_on else None
        rows.append(
            EditionRow(
                report.year,
                edition.date,
                edition.date_known,
                edition.date_display,
                report=report,
                turns=turns.get(report.year, {}),
                coverage=coverage.get(month) if month else None,
            )
        )
    for year in record.span:
        if not record.has_edition(year):
            rows.append(
                EditionRow(year, datetime.date(year + 1, 1, 1), False, "No edition on record")
            )
    rows.sort(key=lambda row: (row.date, row.year), reverse=newest_first)
    return rows


def coverage_by_month(articles, days):
    """{first day of the month: articles published in it} for the months of `days`: one
    query counting each month apart, so that each count reads only that month's range of
    the articles' date index (an index-only scan once the table is vacuumed; one count of
    all the months together made PostgreSQL read every month's rows from the table). The
    articles' query is built once, its date range taken from each row of a table of the
    months (`unnest`), not once a month (at 24 editions, building 24 querysets was a tenth
    of the timeline's time)."""
    months = sorted({month_bounds(day) for day in days})
    if not months:
        return {}
    in_month = articles.order_by().filter(
        published_on__gte=RawSQL("month.start", (), output_field=DateField()),
        published_on__lt=RawSQL("month.stop", (), output_field=DateField()),
    )
    try:
        each, params = in_month.values("pk").query.sql_with_params()
    except EmptyResultSet:  # no article can match (`Article.objects.none()`)
        return {start: 0 for start, _ in months}
    sql = (
        f"SELECT month.start, (SELECT count(*) FROM ({each}) AS counted) "
        "FROM unnest(%s::date[], %s::date[]) AS month (start, stop)"
    )
    starts, stops = [start for start, _ in months], [stop for _, stop in months]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, starts, stops])
        return dict(cursor.fetchall())
