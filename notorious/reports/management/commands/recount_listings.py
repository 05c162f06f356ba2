from django.core.management.base import BaseCommand

from notorious.reports.entry_counts import recount


class Command(BaseCommand):
    help = (
        "Count every edition's entered listings again and store the counts the pages read "
        "(kept true by the database's triggers; a repair if `check_data` finds them wrong)."
    )

    def handle(self, *args, **options):
        recount()
        self.stdout.write("Counted every edition's listings again.")
