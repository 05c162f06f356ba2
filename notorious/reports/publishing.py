"""Publishing an edition in one step, and what unpublishing it takes from readers.

Publishing an edition publishes, in one transaction, everything readers need to see it: the
edition, its listings, the markets they name and the companies behind those markets (their
operators and every owner above them), whichever of these are still drafts. Each entry is
saved on its own, so its edit history records who published it, when and why.

Unpublishing takes back the edition only. Its listings, markets and companies keep their
state: readers see a listing only while its edition is published, so the listings vanish
with it, and the markets and companies appear on other editions and pages.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from notorious.companies.models import Company
from notorious.markets.history import compute_history
from notorious.markets.models import Market

from .completeness import editors_records, reader_warnings
from .models import Listing, Report

# The permission each kind of entry needs to be published, beside the edition's own.
CHANGE_PERMISSIONS = {
    Listing: "reports.change_listing",
    Market: "markets.change_market",
    Company: "companies.change_company",
}


@dataclass
class PublishPlan:
    """What publishing `report` makes public: the drafts among it, its listings, their
    markets and those markets' companies. Read with `PublishPlan.of(report)`."""

    report: Report
    edition_is_draft: bool = False  # the edition itself is among what is published
    listings: list = field(default_factory=list)
    markets: list = field(default_factory=list)
    companies: list = field(default_factory=list)  # (company, why it is needed)

    @classmethod
    def of(cls, report):
        """Only the drafts are loaded, and the companies behind the edition's markets: the
        edition's admin page asks on every view, and an edition may have thousands of
        listings. A few queries, however many."""
        listings = report.listings.order_by("section", "market__name")
        drafts = Market.objects.filter(listings__report=report, is_published=False)
        companies = _companies_behind(listings)
        return cls(
            report=report,
            edition_is_draft=not report.is_published,
            listings=list(listings.filter(is_published=False).select_related("market")),
            markets=sorted(drafts, key=lambda m: m.name),
            companies=sorted(
                ((c, why) for c, why in companies.values() if not c.is_published),
                key=lambda pair: pair[0].name,
            ),
        )

    @property
    def entries(self):
        """Every entry to publish, the edition first (as planned, also once applied)."""
        edition = [self.report] if self.edition_is_draft else []
        return [*edition, *self.listings, *self.markets, *(c for c, _ in self.companies)]

    @property
    def is_empty(self):
        return not self.entries

    @property
    def fingerprint(self):
        """A digest of exactly what would be published: the confirmation carries it, so a
        list that changed since the page was shown is not published unseen."""
        keys = sorted(f"{entry._meta.label}:{entry.pk}" for entry in self.entries)
        return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]

    def missing_permissions(self, user):
        """The verbose plural names of the kinds of entry the plan publishes that `user` may
        not change (the edition's own permission is the view's to check)."""
        needed = {Listing: self.listings, Market: self.markets, Company: self.companies}
        return [
            model._meta.verbose_name_plural
            for model, entries in needed.items()
            if entries and not user.has_perm(CHANGE_PERMISSIONS[model])
        ]

    def warnings(self):
        """What readers will be told once published: every listing entered will be public,
        so the editors' counts are what they will see."""
        return reader_warnings(editors_records(self.report))

    def apply(self, user):
        """Publish every entry of the plan, in one transaction (readers see all of it or
        none), each with a history record."""
        reason = f"Published with the {self.report.year} edition"
        with transaction.atomic():
            for entry in self.entries:
                entry.is_published = True
                entry._history_user = user
                entry._change_reason = reason
                entry.save(update_fields=["is_published", "updated_at"])


def _companies_behind(listings):
    """{pk: (company, why it is needed)} for the listed markets' operators and every owner
    above them, drafts or not (a published owner ends nothing: a draft further up would still
    hide the chain from readers). One query for the operators and one per level above."""
    operated = listings.filter(market__operator__isnull=False)
    pairs = sorted(
        operated.values_list("market__name", "market__operator"), key=lambda p: p[0].casefold()
    )
    operators = Company.objects.in_bulk({operator for _, operator in pairs})
    companies = {}
    for name, operator in pairs:
        companies.setdefault(operator, (operators[operator], f"operates {name}"))
    level = [company for company, _ in companies.values()]
    while level:
        wanted = {c.parent_id for c in level if c.parent_id and c.parent_id not in companies}
        owners = Company.objects.in_bulk(wanted)
        above = []
        for company in level:
            owner = owners.get(company.parent_id)
            if owner is not None and owner.pk not in companies:
                companies[owner.pk] = (owner, f"owns {company.name}")
                above.append(owner)
        level = above
    return companies


