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

The groups are sets in SQL (`ChangeSets`): counted in one query for all of them and read a
bounded slice at a time (`ChangeGroup`, a page of a group), so a page costs the same
whatever the number of markets. tests/test_change_sets.py checks them against
`compute_history` market by market.

Category is not compared: it is an attribute of the market, not of its listing, so what
category a market had in an edition is not on record. (The editors' change history records
when the database changed, not what an edition said, so it cannot stand in for that.)
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.urls import reverse

from notorious.markets.history import EditionRecord
from notorious.markets.models import Kind, Market

from .models import Listing, Report

# How many of each group a page lists before linking to the group's own pages: with their
# reasons on the changes pages, by name on an edition's page and the home page.
CHANGES_SHOWN = 20
TURNS_SHOWN = 50
# Groups from the later edition's listings, then from the earlier one's.
TO_GROUPS = ("added", "first_entered", "returning", "entered_again", "section_changed")
FROM_GROUPS = ("dropped", "not_entered")
GROUPS = (
    "added",
    "returning",
    "dropped",
    "section_changed",
    # Not confirmed: the editions they rest on are incomplete.
    "first_entered",
    "entered_again",
    "not_entered",
)
GROUP_LABELS = {
    "added": "Added",
    "returning": "Returning",
    "dropped": "Dropped",
    "section_changed": "Moved to another section",
    "first_entered": "First entered",
    "entered_again": "Entered again",
    "not_entered": "Not entered",
}


@dataclass(frozen=True)
class MarketChange:
    """One market that changed between the editions, with the listing its reasons come from:
    the `to` listing, or for a dropped market the `from` listing."""

    market: Market
    listing: Listing
    previous_section: str = ""  # section changed: the section it had in `from`
    last_listed_before: int | None = None  # returning: the last edition before `from` naming it

    @property
    def previous_section_display(self):
        return Kind(self.previous_section).label if self.previous_section else ""


def _kinds(test):
    """The kinds of market (sections) for which `test(kind)` holds, and those for which not."""
    kinds = [kind.value for kind in Kind]
    return [kind for kind in kinds if test(kind)], [kind for kind in kinds if not test(kind)]


def _kind_in(kinds):
    """The listing's market is of one of `kinds` (false for none: an empty IN would make
    Django drop the whole aggregate as an empty result)."""
    return Q(market__kind__in=kinds) if kinds else Q(Value(False))


def _named(editions, *where):
    """Whether the listing's market has a published listing in one of `editions` (published
    ones, from the record) matching `where`: an EXISTS probing the market's listings by
    index. The market is the listing's own, published, so no join checks it again."""
    if not editions:
        return Value(False)
    return Exists(
        Listing.objects.filter(
            *where,
            market=OuterRef("market"),
            is_published=True,
            report_id__in=[edition.pk for edition in editions],
        )
    )


