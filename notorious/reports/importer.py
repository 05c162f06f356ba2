"""Import a year's list of notorious markets from a CSV file.

Two steps, so that the dry run and the admin's preview show exactly what the import does:

- `plan_import(data)` reads and checks the whole file, writing nothing, and returns a
  `ListingsPlan`: the entries it would create, the fields it would change, the listings of the
  editions concerned that the file no longer names, or the errors with their line numbers.
- `ListingsPlan.apply()` writes that plan.

`run_import(data, dry_run=...)` does both inside one transaction and raises
`ListingImportError` when any row is bad, so nothing is ever half-imported. The
`import_listings` command and the admin's "Import listings" page are thin wrappers around it.

The format is documented in docs/editors.md ("Importing a year's list") with an example in
`docs/listings-example.csv`.

Reading the file is `import_file.py`'s work and finding what each row changes
`import_planner.py`'s; this module ties them together and writes the result. What every
CSV import shares (reading rows, validating entries with the models' `full_clean`, the
summary, the single transaction) is in `import_csv.py` and `import_plan.py`.
"""

from notorious.companies.models import Company
from notorious.markets.models import Market

from .import_file import LISTINGS_FORMAT
from .import_plan import (
    Change,
    Creation,
    ImportPlan,
    display_field,
    plan_file,
    run_file,
)
from .import_planner import Planner
from .import_write import write_entries
from .models import Listing
from .near_duplicates import find_near_duplicates, unchecked_count


def plan_import(data, same_as=None, near_duplicates=True):
    """Read and check the whole file (bytes or text) and return a ListingsPlan; writes nothing.

    `same_as` maps (model, casefolded name) to an existing market or company: the rows
    naming it import onto that entry, which gets the name as an alias (an editor's choice
    on the admin's preview; see `near_duplicates.py`). The near-duplicates, which only the
    preview shows, are looked for unless `near_duplicates` is false."""
    planner = Planner(same_as)
    planner.look_for_near_duplicates = near_duplicates
    return plan_file(data, LISTINGS_FORMAT, planner, ListingsPlan)


def run_import(data, dry_run=False, same_as=None):
    """Plan the import of `data` (bytes or text) and, unless `dry_run`, write it, in one
    transaction; raises `ListingImportError` with every bad row and writes nothing when the
    file cannot be imported as a whole (see `import_plan.run_file`)."""
    return run_file(
        lambda text: plan_import(text, same_as, near_duplicates=False), data, dry_run=dry_run
    )


class ListingsPlan(ImportPlan):
    """What importing a listings file would do, and the listings of its editions that the
    file no longer names (kept, and said)."""

    def __init__(self, errors=(), row_count=0, planner=None):
        self.no_longer_named = []
        self.near_duplicates = []  # of the markets and companies it would create
        self.not_checked_for_near_duplicates = 0  # new ones past `near_duplicates.CHECKED`
        super().__init__(errors, row_count, planner)

    @property
    def editions(self):
        """The editions the file's rows are in, oldest first (saved once applied)."""
        if self._planner is None:
            return []
        return [report for _, report in sorted(self._planner.reports.items())]

    def describe(self, planner):
        for entry in sorted(planner.report_entries, key=lambda e: e.obj.year):
            report = entry.obj
            self.created.append(Creation("report", f"{report.year} (draft)"))
        for entry in planner.companies.values():
            if entry.is_new:
                company = entry.obj
                owner = f", owned by {company.parent}" if company.parent else ""
                self.created.append(Creation("company", f'"{company}"{owner} (draft)'))
            self.changes.extend(entry.changes.values())
        for entry in planner.markets.values():
            if entry.is_new:
                market = entry.obj
                facts = [market.get_kind_display().lower(), market.category_label]
                country = market.country
                if country:
                    facts.append(display_field(market, "country", country))
                if market.operator:
                    facts.append(f"operated by {market.operator}")
                self.created.append(Creation("market", f'"{market}": {", ".join(facts)} (draft)'))
            self.changes.extend(entry.changes.values())
        for (year, market), entry in sorted(
            planner.listings.items(), key=lambda item: (item[0][0], str(item[0][1].obj))
        ):
            if entry.is_new:
                section = entry.obj.get_section_display().lower()
                self.created.append(
                    Creation("listing", f'"{market.obj}" in {year} ({section} section, draft)')
                )
            for change in entry.changes.values():
                target = f'{year} listing of "{market.obj}"'
                self.changes.append(Change(target, change.field, change.old, change.new))
        self.no_longer_named = planner.no_longer_named()
        if planner.look_for_near_duplicates:
            self.near_duplicates = find_near_duplicates(planner)
            self.not_checked_for_near_duplicates = unchecked_count(planner)

    def write(self, planner):
        """Write the plan in bulk, a few queries per kind of entry however many rows:
        editions, then companies (owners first), markets and listings."""
        for entry in planner.report_entries:
            entry.save()  # a handful; `Report.save` fills in the slug and publication
        pending = [e for e in planner.companies.values() if e.is_dirty]
        while pending:
            # Owners first: a company's parent must be saved before it can be pointed to.
            ready = [e for e in pending if e.obj.parent is None or e.obj.parent.pk]
            if not ready:  # cannot happen: planning refuses ownership cycles
                raise RuntimeError("The companies to import own one another in a cycle.")
            write_entries(Company, ready)
            ready_ids = {id(e) for e in ready}
            pending = [e for e in pending if id(e) not in ready_ids]
        write_entries(Market, list(planner.markets.values()))
        write_entries(Listing, list(planner.listings.values()))

    def notice_lines(self):
        if not self.no_longer_named:
            return []
        return [
            "No longer named in this file (still listed; remove them by hand):",
            *(f"  {listing.report.year}: {listing.market}" for listing in self.no_longer_named),
        ]
