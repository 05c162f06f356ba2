"""What may be said about a market in each edition: the one rule every page, feed, download
and the API follow. Derived from the listings and the editions' completeness, never stored.

For each year from the first edition on record to the latest, a market is
- **listed** when a listing is entered;
- **not listed** only when that section of that edition is complete (its entered listings
  reach the count the report states, or an editor marked it all entered);
- **not entered** when the section is incomplete and no listing is entered: it may or may
  not have been named;
- **no edition on record** for a year with no edition entered: a gap, never skipped.

A listing is *new* the first time a market is named, *continuing* when it was also named
the year before, *returning* when it comes back after a year without it. Each is a fact
(`confirmed`) only when the editions it rests on are complete for the market's section:
new rests on every edition since USTR's first list (or on a source saying it is the first
listing), returning on the year before being complete, continuing on two listings.
Otherwise the status says what is known: *first entered* (a first listing that earlier,
incomplete editions may have preceded) or *listed* (continuing or returning, not known).
"""

from dataclasses import dataclass, field
from functools import cached_property

# The first notorious-markets list USTR published (in its Special 301 Report): no market
# was named in an edition reviewing an earlier year.
FIRST_EDITION_YEAR = 2006

# What a cell says about one edition.
LISTED = "listed"
NOT_LISTED = "not_listed"
NOT_ENTERED = "not_entered"
NO_EDITION = "no_edition"

# A listing's status. LISTED (above) is the status of a listing that may be continuing or
# returning: the year before is incomplete or not on record.
NEW = "new"
CONTINUING = "continuing"
RETURNING = "returning"
STATUS_CHOICES = [(NEW, "New"), (CONTINUING, "Continuing"), (RETURNING, "Returning")]

STATE_LABELS = {
    NOT_LISTED: "Not listed",
    NOT_ENTERED: "Not entered",
    NO_EDITION: "No edition on record",
}
CONFIRMED_LABELS = {NEW: "New", CONTINUING: "Continuing", RETURNING: "Returning"}
UNCONFIRMED_LABELS = {NEW: "First entered", LISTED: "Listed"}


@dataclass(frozen=True)
class SectionRecord:
    """One section (online or physical) of one edition, as far as the site knows it."""

    year: int
    section: str
    stated: int | None  # how many markets the report says the section lists
    entered: int  # how many listings are entered (that readers may see)
    all_entered: bool = False  # an editor vouches that every listing is entered

    @property
    def complete(self):
        return self.all_entered or (self.stated is not None and self.entered == self.stated)

    @property
    def entered_text(self):
        """How far the section is entered, for readers: "39 of 39 entered — complete",
        "6 of 39 entered", "40 entered — marked all entered" (the report's note says why)."""
        entered = f"{self.entered} of {self.stated}" if self.stated is not None else self.entered
        if self.all_entered:
            return f"{entered} entered — marked all entered"
        if self.complete:
            return f"{entered} entered — complete"
        if self.stated is None:
            return f"{entered} entered; the report's count is not recorded"
        if self.entered > self.stated:
            return f"{entered} entered: more than the report states, to be checked"
        return f"{entered} entered"

    @property
    def missing_text(self):
        """What is missing, for a note: "6 of 39 online markets entered"."""
        if self.stated is None:
            return (
                f"{self.entered} {self.section} markets entered; the report's count is not recorded"
            )
        return f"{self.entered} of {self.stated} {self.section} markets entered"


