"""`manage.py recount_listings`: store again everything the pages read of the listings
(entered counts, counts by country and category, market turns and their counts, moves to
another section), in one transaction, so that no reader sees some repaired and others not."""

from django.core.management.base import BaseCommand
from django.db import transaction

from notorious.reports import group_counts, market_turns, section_moves, turn_counts
from notorious.reports.entry_counts import recount


class Command(BaseCommand):
    help = (
        "Count every edition's entered listings again (also by country and category), "
        "compute every market's turns and moves to another section again and count the turns "
        "by edition, and store what the pages read (kept true by the database's triggers; a "
        "repair if `check_data` finds them wrong)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            recount()
            market_turns.rebuild()
            turn_counts.recount()
            section_moves.rebuild()
            group_counts.recount()
        self.stdout.write(
            "Counted every edition's listings (also by country and category), computed every "
            "market's turns and moves again and counted the turns by edition."
        )
