"""`manage.py check_data`: list what an editor should fix; exits non-zero if anything."""

from django.core.management.base import BaseCommand, CommandError

from notorious.dataset.data_checks import find_problems


class Command(BaseCommand):
    help = (
        "List what an editor should fix: incomplete editions (with the statements about "
        "markets they leave unconfirmed), editions with more listings than they state, "
        "listings wrongly marked as a market's first, published listings of draft markets, "
        "markets without an operator, articles linked to nothing, and names shared by "
        "several markets. Exits with status 1 when it finds anything. It only reads, so it "
        "has no --dry-run."
    )

    def handle(self, **options):
        problems = find_problems()
        if not problems:
            self.stdout.write("No problems found.")
            return
        check = None
        for problem in problems:
            if problem.check != check:
                check = problem.check
                self.stdout.write(f"{check}:")
            link = f" ({problem.admin_url})" if problem.admin_url else ""
            self.stdout.write(f"  - {problem.message}{link}")
            for detail in problem.details:
                self.stdout.write(f"      {detail}")
        count = len(problems)
        raise CommandError(f"{count} problem{'s' if count != 1 else ''} to fix.")
