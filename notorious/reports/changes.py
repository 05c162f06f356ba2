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

Category is not compared: it is an attribute of the market, not of its listing, so what
category a market had in an edition is not on record. (The editors' change history records
when the database changed, not what an edition said, so it cannot stand in for that.)
"""

from dataclasses import dataclass, field

from django.db.models import Max

from notorious.markets.history import EditionRecord
from notorious.markets.models import Kind, Market

from .models import Listing, Report


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


@dataclass(frozen=True)
class EditionChanges:
    """The difference between two published editions (`from_report` older than `to_report`)."""

    from_report: Report
    to_report: Report
    record: EditionRecord
    added: list = field(default_factory=list)
    returning: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    section_changed: list = field(default_factory=list)
    # The changes the record cannot confirm (see the module's docstring).
    first_entered: list = field(default_factory=list)
    entered_again: list = field(default_factory=list)
    not_entered: list = field(default_factory=list)
    continuing_count: int = 0  # markets in both editions (section changes included)
    editions_between: tuple = ()  # years of the published editions between the two

    @property
    def consecutive(self):
        return not self.editions_between

    @property
    def years_without_edition(self):
        """Years between the two with no edition on record: what they listed is not known."""
        years = range(self.from_report.year + 1, self.to_report.year)
        return [year for year in years if not self.record.has_edition(year)]

    @property
    def change_count(self):
        return len(self.added) + len(self.returning) + len(self.dropped) + len(self.section_changed)

    @property
    def unconfirmed_count(self):
        return len(self.first_entered) + len(self.entered_again) + len(self.not_entered)

    @property
    def first_entered_note(self):
        """What keeps the first-entered markets from being called added."""
        year = self.from_report.year
        return self._note(
            self.first_entered, lambda kind: self.record.incomplete_through(year, kind)
        )

    @property
    def entered_again_note(self):
        """What keeps the markets entered again from being called returning."""
        return self._note(
            self.entered_again, lambda kind: self.record.missing_in(self.from_report.year, kind)
        )

    @property
    def not_entered_note(self):
        """What keeps the markets not entered from being called dropped."""
        return self._note(
            self.not_entered, lambda kind: self.record.missing_in(self.to_report.year, kind)
        )

    @staticmethod
    def _note(changes, describe):
        kinds = sorted({change.market.kind for change in changes})
        return "; ".join(filter(None, (describe(kind) for kind in kinds)))


def compare_editions(from_report, to_report, record=None):
    """What changed from the edition `from_report` to the later edition `to_report`, against
    `record` (`Report.objects.edition_record()`, read here if not given).

    Only published listings of published markets count; both editions must be published
    (views refuse drafts before calling this). Three queries (four without `record`),
    whatever the number of markets. Each group is in market-name order.
    """
    if from_report.year >= to_report.year:
        raise ValueError("from_report must review an earlier year than to_report")
    record = record or Report.objects.edition_record()
    before, after = _listings_by_market(from_report, to_report)
    last_listed_before = _last_listed_before(from_report, to_report)
    groups = {name: [] for name in ("added", "returning", "first_entered", "entered_again")}
    section_changed = []
    for market_id, listing in after.items():
        kind = listing.market.kind
        earlier = before.get(market_id)
        if earlier is not None:
            if earlier.section != listing.section:
                section_changed.append(
                    MarketChange(listing.market, listing, previous_section=earlier.section)
                )
        elif market_id in last_listed_before:
            # Returning rests on `from` being complete: else it may have been in it.
            name = "returning" if record.is_complete(from_report.year, kind) else "entered_again"
            groups[name].append(
                MarketChange(
                    listing.market, listing, last_listed_before=last_listed_before[market_id]
                )
            )
        else:
            # Added rests on every edition up to `from`, unless a source says it is new.
            confirmed = listing.source_says_first or record.complete_through(from_report.year, kind)
            groups["added" if confirmed else "first_entered"].append(
                MarketChange(listing.market, listing)
            )
    dropped, not_entered = [], []
    for market_id, listing in before.items():
        if market_id not in after:
            confirmed = record.is_complete(to_report.year, listing.market.kind)
            (dropped if confirmed else not_entered).append(MarketChange(listing.market, listing))
    return EditionChanges(
        from_report=from_report,
        to_report=to_report,
        record=record,
        **groups,
        dropped=dropped,
        not_entered=not_entered,
        section_changed=section_changed,
        continuing_count=sum(1 for market_id in after if market_id in before),
        editions_between=tuple(
            year for year in record.years if from_report.year < year < to_report.year
        ),
    )


def _listings_by_market(from_report, to_report):
    """The two editions' published listings, each as {market id: listing}, in market-name
    order."""
    listings = (
        Listing.objects.published()
        .filter(report__in=[from_report, to_report])
        .select_related("market")
        .order_by("market__name", "market__pk")
    )
    before, after = {}, {}
    for listing in listings:
        # The editions are already at hand: no need to load them with every listing.
        if listing.report_id == to_report.pk:
            listing.report = to_report
            after[listing.market_id] = listing
        else:
            listing.report = from_report
            before[listing.market_id] = listing
    return before, after


def _last_listed_before(from_report, to_report):
    """For each market in `to_report`, the last edition before `from_report` naming it."""
    return dict(
        Listing.objects.published()
        .filter(
            report__year__lt=from_report.year,
            market_id__in=Listing.objects.published().filter(report=to_report).values("market_id"),
        )
        .order_by()
        .values("market_id")
        .annotate(last_year=Max("report__year"))
        .values_list("market_id", "last_year")
    )
