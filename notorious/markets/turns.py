"""What one edition changed: markets new, returning and dropped in it, the facts apart from
what the record leaves open (`markets.history` is the rule; this only sorts by it).

A change rests on other editions: *new* on every edition before it, *returning* on the
year before, *dropped* on the edition's own section. When those are incomplete, the page
says what is known instead, each group with a note naming what is missing:

- *first entered*: its first listing entered here, earlier editions being incomplete;
- *entered again*: named here and earlier, but not entered for the year before, which is
  incomplete or not on record, so continuing or returning is not known;
- *not entered*: named the year before, not among this edition's entered listings while
  its section is incomplete, so it may still be listed.
"""

from dataclasses import dataclass

from .history import LISTED, NEW, RETURNING


@dataclass(frozen=True)
class EditionTurns:
    """The changes one edition (`year`) made, each group in the order the markets came."""

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

    @property
    def previous_year(self):
        return self.year - 1

    @property
    def unconfirmed(self):
        return bool(self.first_entered or self.entered_again or self.not_entered)


def edition_turns(record, year, histories):
    """The changes of the edition reviewing `year`, from `histories`: (market, its
    `ListingHistory` against `record`) for every market named in `year` or the year before.
    """
    groups = {name: [] for name in ("new", "returning", "dropped")}
    groups.update(first_entered=[], entered_again=[], not_entered=[])
    sections = {name: set() for name in groups}
    for market, history in histories:
        status, confirmed = history.status_in(year)
        dropped, drop_confirmed = history.dropped_in(year)
        if status == NEW:
            name = "new" if confirmed else "first_entered"
        elif status == RETURNING:
            name = "returning"
        elif status == LISTED:
            name = "entered_again"
        elif dropped:
            name = "dropped" if drop_confirmed else "not_entered"
        else:
            continue
        groups[name].append(market)
        sections[name].add(history.section)

    def note(name, describe):
        return "; ".join(filter(None, (describe(section) for section in sorted(sections[name]))))

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
    )