class ChangeSets:
    """The changes from the year `from_year` to the edition `to_report` as SQL: each group a
    queryset of listings (`listings(name)`), all counted in two queries (`counts`).
    `record` is the readers' record (published editions): it says which editions count."""

    def __init__(self, from_year, to_report, record):
        self.from_year, self.to_report, self.record = from_year, to_report, record
        through, not_through = _kinds(lambda kind: record.complete_through(from_year, kind))
        complete_from, incomplete_from = _kinds(lambda kind: record.is_complete(from_year, kind))
        complete_to, incomplete_to = _kinds(lambda kind: record.is_complete(to_report.year, kind))
        new = Q(in_from=False, before_from=False)
        back = Q(in_from=False, before_from=True)
        # Each group's condition, on `_to_listings` or `_from_listings`: the one statement.
        self.conditions = {
            "added": new & (Q(source_says_first=True) | _kind_in(through)),
            "first_entered": new & Q(source_says_first=False) & _kind_in(not_through),
            "returning": back & _kind_in(complete_from),
            "entered_again": back & _kind_in(incomplete_from),
            "section_changed": Q(moved=True),
            "dropped": Q(in_to=False) & _kind_in(complete_to),
            "not_entered": Q(in_to=False) & _kind_in(incomplete_to),
        }

    def _editions(self, test):
        return [edition for edition in self.record.editions if test(edition.year)]

    def _to_listings(self):
        in_from = self._editions(lambda year: year == self.from_year)
        return (
            Listing.objects.published()
            .filter(report=self.to_report)
            .annotate(
                in_from=_named(in_from),
                before_from=_named(self._editions(lambda year: year < self.from_year)),
                moved=_named(in_from, ~Q(section=OuterRef("section"))),
            )
        )

    def _from_listings(self):
        return (
            Listing.objects.published()
            .filter(report__year=self.from_year)
            .annotate(in_to=_named([self.to_report]))
        )

    def counts(self):
        """{group: {kind: how many}} for every group, and "continuing": {"all": n} (markets
        in both), in two queries."""
        counts = {}
        for groups, listings in ((TO_GROUPS, self._to_listings()), (FROM_GROUPS, None)):
            listings = listings if listings is not None else self._from_listings()
            aggregates = {
                f"{name}:{kind.value}": Count(
                    "pk", filter=self.conditions[name] & Q(market__kind=kind.value)
                )
                for name in groups
                for kind in Kind
            }
            if groups is TO_GROUPS:
                aggregates["continuing:all"] = Count("pk", filter=Q(in_from=True))
            for key, value in listings.aggregate(**aggregates).items():
                name, kind = key.split(":")
                counts.setdefault(name, {})[kind] = value
        return counts

    def listings(self, name):
        """The group `name`'s listings (each with its market, operator and edition), in
        market-name order; `last_from_year` for a returning market."""
        source = self._to_listings() if name in TO_GROUPS else self._from_listings()
        listings = (
            source.filter(self.conditions[name])
            .select_related("market__operator", "report")
            .order_by("market__name", "market__pk")
        )
        if name in ("returning", "entered_again"):
            earlier = (
                Listing.objects.published()
                .filter(market=OuterRef("market"), report__year__lt=self.from_year)
                .order_by("-report__year")
                .values("report__year")[:1]
            )
            listings = listings.annotate(last_from_year=Subquery(earlier))
        return listings

    def previous_sections(self, listings):
        """{market id: its section in `from_year`} for the section changes among `listings`."""
        return dict(
            Listing.objects.published()
            .filter(report__year=self.from_year, market__in=[each.market_id for each in listings])
            .values_list("market_id", "section")
        )

    def changes(self, name, listings):
        """`listings` of the group `name` as MarketChanges (one query for a section change)."""
        listings = list(listings)
        previous = self.previous_sections(listings) if name == "section_changed" else {}
        return [
            MarketChange(
                listing.market,
                listing,
                previous_section=previous.get(listing.market_id, ""),
                last_listed_before=getattr(listing, "last_from_year", None),
            )
            for listing in listings
        ]


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
    continuing_count: int = 0  # markets in both editions (section changes included)
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


def read_changes(sets, shown=None, more_url=None):
    """Every group of `sets`, counted, with its first `shown` changes: three queries, and
    one per group that is not empty (two for section changes). `more_url(name)` is the
    address of a group's own pages."""
    shown = CHANGES_SHOWN if shown is None else shown
    counts = sets.counts()
    groups = {}
    for name in GROUPS:
        by_kind = counts[name]
        count = sum(by_kind.values())
        entries = sets.changes(name, sets.listings(name)[:shown]) if count and shown else []
        kinds = [kind for kind, number in sorted(by_kind.items()) if number]
        url = more_url(name) if more_url and count > len(entries) else ""
        groups[name] = ChangeGroup(name, entries, count, kinds, url)
    return groups, counts["continuing"]["all"]


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


def edition_changes(report, record, shown=None, more_url=None):
    """What the published edition `report` changed since the year before it, on record or
    not: its new, returning and dropped markets and those the record cannot confirm, as
    `markets.history` says of each market in that edition (see the module's docstring)."""
    sets = ChangeSets(report.year - 1, report, record)
    groups, continuing = read_changes(sets, shown, more_url)
    return Changes(report.year - 1, report, record, groups, continuing, sets)


def edition_turns(report, record, shown=None):
    """`edition_changes` for the edition's page and the home page: each group's first
    `shown` markets, linked to the group's pages on the edition's changes page when that
    page compares the same editions (an edition reviewing the year before is on record)."""
    changes_url = reverse("reports:changes", kwargs={"year": report.year})

    def more_url(name):
        return f"{changes_url}?group={name}" if record.has_edition(report.year - 1) else ""

    return edition_changes(report, record, TURNS_SHOWN if shown is None else shown, more_url)
