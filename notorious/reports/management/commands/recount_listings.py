from django.core.management.base import BaseCommand

from notorious.reports import market_turns
from notorious.reports.entry_counts import recount


class Command(BaseCommand):
    help = (
        "Count every edition's entered listings again, and compute every market's turns "
        "again, and store what the pages read (kept true by the database's triggers; a "
        "repair if `check_data` finds them wrong)."
    )

    def handle(self, *args, **options):
        recount()
        market_turns.rebuild()
        self.stdout.write(
            "Counted every edition's listings and computed every market's turns again."
        )