@dataclass(frozen=True)
class EditionRecord:
    """The editions on record and each section's completeness: what every statement about
    listing histories rests on. Built once per request by `Report.objects.edition_record()`."""

    years: tuple = ()  # the editions on record, oldest first
    sections: dict = field(default_factory=dict)  # (year, section) -> SectionRecord
    # The editions themselves as read (reports with their entered counts), oldest first.
    editions: tuple = field(default=(), compare=False, repr=False)

    @property
    def latest_year(self):
        return self.years[-1] if self.years else None

    @property
    def latest_edition(self):
        """The latest edition on record, with its entered counts, or None."""
        return self.editions[-1] if self.editions else None

    @cached_property
    def span(self):
        """Every year from the first edition on record to the latest, gaps included."""
        return tuple(range(self.years[0], self.years[-1] + 1)) if self.years else ()

    # A page asks these of every market and year (1,200 cells for 50 strips): each answer
    # is worked out once per record, which is read once per request and never changed.
    @cached_property
    def _years_on_record(self):
        return frozenset(self.years)

    @cached_property
    def _complete_sections(self):
        return frozenset(key for key, record in self.sections.items() if record.complete)

    def has_edition(self, year):
        return year in self._years_on_record

    def section(self, year, section):
        return self.sections.get((year, section))

    def is_complete(self, year, section):
        return (year, section) in self._complete_sections

    def complete_through(self, year, section):
        """Every edition from USTR's first list to `year` is on record and complete."""
        return all(self.is_complete(each, section) for each in range(FIRST_EDITION_YEAR, year + 1))

    def incomplete_years(self, section):
        return [year for year in self.years if not self.is_complete(year, section)]

    def missing_in(self, year, section):
        """Why `section` of `year` is not complete, for a note ("the 2023 review: 6 of 39
        online markets entered", "no edition reviewing 2016 is on record"); "" if complete."""
        if not self.has_edition(year):
            return f"no edition reviewing {year} is on record"
        if self.is_complete(year, section):
            return ""
        return f"the {year} review: {self.section(year, section).missing_text}"

    def unconfirmed_because(self, year, section, status):
        """Why a listing's `status` (NEW or LISTED) in `year` is not a fact, for a note."""
        if status == NEW:
            return f"earlier editions are incomplete ({self.incomplete_through(year - 1, section)})"
        return self.missing_in(year - 1, section)

    def incomplete_through(self, year, section):
        """Which editions from USTR's first list to `year` are not complete for `section`,
        for a note: "no edition on record for 2006–2016; online section incomplete in 2018
        and 2020" ("" when every one is complete)."""
        years = range(FIRST_EDITION_YEAR, year + 1)
        absent = [each for each in years if not self.has_edition(each)]
        partial = [each for each in years if self.has_edition(each)]
        partial = [each for each in partial if not self.is_complete(each, section)]
        notes = []
        if absent:
            notes.append(f"no edition on record for {year_ranges(absent)}")
        if partial:
            notes.append(f"{section} section incomplete in {year_ranges(partial)}")
        return "; ".join(notes)


def year_ranges(years):
    """Years as runs, for a sentence: [2006, 2007, 2008, 2010] -> "2006–2008 and 2010"."""
    runs = []
    for year in sorted(years):
        if runs and runs[-1][1] == year - 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    parts = [str(first) if first == last else f"{first}–{last}" for first, last in runs]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


@dataclass(frozen=True)
class Cell:
    """What a timeline says about a market in one year."""

    year: int
    state: str  # LISTED, NOT_LISTED, NOT_ENTERED or NO_EDITION
    status: str = ""  # for a listing: NEW, CONTINUING, RETURNING or LISTED
    confirmed: bool = True

    @property
    def listed(self):
        return self.state == LISTED

    @property
    def label(self):
        if self.state != LISTED:
            return STATE_LABELS[self.state]
        if self.confirmed:
            return CONFIRMED_LABELS[self.status]
        return UNCONFIRMED_LABELS.get(self.status, "Listed")


