"""What one edition changed: markets new, returning and dropped in it, the facts apart from
what the record leaves open (`markets.history` is the rule; `turn_cases` sorts by it the
few cases a market can be in, so that a query counts and shortens the groups of a whole
edition in the database).

A change rests on other editions: *new* on every edition before it, *returning* on the
year before, *dropped* on the edition's own section. When those are incomplete, the page
says what is known instead, each group with a note naming what is missing:

- *first entered*: its first listing entered here, earlier editions being incomplete;
- *entered again*: named here and earlier, but not entered for the year before, which is
  incomplete or not on record, so continuing or returning is not known;
- *not entered*: named the year before, not among this edition's entered listings while
  its section is incomplete, so it may still be listed.
"""

import itertools
from dataclasses import dataclass, field

from .history import LISTED, NEW, RETURNING, compute_history

# The groups of an edition's changes, in the order pages show them.
GROUPS = ("new", "returning", "dropped", "first_entered", "entered_again", "not_entered")


@dataclass(frozen=True)
class EditionTurns:
    """The changes one edition (`year`) made, each group in name order.

    A group may be shortened to its first markets (`MarketQuerySet.turns_in` with a
    `length`): `counts` always holds how many each group has in all.
    """

    year: int
    previous_on_record: bool  # an edition reviewing the year before is on record
    new: tuple = ()
    returning: tuple = ()
    dropped: tuple = ()
    first_entered: tuple = ()
    entered_again: tuple = ()
    not_entered: tuple = ()
    # What keeps each unconfirmed group from being facts (see `edition_turns`).
    first_entered_note: str = ""
    entered_again_note: str = ""
    not_entered_note: str = ""
    counts: dict = field(default_factory=dict, compare=False)  # group -> markets in all

    @property
    def previous_year(self):
        return self.year - 1

    @property
    def unconfirmed(self):
        return any(self.counts.get(name) for name in GROUPS[3:])

    @property
    def shortened(self):
        """Whether some group shows fewer markets than it has."""
        return any(len(getattr(self, name)) < self.counts.get(name, 0) for name in GROUPS)


def turn_of(record, year, section, named, before, earlier, first_by_source):
    """The group of the changes of the edition reviewing `year` (one of GROUPS, or "" for
    none) of a market in `section` that is `named` in it, listed `before` (the year
    before), listed `earlier` (in any year before that) and whose listing in `year` a
    source says is its first (`first_by_source`). By `compute_history`, the one rule:
    nothing else in a market's history bears on what an edition changed for it.
    """
    years = [each for each, listed in ((year, named), (year - 1, before)) if listed]
    if earlier:
        earlier_years = [each for each in record.years if each < year - 1]
        if not earlier_years:  # no edition to have named it in: not a case that occurs
            return ""
        years.append(earlier_years[-1])
    # The source's word is about the listing in `year`, so it counts when that is the first.
    history = compute_history(record, section, years, first_by_source and not (before or earlier))
    status, confirmed = history.status_in(year)
    dropped, drop_confirmed = history.dropped_in(year)
    if status == NEW:
        return "new" if confirmed else "first_entered"
    if status == RETURNING:
        return "returning"
    if status == LISTED:
        return "entered_again"
    if dropped:
        return "dropped" if drop_confirmed else "not_entered"
    return ""


def turn_cases(record, year, sections):
    """Every case a market can be in for the edition reviewing `year`, by group: {group:
    [case, ...]}, each case a dict of `turn_of`'s arguments (`section`, `named`, `before`,
    `first_by_source`, and `earlier`, left out where it makes no difference), so that a
    query sorts thousands of markets into the groups by the same rule.
    """
    cases = {name: [] for name in GROUPS}
    for section, named, before, first_by_source in itertools.product(
        sections, (False, True), (False, True), (False, True)
    ):
        case = {"section": section, "named": named, "before": before}
        case["first_by_source"] = first_by_source
        groups = {earlier: turn_of(record, year, earlier=earlier, **case) for earlier in (0, 1)}
        if groups[False] == groups[True]:
            if groups[False]:
                cases[groups[False]].append(case)
            continue
        for earlier, name in groups.items():
            if name:
                cases[name].append({**case, "earlier": bool(earlier)})
    return cases


def edition_turns(record, year, markets, counts):
    """The changes of the edition reviewing `year`: `markets` are those shown, each with
    its `turn` (a group name), in order; `counts` maps (group, section) to how many markets
    the group has in all, which also says which sections each note is about."""
    groups = {name: [] for name in GROUPS}
    for market in markets:
        groups[market.turn].append(market)

    def note(name, describe):
        sections = sorted(section for group, section in counts if group == name)
        return "; ".join(filter(None, (describe(section) for section in sections)))

    totals = dict.fromkeys(GROUPS, 0)
    for (name, _section), count in counts.items():
        totals[name] += count
    return EditionTurns(
        year=year,
        previous_on_record=record.has_edition(year - 1),
        **{name: tuple(markets) for name, markets in groups.items()},
        first_entered_note=note(
            "first_entered", lambda section: record.incomplete_through(year - 1, section)
        ),
        entered_again_note=note(
            "entered_again", lambda section: record.missing_in(year - 1, section)
        ),
        not_entered_note=note("not_entered", lambda section: record.missing_in(year, section)),
        counts=totals,
    )
