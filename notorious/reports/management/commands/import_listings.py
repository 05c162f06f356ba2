"""`manage.py import_listings FILE.csv [--dry-run]`: import a year's list of markets."""

from notorious.reports.import_command import ImportFileCommand
from notorious.reports.importer import run_import


class Command(ImportFileCommand):
    help = (
        "Import listings from a CSV file (columns: year, market, kind, and optionally "
        "category, country, city, company, parent_company, aliases, website, reasons, quote, "
        "page; see docs/editors.md). Markets and companies are matched by name or alias and "
        "created as drafts when missing; an empty cell never overwrites a value; the whole "
        "file is one transaction, so any bad row stops the import and nothing is written. "
        "--dry-run shows what would be created and changed, and which listings of the "
        "editions concerned the file no longer names."
    )
    run_import = staticmethod(run_import)
