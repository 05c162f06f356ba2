from django.core.management.base import BaseCommand, CommandError

from notorious.dataset.export import export_dataset
from notorious.dataset.tables import FILENAMES


class Command(BaseCommand):
    help = (
        "Write the whole published database into DIR: one CSV file per model (companies, "
        "outlets, markets, reports, listings, articles, figures) and dataset.json with the "
        "same records. Entries refer to each other by slug (editions by year), never by "
        "database id, in a fixed order, so the same data always gives the same files. "
        "Drafts are left out. Restore with import_dataset."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="Where to write the files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be written; write nothing."
        )

    def handle(self, *args, directory, dry_run=False, **options):
        try:
            counts = export_dataset(directory, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot write to {directory}: {error}") from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        if dry_run:
            self.stdout.write(f"Dry run: nothing was written. Would export {summary}.")
        else:
            files = ", ".join(FILENAMES)
            self.stdout.write(self.style.SUCCESS(f"Exported {summary} to {directory} ({files})."))