def edition_name(report):
    """The edition as named inside a sentence: its title, or "the 2021 edition"."""
    return report.title or f"the {report.year} edition"


def plan_changed_message():
    return (
        "What publishing this edition would make public has changed since the confirmation "
        "page was opened. Nothing was published: check the list again and confirm."
    )


# --- Unpublishing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementChange:
    """A statement readers see about a market that changes if the edition is unpublished."""

    market: Market
    year: int
    before: str  # e.g. "Returning", "Dropped"
    after: str  # e.g. "Listed", or "" when nothing is said any more

    def __str__(self):
        if not self.after:
            return f"{self.market}, {self.year}: “{self.before}” is no longer stated"
        return f"{self.market}, {self.year}: “{self.before}” becomes “{self.after}”"


@dataclass
class Loss:
    """What readers lose when `report` is unpublished (see `Loss.of`)."""

    report: Report
    listings: list = field(default_factory=list)  # published listings readers see now
    statements: list = field(default_factory=list)  # StatementChange
    is_latest: bool = False
    previous_year: int | None = None
    linked: list = field(default_factory=list)  # "2 articles", "1 figure"

    @classmethod
    def of(cls, report):
        if not report.is_published:
            return cls(report)
        record = Report.objects.edition_record()
        years = record.years
        return cls(
            report=report,
            listings=list(
                report.listings.published(of="report")
                .select_related("market")
                .order_by("section", "market__name")
            ),
            statements=_statements_resting_on(report, record),
            is_latest=record.latest_year == report.year,
            previous_year=max((y for y in years if y < report.year), default=None),
            linked=_published_links(report),
        )


def _record_without(record, year):
    """`record` as it would be with the edition reviewing `year` unpublished."""
    return type(record)(
        years=tuple(y for y in record.years if y != year),
        sections={key: value for key, value in record.sections.items() if key[0] != year},
    )


def _statements_resting_on(report, record):
    """Each statement on a market's timeline, other than the edition's own listing, that
    reads differently once the edition is unpublished: a status that can no longer be
    confirmed, a drop no longer stated."""
    without = _record_without(record, report.year)
    changes = []
    markets = Market.objects.published().with_listings().order_by("name")
    for market in markets:
        listings = list(market.listings.all())
        if not listings:
            continue
        before = market.listing_history(record)
        remaining = [listing for listing in listings if listing.report.year != report.year]
        years = [listing.report.year for listing in remaining]
        first = min(years, default=None)
        by_source = any(x.source_says_first for x in remaining if x.report.year == first)
        after = compute_history(without, market.kind, years, by_source)
        changes.extend(_differences(market, before, after, report.year))
    return changes


def _differences(market, before, after, removed_year):
    found = []
    for year in before.record.span:
        if year == removed_year:
            continue  # the year itself: the edition's own listings, listed separately
        if before.listed_years and year in before.listed_years:
            old, new = before.cell_in(year).label, after.cell_in(year).label
            if old != new:
                found.append(StatementChange(market, year, old, new))
    for year in (removed_year, removed_year + 1):
        dropped, confirmed = before.dropped_in(year)
        if dropped and confirmed and not after.dropped_in(year)[0]:
            found.append(StatementChange(market, year, "Dropped", ""))
    return found


def _published_links(report):
    """Published entries of other kinds that link the edition (coverage citing it, figures
    it is the source of), as "2 articles": their pages stop linking to it."""
    linked = []
    for relation in Report._meta.related_objects:
        model = relation.related_model
        if model is Listing or not hasattr(model, "is_published"):
            continue
        count = model._default_manager.filter(
            **{relation.field.name: report, "is_published": True}
        ).count()
        if count:
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            linked.append(f"{count} {name}")
    return linked
