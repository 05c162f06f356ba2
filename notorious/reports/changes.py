"""What changed between two published editions: markets added, returning, dropped, and
moved to another section, each with the listing its reasons come from.

Two editions are compared by their published listings (listing, edition and market all
published). For editions that are not consecutive, the editions between them are not looked
at, except to tell a market coming back from one named for the first time:

- *added*: in `to`, not in `from`, and in no edition before `from`;
- *returning*: in `to`, not in `from`, but in an edition before `from` (absent from the
  edition just before, present earlier);
- *dropped*: in `from`, not in `to`;
- *section changed*: in both, in different sections of the report.

Each change rests on editions (`markets.history` is the rule): *added* on every edition up
to `from` being complete for the market's section (or on a source saying the listing is
its first), *returning* on `from`, *dropped* on `to`. When they are not, the change goes in
its own group, with a note naming what is missing: *first entered* (may have been named
before), *entered again* (may be continuing), *not entered* (may still be listed). A
section change is always a fact: both listings are entered.

An edition's own changes (its page, the home page) are the same groups from the year
before it, whether or not an edition reviewing that year is on record (`edition_changes`):
with none, nothing can be dropped or returning, and nothing new but by a source's word,
exactly as `markets.history.compute_history` says of each market.

The groups are sets in SQL (`change_sets.ChangeSets`): all counted in two queries and read
a bounded slice at a time (`ChangeGroup`, a page of a group), so a page costs the same
whatever the number of markets. Between an edition and the year before it, the groups are
the edition's stored turns, and its section changes its stored moves (`turn_sets.TurnSets`).
tests/test_change_sets.py checks them against `compute_history` market by market.

Category is not compared: it is an attribute of the market, not of its listing, so what
category a market had in an edition is not on record. (The editors' change history records
when the database changed, not what an edition said, so it cannot stand in for that.)
"""

from dataclasses import dataclass, field

from django.urls import reverse

from notorious.companies.models import Company
from notorious.markets.history import EditionRecord
from notorious.markets.models import Market

from .change_sets import GROUPS, ChangeSets, MarketChange, in_model_order  # noqa: F401 (MarketChange: for callers)
from .models import Listing, Report
from .turn_sets import TurnSets

# How many of each group a page lists before linking to the group's own pages: with their
# reasons on the changes pages, by name on an edition's page and the home page.
CHANGES_SHOWN = 20
TURNS_SHOWN = 50
GROUP_LABELS = {
    "added": "Added",
    "returning": "Returning",
    "dropped": "Dropped",
    "section_changed": "Moved to another section",
    "first_entered": "First entered",
    "entered_again": "Entered again",
    "not_entered": "Not entered",
}


class ChangeGroup:
    """One group's first `shown` changes (a list) and how many it holds in all (`count`),
    with its own pages' address (`more_url`) when some are left out."""

    def __init__(self, name, changes, count, kinds, more_url=""):
        self.name, self.entries, self.count, self.kinds = name, changes, count, kinds
        self.more_url = more_url

    @property
    def label(self):
        return GROUP_LABELS[self.name]

    @property
    def more(self):
        return self.count > len(self.entries)

    @property
    def confirmed(self):
        """Whether the group's changes are facts (not the groups the record leaves open)."""
        return self.name in GROUPS[:4]

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, index):
        return self.entries[index]

    def __bool__(self):
        return self.count > 0