@dataclass(frozen=True)
class ListingHistory:
    """A market's listings against the record: a cell for every year, and what may be
    said of its first listing, its current run and the latest edition."""

    record: EditionRecord
    section: str
    listed_years: tuple  # the editions naming the market, oldest first
    statuses: dict = field(default_factory=dict)  # year -> (status, confirmed)

    @property
    def edition_years(self):
        return self.record.years

    @property
    def first_year(self):
        """The first edition with a listing entered (see `first_confirmed`)."""
        return self.listed_years[0] if self.listed_years else None

    @property
    def first_confirmed(self):
        """Whether `first_year` is the market's first listing as a fact."""
        return bool(self.listed_years) and self.statuses[self.first_year] == (NEW, True)

    @property
    def first_missing(self):
        """What keeps `first_year` from being the first listing as a fact, for a note ("no
        edition on record for 2006–2016; ..."); "" when it is one."""
        if not self.listed_years or self.first_confirmed:
            return ""
        return self.record.incomplete_through(self.first_year - 1, self.section)

    @property
    def last_year(self):
        return self.listed_years[-1] if self.listed_years else None

    @property
    def last_confirmed(self):
        """Whether `last_year` is the market's last listing as a fact: every later year has
        an edition on record whose section is complete."""
        if not self.listed_years:
            return False
        last = self.last_year
        later = [year for year in self.record.span if year > last]
        return all(self.state_in(year) == NOT_LISTED for year in later)

    @property
    def years_listed(self):
        return len(self.listed_years)

    @property
    def complete_count(self):
        """Whether `years_listed` is known to be the full count: its first listing is a fact
        and every later year is on record and listed or complete (for a market never
        listed, every edition from USTR's first list to the latest is complete)."""
        if not self.listed_years:
            latest = self.record.latest_year
            return latest is not None and self.record.complete_through(latest, self.section)
        first = self.first_year
        later = [year for year in self.record.span if year > first]
        return self.first_confirmed and all(
            self.state_in(year) in (LISTED, NOT_LISTED) for year in later
        )

    @property
    def not_entered_years(self):
        """Editions on record without a listing of the market entered whose section is
        incomplete: it may have been named in them, so `years_listed` may be short."""
        return [year for year in self.record.years if self.state_in(year) == NOT_ENTERED]

    @property
    def latest_edition(self):
        return self.record.latest_year

    @property
    def in_latest_edition(self):
        return bool(self.listed_years) and self.listed_years[-1] == self.latest_edition

    @property
    def latest_missing(self):
        """What the latest edition's section lacks, for a note ("6 of 39 online markets
        entered"); "" when it is complete or there is no edition."""
        latest = self.record.section(self.latest_edition, self.section)
        return "" if latest is None or latest.complete else latest.missing_text

    @property
    def latest_state(self):
        """LISTED, NOT_LISTED or NOT_ENTERED in the latest edition."""
        return self.state_in(self.latest_edition) if self.latest_edition else NO_EDITION

    @property
    def current_run(self):
        """Consecutive years up to the latest edition that name the market (only listings
        entered count: with incomplete earlier editions the run may be longer)."""
        run, listed = 0, set(self.listed_years)
        for year in reversed(self.record.span):
            if year not in listed:
                break
            run += 1
        return run

    def state_in(self, year):
        if year in self.statuses:
            return LISTED
        if not self.record.has_edition(year):
            return NO_EDITION
        return NOT_LISTED if self.record.is_complete(year, self.section) else NOT_ENTERED

    def cell_in(self, year):
        """The cell for `year`: what may be said of the market in that edition."""
        return Cell(year, self.state_in(year), *self.status_in(year))

    def status_in(self, year):
        """(status, confirmed) of the listing in `year`, or ("", True) when not listed."""
        return self.statuses.get(year, ("", True))

    def cells(self, since=None):
        """One cell per year of the record (from `since`, if given), gaps included."""
        return [self.cell_in(year) for year in self.record.span if since is None or year >= since]

    def dropped_in(self, year):
        """(dropped, confirmed): named the year before and not listed in `year`; a fact
        only when `year`'s section is complete, else it is not entered yet."""
        if year in self.statuses or (year - 1) not in self.statuses:
            return False, True
        if not self.record.has_edition(year):
            return False, True
        return True, self.record.is_complete(year, self.section)


def compute_history(record, section, listed_years, first_by_source=False):
    """The statuses of a market's listings in `section` against `record` (see the module's
    docstring). `first_by_source`: a source says the first entered listing is its first."""
    # A listing in an edition not on record (a draft, for readers) is not one to state.
    listed = sorted(set(listed_years) & set(record.years))
    named = set(listed)
    statuses = {}
    for index, year in enumerate(listed):
        before = year - 1
        if before in named:
            statuses[year] = (CONTINUING, True)
        elif index == 0:
            confirmed = (
                first_by_source
                or year <= FIRST_EDITION_YEAR
                or record.complete_through(before, section)
            )
            statuses[year] = (NEW, confirmed)
        elif record.is_complete(before, section):
            statuses[year] = (RETURNING, True)
        else:
            statuses[year] = (LISTED, False)
    return ListingHistory(record, section, tuple(listed), statuses)


def history_of_listings(record, section, listings):
    """A market's history from its listings that count, as (year, source_says_first) pairs
    in any order (`Market.listing_history`, `ListingQuerySet.listed_years`): a source
    saying so makes the first entered listing the first."""
    first = min((year for year, _said in listings), default=None)
    first_by_source = any(said for year, said in listings if year == first)
    return compute_history(record, section, [year for year, _said in listings], first_by_source)


def status_cases(record, year, section):
    """The statuses a listing in `year` of a market in `section` can have against `record`,
    case by case: [(case, (status, confirmed))], each case saying whether the market is
    listed the year before (`before`), else whether it is listed earlier (`earlier`), else
    whether a source says the listing is its first (`first_by_source`). Nothing else in a
    history bears on that status, so a query asking these few questions of each market
    (`MarketQuerySet.with_status_where`) follows `compute_history` without restating it.
    """
    cases = [{"before": True}, {"before": False, "earlier": True}]
    cases += [{"before": False, "earlier": False, "first_by_source": said} for said in (0, 1)]
    statuses = []
    for case in cases:
        years = [year]
        if case["before"]:
            years.append(year - 1)
        elif case["earlier"]:
            earlier = [each for each in record.years if each < year - 1]
            if not earlier:  # no edition to have named it in: not a case that occurs
                continue
            years.append(earlier[-1])
        said = bool(case.get("first_by_source"))
        history = compute_history(record, section, years, said)
        statuses.append((case, history.status_in(year)))
    return statuses
