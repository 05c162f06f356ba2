"""`manage.py import_listings FILE.csv [--dry-run]`: import a year's list of markets."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from notorious.reports.import_file import ListingImportError
from notorious.reports.importer import run_import


class Command(BaseCommand):
    help = (
        "Import listings from a CSV file (columns: year, market, kind, and optionally "
        "category, country, city, company, parent_company, aliases, website, reasons, quote, "
        "page; see docs/editors.md). Markets and companies are matched by name or alias and "
        "created as drafts when missing; an empty cell never overwrites a value; the whole "
        "file is one transaction, so any bad row stops the import and nothing is written. "
        "--dry-run shows what would be created and changed, and which listings of the "
        "editions concerned the file no longer names."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, comma-separated, header row).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would change, without writing anything.",
        )

    def handle(self, file, dry_run=False, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        try:
            plan = run_import(data, dry_run=dry_run)
        except ListingImportError as error:
            count = len(error.errors)
            raise CommandError(
                f"{file} was not imported ({count} problem{'s' if count != 1 else ''}; "
                "nothing was written):\n" + "\n".join(f"  {e}" for e in error.errors)
            ) from None
        for line in plan.summary_lines(dry_run=dry_run):
            self.stdout.write(line)