@dataclass(frozen=True)
class Changes:
    """What the edition `to_report` changed since the year `from_year` (see the module's
    docstring): each group a `ChangeGroup`, the notes on what keeps some from being facts."""

    from_year: int
    to_report: Report
    record: EditionRecord
    groups: dict = field(default_factory=dict)
    # Markets in both editions (section changes included); None when not counted.
    continuing_count: int | None = 0
    sets: ChangeSets | None = field(default=None, compare=False, repr=False)

    def __getattr__(self, name):
        try:
            return self.__dict__["groups"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def year(self):
        return self.to_report.year

    @property
    def previous_year(self):
        return self.year - 1

    @property
    def previous_on_record(self):
        """An edition reviewing the year before `to_report` is on record."""
        return self.record.has_edition(self.previous_year)

    @property
    def new(self):
        """The edition page's name for `added`."""
        return self.groups["added"]

    @property
    def change_count(self):
        return sum(self.groups[name].count for name in GROUPS[:4])

    @property
    def unconfirmed_count(self):
        return sum(self.groups[name].count for name in GROUPS[4:])

    @property
    def unconfirmed(self):
        return bool(self.unconfirmed_count)

    @property
    def first_entered_note(self):
        """What keeps the first-entered markets from being called added."""
        return self._note("first_entered", self.from_year, self.record.incomplete_through)

    @property
    def entered_again_note(self):
        """What keeps the markets entered again from being called returning."""
        return self._note("entered_again", self.from_year, self.record.missing_in)

    @property
    def not_entered_note(self):
        """What keeps the markets not entered from being called dropped."""
        return self._note("not_entered", self.year, self.record.missing_in)

    def _note(self, name, year, describe):
        kinds = self.groups[name].kinds
        return "; ".join(filter(None, (describe(year, kind) for kind in kinds)))


@dataclass(frozen=True)
class EditionChanges(Changes):
    """The difference between two published editions (`from_report` older than `to_report`)."""

    from_report: Report | None = None
    editions_between: tuple = ()  # years of the published editions between the two

    @property
    def consecutive(self):
        return not self.editions_between

    @property
    def years_without_edition(self):
        """Years between the two with no edition on record: what they listed is not known."""
        years = range(self.from_report.year + 1, self.to_report.year)
        return [year for year in years if not self.record.has_edition(year)]


def read_changes(sets, shown=None, more_url=None, counts=None):
    """Every group of `sets`, counted, with its first `shown` changes: the counts' queries,
    then the changes of the groups that are not empty (`sets.first_changes`: one query, and
    one more for section changes). `more_url(name)` is the address of a group's own pages.
    `counts`: the groups to read, counted (`sets.counts()` by default, every group and the
    markets in both editions)."""
    shown = CHANGES_SHOWN if shown is None else shown
    counts = sets.counts() if counts is None else counts
    sizes = {name: sum(counts[name].values()) for name in GROUPS if name in counts}
    read = sets.first_changes({name: size for name, size in sizes.items() if size}, shown)
    groups = {}
    for name, count in sizes.items():
        by_kind = counts[name]
        entries = read.get(name, [])
        kinds = [kind for kind, number in sorted(by_kind.items()) if number]
        url = more_url(name) if more_url and count > len(entries) else ""
        groups[name] = ChangeGroup(name, entries, count, kinds, url)
    return groups, counts["continuing"]["all"] if "continuing" in counts else None


def compare_editions(from_report, to_report, record=None, shown=None, more_url=None):
    """What changed from the edition `from_report` to the later edition `to_report`, against
    `record` (`Report.objects.edition_record()`, read here if not given), each group with
    its first `shown` (CHANGES_SHOWN) changes in market-name order and its count.

    Only published listings of published markets count; both editions must be published
    (views refuse drafts before calling this). A fixed number of queries, whatever the
    number of markets.
    """
    if from_report.year >= to_report.year:
        raise ValueError("from_report must review an earlier year than to_report")
    record = record or Report.objects.edition_record()
    # Consecutive editions: the later one's stored turns are the changes (`TurnSets`).
    if from_report.year == to_report.year - 1:
        sets = TurnSets(to_report, record)
    else:
        sets = ChangeSets(from_report.year, to_report, record)
    groups, continuing = read_changes(sets, shown, more_url)
    return EditionChanges(
        from_year=from_report.year,
        to_report=to_report,
        record=record,
        groups=groups,
        continuing_count=continuing,
        sets=sets,
        from_report=from_report,
        editions_between=tuple(
            year for year in record.years if from_report.year < year < to_report.year
        ),
    )


class NamedTurnSets(TurnSets):
    """An edition's turns for its own page and the home page, which name each market: the
    groups' rows are read without their reasons, quotations and editions, nor the last
    edition naming a returning market before."""

    says_last_listed = False
    # What the edition's page and the home page show of each market in its turns: its name,
    # linked, and its operator's when published (and the listing's edition, which `changes`
    # sets from the record).
    row_models = (
        (Listing, "", in_model_order(Listing, ["id", "report_id", "market_id"])),
        (Market, "market__", in_model_order(Market, ["id", "name", "slug", "kind", "operator_id"])),
        (
            Company,
            "market__operator__",
            in_model_order(Company, ["id", "name", "slug", "is_published"]),
        ),
    )


def edition_changes(report, record, shown=None, more_url=None, turns_only=False):
    """What the published edition `report` changed since the year before it, on record or
    not: its new, returning and dropped markets and those the record cannot confirm, as
    `markets.history` says of each market in that edition (see the module's docstring).
    `turns_only`: only those groups (no section changes, no count of the markets in both:
    `continuing_count` None), counted from the stored counts alone (`TurnSets.turn_counts`),
    each change's market named (`NamedTurnSets`: no reasons)."""
    sets = (NamedTurnSets if turns_only else TurnSets)(report, record)
    counts = sets.turn_counts() if turns_only else None
    groups, continuing = read_changes(sets, shown, more_url, counts)
    return Changes(report.year - 1, report, record, groups, continuing, sets)


def edition_turns(report, record, shown=None):
    """`edition_changes` for the edition's page and the home page, turns only (what they
    show; constant work however many markets): each group's first `shown` markets, linked
    to the group's pages on the edition's changes page when that page compares the same
    editions (an edition reviewing the year before is on record)."""
    changes_url = reverse("reports:changes", kwargs={"year": report.year})

    def more_url(name):
        return f"{changes_url}?group={name}" if record.has_edition(report.year - 1) else ""

    shown = TURNS_SHOWN if shown is None else shown
    return edition_changes(report, record, shown, more_url, turns_only=True)
