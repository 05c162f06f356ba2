"""Import editions' facts from a CSV file, one edition a row, keyed on the year it reviews.

`plan_reports_import(data)` reads and checks the whole file and returns a `ReportsPlan`
(what it would create and change, or every bad row with its line), writing nothing;
`run_reports_import(data, dry_run=...)` plans and writes in one transaction, or raises
`ImportFileError` and writes nothing. The `import_reports` command and the admin's "Import
editions" page are thin wrappers around them, as for the listings import, whose reading,
validation and summary they share (`import_csv.py`, `import_plan.py`).

An empty cell leaves the stored value alone; a filled one replaces it. Every edition to be
written is checked with `Report.full_clean`, as the admin's form does: an edition marked
complete needs a completeness note, from the file or already stored. The format is
documented in docs/editors.md ("Importing editions"), with `docs/reports-example.csv`.
"""

import datetime
import re

from .import_csv import CsvFormat, parse_cells, parse_year, required_problems, yes_no_parser
from .import_plan import BasePlanner, Creation, Entry, ImportPlan, plan_file, run_file
from .models import DatePrecision, Publication, Report

REPORTS_FORMAT = CsvFormat(
    columns=(
        "year",
        "publication",
        "title",
        "published_on",
        "online_count",
        "physical_count",
        "source_url",
        "issue_focus",
        "online_complete",
        "physical_complete",
        "completeness_note",
    ),
    required=("year",),
)

# The columns that fill one field each, by that field, in the columns' order (the year is
# the key; published_on fills two fields).
FIELDS = {
    "publication": "publication",
    "title": "title",
    "online_count": "online_count_stated",
    "physical_count": "physical_count_stated",
    "source_url": "source_url",
    "issue_focus": "issue_focus",
    "online_complete": "online_all_entered",
    "physical_complete": "physical_all_entered",
    "completeness_note": "completeness_note",
}

DATE_FORMATS = (
    (re.compile(r"\d{4}"), "%Y", DatePrecision.YEAR),
    (re.compile(r"\d{4}-\d{1,2}"), "%Y-%m", DatePrecision.MONTH),
    (re.compile(r"\d{4}-\d{1,2}-\d{1,2}"), "%Y-%m-%d", DatePrecision.DAY),
)


def parse_publication(value):
    """A `Publication` by its name (or its code), any case."""
    for publication in Publication:
        if value.casefold() in (publication.label.casefold(), publication.value.casefold()):
            return publication.value
    names = "; ".join(publication.label for publication in Publication)
    raise ValueError(f"unknown publication '{value}'; use one of: {names}.")


def parse_published_on(value):
    """(date, precision) from YYYY, YYYY-MM or YYYY-MM-DD: the date is known to that
    precision, and stored as its first day (as the admin asks)."""
    for pattern, date_format, precision in DATE_FORMATS:
        if pattern.fullmatch(value):
            try:
                return datetime.datetime.strptime(value, date_format).date(), precision
            except ValueError:
                break
    raise ValueError(f"published_on '{value}' is not a date such as 2022, 2022-02 or 2022-02-17.")


def count_parser(column):
    def parse(value):
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{column} '{value}' is not a whole number.") from None

    return parse


PARSERS = {
    "year": parse_year,
    "publication": parse_publication,
    "published_on": parse_published_on,
    "online_count": count_parser("online_count"),
    "physical_count": count_parser("physical_count"),
    "online_complete": yes_no_parser("online_complete"),
    "physical_complete": yes_no_parser("physical_complete"),
}


class ReportPlanner(BasePlanner):
    """Walks the rows once, building the editions to create or change."""

    column_names = {
        **{field: column for column, field in FIELDS.items()},
        "published_on_precision": "published_on",
    }

    def __init__(self):
        super().__init__()
        self.reports = {}  # year -> Entry
        self.stored = {}  # year -> the Report stored, read once (`prepare`)

    def prepare(self, rows):
        self.stored = {report.year: report for report in Report.objects.all()}

    def entries(self):
        return [self.reports[year] for year in sorted(self.reports)]

    def target(self, entry):
        # By its year: the title the row may change is what the edition is otherwise called.
        return f"report {entry.obj.year}"

    def add_row(self, line, row):
        values, problems = parse_cells(row, PARSERS)
        for problem in required_problems(row, REPORTS_FORMAT) + problems:
            self.error(line, problem)
        if problems or not row["year"]:
            return
        year = values["year"]
        if year in self.reports:
            self.error(
                line,
                f"the {year} edition is already on line {self.reports[year].line}; give each "
                "edition once.",
            )
            return
        report = self.stored.get(year)
        if report is None:
            report = Report(year=year, slug=str(year), is_published=False)
        entry = Entry(report, is_new=report.pk is None, line=line)
        self.reports[year] = entry
        for column in REPORTS_FORMAT.columns:
            if not row[column] or column == "year":
                continue
            if column == "published_on":
                self._publication_date(entry, *values[column], line)
                continue
            field_name = FIELDS[column]
            label = report._meta.get_field(field_name).verbose_name
            value = values[column]
            shown = Publication(value).label if field_name == "publication" else None
            self.set_field(entry, field_name, value, line, label, shown)

    def _publication_date(self, entry, date, precision, line):
        """Plan the date and its precision, shown as one change: "2022 → February 2022"."""
        report = entry.obj
        old = report.publication_date_display
        given = (date, precision)
        entry.given["published_on"] = entry.given["published_on_precision"] = (given, "", line)
        if (report.published_on, report.published_on_precision) == given:
            return
        report.published_on, report.published_on_precision = given
        self.record_change(
            entry, "published_on", "publication date", old, report.publication_date_display
        )
        if not entry.is_new:
            # The precision is written with the date it qualifies.
            entry.also_written.add("published_on_precision")


class ReportsPlan(ImportPlan):
    """What importing an editions file would do."""

    def describe(self, planner):
        for entry in planner.entries():
            report = entry.obj
            if entry.is_new:
                publication = Publication(report.publication or Publication.for_year(report.year))
                facts = [f'"{report}"', publication.label]
                if report.published_on:
                    facts.append(f"published {report.publication_date_display}")
                self.created.append(
                    Creation("report", f"{report.year}: {', '.join(facts)} (draft)")
                )
            self.changes.extend(entry.changes.values())

    def write(self, planner):
        for entry in planner.entries():
            if entry.is_dirty:
                entry.save()


def plan_reports_import(data):
    """Read and check the whole file (bytes or text) and return a ReportsPlan; writes nothing."""
    return plan_file(data, REPORTS_FORMAT, ReportPlanner(), ReportsPlan)


def run_reports_import(data, dry_run=False):
    """Plan the import of `data` and, unless `dry_run`, write it, in one transaction; raises
    `ImportFileError` with every bad row and writes nothing if any row is bad."""
    return run_file(plan_reports_import, data, dry_run=dry_run)
