from django.core.management.base import BaseCommand, CommandError

from notorious.dataset.restore import import_dataset
from notorious.dataset.tables import DatasetError


class Command(BaseCommand):
    help = (
        "Restore an export_dataset directory into an EMPTY database (it refuses one that "
        "already holds companies, markets, reports, listings, outlets, articles or figures). "
        "Reads DIR/dataset.json, or the CSV files with --from csv. One transaction: a bad "
        "record stops the import, saying which file and line, and nothing is written. "
        "Exporting again afterwards gives identical files."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="An export_dataset directory.")
        parser.add_argument(
            "--from",
            dest="source",
            choices=["json", "csv"],
            default="json",
            help="Read dataset.json (the default) or the CSV files.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every record as an import would; write nothing.",
        )

    def handle(self, *args, directory, source="json", dry_run=False, **options):
        try:
            counts = import_dataset(directory, source=source, dry_run=dry_run)
        except DatasetError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        if dry_run:
            self.stdout.write(f"Dry run: nothing was written. Would import {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {summary} from {directory}."))
