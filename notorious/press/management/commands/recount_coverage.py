from django.core.management.base import BaseCommand

from notorious.press.article_count import recount


class Command(BaseCommand):
    help = (
        "Count the published articles again and store the count `/coverage/` states (kept "
        "true by the database's triggers; a repair if `check_data` finds it wrong)."
    )

    def handle(self, *args, **options):
        recount()
        self.stdout.write("Counted the published articles again.")
