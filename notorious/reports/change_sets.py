"""The changes between two editions as sets in SQL: which listings fall in each group of
`reports.changes` (see its docstring for the groups and the rule), counted in the database
and read a slice at a time, so a page costs the same whatever the number of markets.

The rule stated here for sets is `markets.history.compute_history`'s for one market;
tests/test_change_sets.py checks that they agree, market by market.
"""

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import router
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import IsNull

from notorious.core import prepared
from notorious.core.models import instance_from_row
from notorious.markets.models import Kind, Market

from .models import Listing

# A LIMIT no query reaches (see `ChangeSets.counts`).
UNBOUNDED = 2**62
# A group this small has its ids read before its rows (see `ChangeSets.listings`).
FEW = 500
# What `ChangeSets` annotates each listing with, for its groups' conditions.
FLAGS = ("in_from", "before_from", "moved", "in_to")
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
    index (`listing_market_editions`, index-only). The market is the listing's own,
    published, so no join checks it again."""
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


def _named_before(editions, in_from):
    """Whether the listing's market has a published listing in one of `editions`, asked
    only where it has none in `from` (`in_from`, an expression): for the rest, most of an
    edition, the answer changes no group. A scalar subquery, which PostgreSQL probes a row
    at a time by `listing_market_editions`; an EXISTS here was hashed, reading every earlier
    edition's listings on each request (90,000 at 10,000 markets: 118 of the count's 328 ms)."""
    if not editions:
        return Value(False)
    earlier = Listing.objects.filter(
        market=OuterRef("market"),
        is_published=True,
        report_id__in=[edition.pk for edition in editions],
    ).order_by()
    return Case(
        When(in_from, then=Value(False)),
        default=IsNull(Subquery(earlier.values("report_id")[:1]), False),
        output_field=BooleanField(),
    )


def _counted(listings):
    """`listings` as a subquery to count over: unordered, and with a LIMIT (that no edition
    reaches), which keeps PostgreSQL from copying each EXISTS into every count reading it,
    so each is probed once a listing, not once a count (205 ms against 1.1 s at 10,000
    markets). Its flags (aliases) are selected for the counts to read."""
    flags = {name: F(name) for name in FLAGS if name in listings.query.annotations}
    columns = listings.annotate(**flags).order_by()
    return columns.values("pk", "source_says_first", "market__kind", *flags)[:UNBOUNDED]


# What a change shows of its listing and market (`MarketChange`, `{% change_items %}`).
CHANGE_FIELDS = [
    "report_id",
    "market_id",
    "section",
    "reasons",
    "quotation",
    "quotation_page",
    "market__name",
    "market__slug",
]


def in_model_order(model, names):
    """The columns `names` of `model` in its fields' order, as `from_db` takes them."""
    return [field.attname for field in model._meta.concrete_fields if field.attname in names]


# A group's `editions_before` in those rows when it says none (not a returning group).
NO_EDITIONS = Value(None, output_field=ArrayField(BigIntegerField()))
# `first_changes`' statements, compiled: {what one is made from: (SQL, parameters)}. One
# for each pair of editions compared; any change to the record (an edition's entered
# counts) makes another, so it is emptied when this many are kept.
STATEMENTS = {}
STATEMENTS_KEPT = 256


