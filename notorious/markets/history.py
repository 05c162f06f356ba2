"""A market's listing history, derived from its listings and never stored
(`Market.listing_history` gathers the facts; `compute_history` works the statuses out).

Editions are compared by the year they review. A listing is *new* the first time a market
is named, *continuing* when the market was also in the previous edition on record, and
*returning* when it comes back after one or more editions without it.
"""

from dataclasses import dataclass, field

NEW = "new"
CONTINUING = "continuing"
RETURNING = "returning"
UNRECORDED = "unrecorded"  # an edition before a market's first entered listing, when it was
# named in earlier editions whose listings are not entered: neither listed nor not listed.
STATUS_CHOICES = [(NEW, "New"), (CONTINUING, "Continuing"), (RETURNING, "Returning")]


@dataclass(frozen=True)
class TimelineCell:
    year: int
    listed: bool
    status: str = ""  # NEW / CONTINUING / RETURNING when listed, else "" or UNRECORDED

    @property
    def label(self):
        if self.status == UNRECORDED:
            return "Not recorded"
        return self.status.capitalize() if self.listed else "Not listed"


@dataclass(frozen=True)
class ListingHistory:
    edition_years: tuple  # every edition considered, oldest first
    listed_years: tuple  # the editions naming the market, oldest first
    statuses: dict = field(default_factory=dict)  # year -> status
    listed_earlier: bool = False  # named in editions before its first entered listing

    @property
    def first_year(self):
        return self.listed_years[0] if self.listed_years else None

    @property
    def last_year(self):
        return self.listed_years[-1] if self.listed_years else None

    @property
    def years_listed(self):
        return len(self.listed_years)

    @property
    def latest_edition(self):
        return self.edition_years[-1] if self.edition_years else None

    @property
    def in_latest_edition(self):
        return bool(self.listed_years) and self.listed_years[-1] == self.latest_edition

    @property
    def current_run(self):
        """Consecutive editions, up to and including the latest, that name the market."""
        run = 0
        listed = set(self.listed_years)
        for year in reversed(self.edition_years):
            if year not in listed:
                break
            run += 1
        return run

    def status_in(self, year):
        if self.listed_earlier and self.listed_years and year < self.listed_years[0]:
            return UNRECORDED
        return self.statuses.get(year, "")

    def cells(self, since=None):
        """One cell per edition (from `since`, if given) for a timeline strip."""
        listed = set(self.listed_years)
        return [
            TimelineCell(year, year in listed, self.status_in(year))
            for year in self.edition_years
            if since is None or year >= since
        ]


def compute_history(edition_years, listed_years, listed_earlier=False):
    """Work out statuses from the editions on record and the years a market is named in.

    `listed_earlier` says the market was named in editions before its first entered listing
    (whose listings are not entered), so that listing continues a run rather than starting
    one, and the editions before it are unrecorded rather than "not listed".
    """
    editions = tuple(sorted(set(edition_years)))
    listed = set(listed_years) & set(editions)
    statuses, previous_listed, seen = {}, False, False
    for year in editions:
        if year in listed:
            if not seen:
                statuses[year] = CONTINUING if listed_earlier else NEW
            elif previous_listed:
                statuses[year] = CONTINUING
            else:
                statuses[year] = RETURNING
            seen = True
        previous_listed = year in listed
    return ListingHistory(editions, tuple(sorted(listed)), statuses, listed_earlier)
