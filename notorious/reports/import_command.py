"""The management commands' side of a CSV import (`import_listings`, `import_reports`):
read the file, run the import, print its summary or fail with every bad row."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from .import_csv import ImportFileError, shown_errors


class ImportFileCommand(BaseCommand):
    """`manage.py <command> FILE.csv [--dry-run] [--all-errors]`; subclasses set `help` and
    `run_import`: `staticmethod(f)` of the import's f(data, dry_run) -> plan, raising
    ImportFileError."""

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, comma-separated, header row).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would change, without writing anything.",
        )
        parser.add_argument(
            "--all-errors",
            action="store_true",
            help="List every problem of a file that cannot be imported, not only the first "
            "100 (with how many more there are).",
        )

    def handle(self, file, dry_run=False, all_errors=False, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        try:
            plan = self.run_import(data, dry_run=dry_run)
        except ImportFileError as error:
            count = len(error.errors)
            shown, more = shown_errors(error.errors, limit=count if all_errors else None)
            lines = [f"  {e}" for e in shown]
            if more:
                lines.append(
                    f"  … and {more:,} more problem{'s' if more != 1 else ''} "
                    "(--all-errors lists them all)."
                )
            raise CommandError(
                f"{file} was not imported ({count:,} problem{'s' if count != 1 else ''}; "
                "nothing was written):\n" + "\n".join(lines)
            ) from None
        for line in plan.summary_lines(dry_run=dry_run):
            self.stdout.write(line)