class ChangeSets:
    """The changes from the year `from_year` to the edition `to_report` as SQL: each group a
    queryset of listings (`listings(name)`), all counted in two queries (`counts`).
    `record` is the readers' record (published editions): it says which editions count."""

    # Whether a returning market's change says the last edition naming it before
    # (`editions_before`, an array subquery a row).
    says_last_listed = True
    # What `first_rows` reads of each change, model by model from its listing: (model, path
    # to it, its columns). The same as `CHANGE_FIELDS`, with the ids that join them.
    row_models = (
        (Listing, "", in_model_order(Listing, ["id", *CHANGE_FIELDS])),
        (Market, "market__", in_model_order(Market, ["id", "name", "slug"])),
    )

    def __init__(self, from_year, to_report, record):
        self.from_year, self.to_report, self.record = from_year, to_report, record
        self._sources = {}
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
        before = self._editions(lambda year: year < self.from_year)
        # Aliases, not annotations: a group's rows test them, and do not read them again.
        # The edition is published (callers refuse drafts), so its flag is not joined again.
        return (
            Listing.objects.published(of="report")
            .filter(report=self.to_report)
            .alias(
                in_from=_named(in_from),
                before_from=_named_before(before, _named(in_from)),
                moved=_named(in_from, ~Q(section=OuterRef("section"))),
            )
        )

    def _from_listings(self):
        # By the edition's id (the record's, so published: its flag is not joined again),
        # not its year: a year is a join to the editions that the planner may drive from
        # every market's listings.
        editions = self._editions(lambda year: year == self.from_year)
        return (
            Listing.objects.published(of="report")
            .filter(report__in=editions)
            .alias(in_to=_named([self.to_report]))
        )

    def source(self, name):
        """The listings the group `name` is drawn from, the later edition's or the earlier's
        (`_to_listings`, `_from_listings`), built once: the counts and every group filter
        them, and building one (its aliases' subqueries) cost about 0.7 ms each time."""
        later = name in TO_GROUPS
        if later not in self._sources:
            self._sources[later] = self._to_listings() if later else self._from_listings()
        return self._sources[later]

    def counts(self):
        """{group: {kind: how many}} for every group, and "continuing": {"all": n} (markets
        in both), in two queries."""
        counts = {}
        for groups, listings in ((TO_GROUPS, self.source("added")), (FROM_GROUPS, None)):
            listings = self.source("dropped") if listings is None else listings
            aggregates = {
                f"{name}:{kind.value}": Count(
                    "pk", filter=self.conditions[name] & Q(market__kind=kind.value)
                )
                for name in groups
                for kind in Kind
            }
            if groups is TO_GROUPS:
                aggregates["continuing:all"] = Count("pk", filter=Q(in_from=True))
            for key, value in _counted(listings).aggregate(**aggregates).items():
                name, kind = key.split(":")
                counts.setdefault(name, {})[kind] = value
        return counts

    def condition(self, name):
        """The group `name` as a condition on the listings it is drawn from (`source`)."""
        return self.conditions[name]

    def members(self, name):
        """The group `name`'s listings, unordered."""
        return self.source(name).filter(self.condition(name))

    def listings(self, name, count=None):
        """The group `name`'s listings (what a change shows of each and of its market,
        `CHANGE_FIELDS`), in market-name order; `editions_before` for a returning market.
        `count`, the group's size from `counts` if known, picks the quicker query (an extra
        one when small)."""
        members = self.members(name)
        if count is not None and count <= FEW:
            # A small group's ids first (one query, index-only), then its rows by name:
            # asked for both at once, PostgreSQL walks the markets by name testing each,
            # quick for a large group but reading every market for a small one (50 first
            # entered of 5,000 listings: 217 ms at 10,000 markets, under load).
            ids = members.order_by().values_list("pk", flat=True)[:UNBOUNDED]
            members = Listing.objects.filter(pk__in=list(ids))
        # Only what a change's item shows (`{% change_items %}`): the markets' search vectors,
        # descriptions and operators, and the edition joined again on every row, were most
        # of what this read. The edition is put back by `changes`, from the record.
        return self.in_order(name, members.select_related("market").only(*CHANGE_FIELDS))

    def in_order(self, name, listings):
        """`listings` of the group `name` in market-name order, with `editions_before` for
        a returning market (`says_last_listed`)."""
        listings = listings.order_by("market__name", "market__pk")
        if name in ("returning", "entered_again") and self.says_last_listed:
            # Which editions before `from` list the market (their ids: `changes` takes the
            # latest year from the record), probed by `listing_market_editions` alone. The
            # latest year in SQL joined the editions on every row, and its plan cost more
            # than reading the rows (6 ms of planning at 10,000 markets).
            before = self._editions(lambda year: year < self.from_year)
            earlier = (
                Listing.objects.filter(
                    market=OuterRef("market"),
                    is_published=True,
                    report_id__in=[edition.pk for edition in before],
                )
                .order_by()  # not the listings' order, which joins their editions and markets
                .values("report_id")
            )
            listings = listings.annotate(editions_before=ArraySubquery(earlier))
        return listings

    def previous_sections(self, listings):
        """{market id: its section in `from_year`} for the section changes among `listings`."""
        return dict(
            Listing.objects.published()
            .filter(report__year=self.from_year, market__in=[each.market_id for each in listings])
            .values_list("market_id", "section")
        )

    def first_changes(self, counts, shown):
        """{group: its first `shown` changes (MarketChanges)} for each group of `counts`
        ({name: its size}, none empty), read in one statement (`first_rows`), and one more
        for section changes. The statement is compiled once for what it is made from (the
        SQL only: its rows are read each time): the editions compared and the record, which
        the groups' conditions rest on, the groups and their sizes' plans, and `shown`.
        Built and compiled on each request, a query a group (and a small group's ids
        first), the changes page at 10,000 markets made 49,812 function calls and 7
        statements, 14-17 ms of Python; now 30,430 calls, 4 statements and 9.3 ms. Every
        database the site reads is PostgreSQL: one SQL serves them all."""
        if not counts or not shown:
            return {}
        editions = tuple((edition.pk, edition.year) for edition in self.record.editions)
        key = (type(self), self.from_year, self.to_report.pk, self.to_report.year, editions)
        key += (tuple(self.record.sections.items()), shown)
        key += tuple((name, count <= FEW) for name, count in counts.items())
        statement = STATEMENTS.get(key)
        if statement is None:
            if len(STATEMENTS) >= STATEMENTS_KEPT:
                STATEMENTS.clear()
            statement = STATEMENTS[key] = self.first_rows(counts, shown).query.sql_with_params()
        database = router.db_for_read(Listing)
        rows = prepared.fetch_all(database, *statement)
        listings = {name: [] for name in counts}
        for row in rows:
            listings[row[-1]].append(self.from_row(database, row))
        return {name: self.changes(name, each) for name, each in listings.items()}

    def first_rows(self, counts, shown):
        """`first_changes`' rows: each group's first `shown` listings (`row_models`' columns,
        `editions_before`, the group's name) joined by UNION ALL, in each group's order again
        (UNION ALL does not promise to keep it). A small group's ids are read by a subquery
        with a LIMIT, planned on its own and run once, as `listings` reads them first."""
        parts = []
        for name, count in counts.items():
            members = self.members(name)
            if count <= FEW:
                ids = members.order_by().values("pk")[:UNBOUNDED]
                members = Listing.objects.filter(pk__in=ids)
            rows = self.in_order(name, members)
            if "editions_before" not in rows.query.annotations:
                rows = rows.annotate(editions_before=NO_EDITIONS)  # the same columns in each
            columns = [path + column for _, path, columns in self.row_models for column in columns]
            rows = rows.annotate(change_group=Value(name))
            rows = rows.values_list(*columns, "editions_before", "change_group")
            parts.append(rows[:shown])
        if len(parts) == 1:
            return parts[0]
        rows = parts[0].union(*parts[1:], all=True)
        return rows.order_by("change_group", "market__name", "market_id")

    def from_row(self, database, row):
        """A row of `first_rows` as `listings` reads a listing: with its market (and the
        market's operator, or None, when `row_models` go so far), as `select_related` does,
        and `editions_before`. Each made by `core.models.instance_from_row`, not `from_db`:
        about 0.4 ms less for a changes page's 60 rows at 10,000 markets."""
        related, start = [], 0
        for model, _path, columns in self.row_models:
            values = row[start : start + len(columns)]
            missing = values[0] is None  # no operator
            related.append(None if missing else instance_from_row(model, database, columns, values))
            start += len(columns)
        listing, market, *operator = related
        listing.market = market
        if operator:
            market.operator = operator[0]
        listing.editions_before = row[-2]
        return listing

    def changes(self, name, listings):
        """`listings` of the group `name` as MarketChanges (one query for a section change)."""
        listings = list(listings)
        editions = {edition.pk: edition for edition in [*self.record.editions, self.to_report]}
        for listing in listings:
            if listing.report_id in editions:  # else read on demand, as before
                listing.report = editions[listing.report_id]
        previous = self.previous_sections(listings) if name == "section_changed" else {}
        years = {edition.pk: edition.year for edition in self.record.editions}
        return [
            MarketChange(
                listing.market,
                listing,
                previous_section=previous.get(listing.market_id, ""),
                last_listed_before=max(
                    (years[pk] for pk in getattr(listing, "editions_before", None) or ()),
                    default=None,
                ),
            )
            for listing in listings
        ]
