"""An edition's changes since the year before it, its turns read from the stored turns.

`ChangeSets` finds who is new, back or dropped by probing every listing of two editions
for listings in all the editions before (about a second at 10,000 markets). Between an
edition and the year before it those groups are exactly the edition's stored turns
(`market_turns.MarketTurn`, kept true by triggers): the year's starts and drops, each
group the shapes of turn `market_turns.turn_kind` puts in it. So `TurnSets` counts them
from the year's stored counts of those shapes (`turn_counts.TurnCount`); the markets in
both editions are the edition's listings (its stored counts) that start no run, and only
the section changes are counted from the two editions' listings (one join). Each group's
listings are read as `ChangeSets` reads them, the group's markets picked from the stored
turns.
tests/test_market_turns.py checks both against `compute_history`, market by market.
"""

from django.db import router
from django.db.models import OuterRef, Q

from notorious.core import prepared
from notorious.markets.models import Kind

from .change_sets import ChangeSets, _named
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

# The pairs of sections a market can move between: (its section in the later edition, in
# the earlier one).
_SECTION_PAIRS = [
    (later, earlier) for later in Kind.values for earlier in Kind.values if later != earlier
]
# The published markets listed in one section of the later edition (its id, the first
# parameter) and in another of the earlier (the third): for each pair of sections, a merge
# of the two editions' index ranges by market (`listing_edition_section`, index-only). One
# join of the two editions' listings with their sections compared after hashed 5,000 of
# them at 10,000 markets (5-6 ms, and up to 8 ms to plan). Each match's market is looked up
# by a subquery: joined, the planner, expecting hundreds of moves, read every market.
_MOVED_PAIR = """
    SELECT later.market_id FROM reports_listing later
    JOIN reports_listing earlier ON earlier.market_id = later.market_id
    WHERE later.report_id = %s AND later.is_published AND later.section = %s
        AND earlier.report_id = %s AND earlier.is_published AND earlier.section = %s
"""
# Per section (the market's), how many published markets moved ("moved"); and how many
# published listings of published markets the later edition holds ("listed": its stored
# counts, `entry_counts`; the last parameter, its id again).
_MOVED = f"""
SELECT 'moved', kind, count(*) FROM (
    SELECT (SELECT kind FROM markets_market WHERE id = pairs.market_id AND is_published) AS kind
    FROM ({"UNION ALL".join([_MOVED_PAIR] * len(_SECTION_PAIRS))}) pairs
) moved
WHERE kind IS NOT NULL
GROUP BY kind
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
        cost about 1 ms a changes page, which reads three at 10,000 markets."""
        if name not in GROUP_OF_KIND.values():
            return super().condition(name)
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
        (the turn groups picked by `condition`): without `before_from`, which probes every
        earlier edition, and the section changes' `moved` (`source`). The edition is
        published (callers refuse drafts), so its flag is not joined again."""
        return Listing.objects.published(of="report").filter(report=self.to_report)

    def _from_listings(self):
        """The earlier edition's listings (the record's, so published), without `in_to`:
        the groups drawn from them are picked by their stored turns (`condition`)."""
        editions = self._editions(lambda year: year == self.from_year)
        return Listing.objects.published(of="report").filter(report__in=editions)

    def source(self, name):
        """`ChangeSets.source`; the section changes' with their flag, `moved`, an EXISTS
        built only for them: the turn groups never test it (building it cost about 1,400
        function calls for each edition's listings), and selected it was probed on every
        row."""
        listings = super().source(name)
        if name == "section_changed":
            in_from = self._editions(lambda year: year == self.from_year)
            listings = listings.alias(moved=_named(in_from, ~Q(section=OuterRef("section"))))
        return listings

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
        queries (`turn_counts`; the section changes, and the edition's listings counted).
        The markets in both editions are the edition's listings that start no run."""
        counts = self.turn_counts()
        counts["section_changed"] = dict.fromkeys(Kind.values, 0)
        listed = 0
        # The earlier edition by its id from the record (so published), none if not on it.
        earlier = next(iter(self._editions(lambda year: year == self.from_year)), None)
        later = self.to_report.pk
        params = [
            value
            for pair in _SECTION_PAIRS
            for value in (later, pair[0], earlier and earlier.pk, pair[1])
        ]
        for what, section, number in prepared.fetch_all(
            router.db_for_read(Listing), _MOVED, [*params, later]
        ):
            if what == "moved":
                counts["section_changed"][section] = number
            else:
                listed = number
        starts = sum(sum(counts[name].values()) for name in STARTS)
        counts["continuing"] = {"all": listed - starts}
        return counts
