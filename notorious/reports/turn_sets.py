"""An edition's changes since the year before it, its turns read from the stored turns.

`ChangeSets` finds who is new, back or dropped by probing every listing of two editions
for listings in all the editions before (about a second at 10,000 markets). Between an
edition and the year before it those groups are exactly the edition's stored turns
(`market_turns.MarketTurn`, kept true by triggers): the year's starts and drops, each
group the shapes of turn `market_turns.turn_kind` puts in it. So `TurnSets` counts them
from the year's stored counts of those shapes (`turn_counts.TurnCount`); the markets in
both editions are the edition's listings (its stored counts) that start no run, and the
section changes are the year's stored moves (`section_moves.SectionMove`, kept true the same
way). Each group's listings are read as `ChangeSets` reads them, the group's markets picked
from the stored turns or moves.
tests/test_market_turns.py checks both against `compute_history`, market by market.
"""

from django.db import router
from django.db.models import Q

from notorious.core import prepared
from notorious.markets.models import Kind

from .change_sets import ChangeSets
from .market_turns import (
    DROPPED,
    ENTERED_AGAIN,
    FIRST_ENTERED,
    FIRST_LISTED,
    NOT_ENTERED,
    RETURNED,
    MarketTurn,
    turn_kinds,
)
from .models import Listing
from .section_moves import SectionMove
from .turn_counts import TurnCount

# The changes pages' group of each kind of turn.
GROUP_OF_KIND = {
    FIRST_LISTED: "added",
    FIRST_ENTERED: "first_entered",
    RETURNED: "returning",
    ENTERED_AGAIN: "entered_again",
    DROPPED: "dropped",
    NOT_ENTERED: "not_entered",
}

# Per section (the market's), how many published markets the edition reviewing the year (the
# first parameter) moved from the other section (their stored moves, `section_moves`); and
# how many published listings of published markets the edition holds ("listed": its stored
# counts, `entry_counts`; the second parameter, its id).
_MOVED = """
SELECT 'moved', m.kind, count(*)
FROM reports_section_moves s
JOIN markets_market m ON m.id = s.market_id AND m.is_published
WHERE s.year = %s
GROUP BY m.kind
UNION ALL
SELECT 'listed', '', online_published + physical_published
FROM reports_entry_counts WHERE report_id = %s
"""
# The groups of the turns that start a run (a listing whose market the year before does
# not list): with the markets in both editions, every listing of the edition.
STARTS = ("added", "first_entered", "returning", "entered_again")


class TurnSets(ChangeSets):
    """`ChangeSets` from the year before `to_report` (a published edition) to it, against
    the readers' `record`: the same groups, counted in two small queries."""

    def __init__(self, to_report, record):
        super().__init__(to_report.year - 1, to_report, record)
        self.shapes = {}  # group -> [(section, dropped, earlier, said_first)]
        for _year, section, *shape, kind in turn_kinds(record, [to_report.year]):
            self.shapes.setdefault(GROUP_OF_KIND[kind], []).append((section, *shape))

    def condition(self, name):
        """The group `name` as a condition on listings: the listing's market is of a section
        whose stored turns of some shape put it in the group, and has a turn of that shape.
        The turns are probed by year and shape only (the section is the listing's market's,
        already joined), so PostgreSQL reads the group's markets from the table's year index.
        Built for the groups read only (the counts are the stored ones): building all six
        cost about 1 ms a changes page, which reads three at 10,000 markets. The section
        changes are the markets of the year's stored moves (`moves`)."""
        if name == "section_changed":
            return Q(market__in=self.moves().values("market_id"))
        sections = {}
        for section, *shape in self.shapes.get(name, []):
            sections.setdefault(section, []).append(tuple(shape))
        by_shapes = {}
        for section, shapes in sections.items():
            by_shapes.setdefault(tuple(sorted(shapes)), []).append(section)
        condition = Q(pk__in=[])
        for shapes, kinds in by_shapes.items():
            turns = Q(pk__in=[])
            for dropped, earlier, said_first in shapes:
                turns |= Q(dropped=dropped, earlier=earlier, said_first=said_first)
            markets = MarketTurn.objects.filter(turns, year=self.to_report.year)
            condition |= Q(market__kind__in=kinds, market__in=markets.values("market_id"))
        return condition

    def _to_listings(self):
        """The edition's listings, what the groups of the later edition are drawn from
        (each group picked by `condition`): without `before_from`, which probes every
        earlier edition, nor `moved`, which probes the edition before. The edition is
        published (callers refuse drafts), so its flag is not joined again."""
        return Listing.objects.published(of="report").filter(report=self.to_report)

    def _from_listings(self):
        """The earlier edition's listings (the record's, so published), without `in_to`:
        the groups drawn from them are picked by their stored turns (`condition`)."""
        editions = self._editions(lambda year: year == self.from_year)
        return Listing.objects.published(of="report").filter(report__in=editions)

    def moves(self):
        """The edition's stored moves from the other section (`section_moves`)."""
        return SectionMove.objects.filter(year=self.to_report.year)

    def previous_sections(self, listings):
        """{market id: its section the year before} for the section changes among
        `listings`, from their stored moves."""
        markets = [each.market_id for each in listings]
        return dict(
            self.moves().filter(market__in=markets).values_list("market_id", "previous_section")
        )

    def turn_counts(self):
        """{group: {kind: how many}} for the groups of turns (new, returning, dropped and
        those the record leaves open): one query of the year's stored counts
        (`turn_counts`), whatever the number of markets."""
        kinds = {
            (section, *shape): GROUP_OF_KIND[kind]
            for _year, section, *shape, kind in turn_kinds(self.record, [self.to_report.year])
        }
        sections = {section for section, *_shape in kinds}
        counts = {name: dict.fromkeys(sections, 0) for name in GROUP_OF_KIND.values()}
        rows = TurnCount.objects.filter(year=self.to_report.year).values_list(
            "section", "dropped", "earlier", "said_first", "markets"
        )
        for section, dropped, earlier, said_first, number in rows:
            counts[kinds[(section, dropped, earlier, said_first)]][section] += number
        return counts

    def counts(self):
        """{group: {kind: how many}} for every group, and "continuing": {"all": n}: two
        queries (`turn_counts`; the stored moves, and the edition's stored listing counts).
        The markets in both editions are the edition's listings that start no run."""
        counts = self.turn_counts()
        counts["section_changed"] = dict.fromkeys(Kind.values, 0)
        listed = 0
        rows = prepared.fetch_all(
            router.db_for_read(Listing), _MOVED, [self.to_report.year, self.to_report.pk]
        )
        for what, section, number in rows:
            if what == "moved":
                counts["section_changed"][section] = number
            else:
                listed = number
        starts = sum(sum(counts[name].values()) for name in STARTS)
        counts["continuing"] = {"all": listed - starts}
        return counts
