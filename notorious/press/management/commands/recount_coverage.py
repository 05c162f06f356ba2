"""`manage.py recount_coverage`: store the counts of published articles again (in all, and
each edition's), in one transaction, so that no reader sees one count repaired and the
other not."""

from django.core.management.base import BaseCommand
from django.db import transaction

from notorious.press import article_count, edition_article_count


class Command(BaseCommand):
    help = (
        "Count the published articles again and store the counts `/coverage/` and each "
        "edition's page state (kept true by the database's triggers; a repair if "
        "`check_data` finds one wrong)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            article_count.recount()
            edition_article_count.recount()
        self.stdout.write("Counted the published articles again, in all and by edition.")
