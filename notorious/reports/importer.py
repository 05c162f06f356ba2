"""Import a year's list of notorious markets from a CSV file.

Two steps, so that the dry run and the admin's preview show exactly what the import does:

- `plan_import(data)` reads and checks the whole file, writing nothing, and returns an
  `ImportPlan`: the entries it would create, the fields it would change, the listings of the
  editions concerned that the file no longer names, or the errors with their line numbers.
- `ImportPlan.apply()` writes that plan.

`run_import(data, dry_run=...)` does both inside one transaction and raises
`ListingImportError` when any row is bad, so nothing is ever half-imported. The
`import_listings` command and the admin's "Import listings" page are thin wrappers around it.

The format is documented in docs/editors.md ("Importing a year's list") with an example in
`docs/listings-example.csv`.

Reading the file is `import_file.py`'s work and finding what each row changes
`import_planner.py`'s; this module ties them together and writes the result.
"""

from django.db import transaction

from .import_file import ListingImportError, decode, read_rows
from .import_planner import Change, Creation, Planner

PLURALS = {"report": "reports", "company": "companies", "market": "markets", "listing": "listings"}


def plan_import(data):
    """Read and check the whole file (bytes or text) and return an ImportPlan; writes nothing."""
    try:
        rows = read_rows(decode(data))
    except ListingImportError as error:
        return ImportPlan(errors=error.errors)
    planner = Planner()
    for line, row in rows:
        planner.add_row(line, row)
    if not planner.errors:
        planner.validate_fields()
    if planner.errors:
        errors = sorted(planner.errors, key=lambda e: e.line or 0)
        return ImportPlan(errors=errors, row_count=len(rows))
    return ImportPlan(row_count=len(rows), planner=planner)


class ImportPlan:
    """What importing a file would do (or the reasons it cannot be imported)."""

    def __init__(self, errors=(), row_count=0, planner=None):
        self.errors = list(errors)
        self.row_count = row_count
        self._planner = planner
        self.created, self.changes, self.no_longer_named = [], [], []
        if planner is not None:
            self._describe(planner)

    @property
    def is_valid(self):
        return not self.errors

    @property
    def has_changes(self):
        return bool(self.created or self.changes)

    def _describe(self, planner):
        for report in sorted(planner.report_entries, key=lambda r: r.year):
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
                facts = [market.get_kind_display().lower()]
                if market.category:
                    facts.append(market.get_category_display())
                if market.country:
                    facts.append(market.country.name)
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

    def counts(self):
        """How many entries of each kind are created, e.g. {'market': 3, 'listing': 5}."""
        counts = {}
        for creation in self.created:
            counts[creation.model] = counts.get(creation.model, 0) + 1
        return counts

    def apply(self):
        """Write the plan, in one transaction, and refresh the search vectors it touched."""
        if self.errors:
            raise ListingImportError(self.errors)
        planner = self._planner
        with transaction.atomic():
            for report in planner.report_entries:
                report.save()
            pending = [e for e in planner.companies.values() if e.is_dirty]
            while pending:
                # Owners first: a company's parent must be saved before it can be pointed to.
                ready = [e for e in pending if e.obj.parent is None or e.obj.parent.pk]
                if not ready:  # cannot happen: planning refuses ownership cycles
                    raise RuntimeError("The companies to import own one another in a cycle.")
                for entry in ready:
                    _save(entry)
                pending = [e for e in pending if e not in ready]
            for entry in planner.markets.values():
                if entry.is_dirty:
                    _save(entry)
            for entry in planner.listings.values():
                if entry.is_dirty:
                    _save(entry)

    def summary_lines(self, dry_run=False):
        """The plan as lines of text, for the command's output."""
        would = "Would create" if dry_run else "Created"
        lines = []
        if self.created:
            lines.append(f"{would}:")
            lines.extend(f"  {creation}" for creation in self.created)
        if self.changes:
            lines.append("Would change:" if dry_run else "Changed:")
            lines.extend(f"  {change}" for change in self.changes)
        if self.no_longer_named:
            lines.append("No longer named in this file (still listed; remove them by hand):")
            lines.extend(
                f"  {listing.report.year}: {listing.market}" for listing in self.no_longer_named
            )
        if not self.has_changes:
            lines.append("Nothing to change: the database already matches the file.")
        counts = ", ".join(
            f"{n} {model if n == 1 else PLURALS[model]}" for model, n in self.counts().items()
        )
        verb = "would create" if dry_run else "created"
        lines.append(
            f"{self.row_count} row{'s' if self.row_count != 1 else ''} read; {verb} "
            f"{counts or 'nothing'}; {len(self.changes)} field change"
            f"{'s' if len(self.changes) != 1 else ''}."
        )
        if dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


def _save(entry):
    if entry.is_new:
        entry.obj.save()
    else:
        entry.obj.save(update_fields=[*entry.changes, "updated_at"])


def run_import(data, dry_run=False):
    """Plan the import of `data` (bytes or text) and, unless `dry_run`, write it.

    Checking and writing happen in one transaction, so what is written is what was checked.
    Raises ListingImportError, with every bad row's line and reason, and writes nothing when
    the file cannot be imported as a whole.
    """
    with transaction.atomic():
        plan = plan_import(data)
        if not plan.is_valid:
            raise ListingImportError(plan.errors)
        if not dry_run:
            plan.apply()
    return plan
