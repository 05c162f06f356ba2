"""Fill a scratch database with a large synthetic dataset, for load tests and benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from notorious.dataset.synthetic import Sizes, generate, scratch_database_problems


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = (
        "Generate a synthetic dataset (by default 500 companies, 2,000 markets, 15 editions, "
        "20,000 listings, 40 outlets, 3,000 articles) for load tests and benchmarks. Every "
        "entry is marked: names start with 'Synthetic', slugs with 'synthetic-'. Refuses a "
        "database whose name does not contain loadtest, bench or synthetic, or that holds "
        "entries other than the demo's. One transaction."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        for name in ("companies", "markets", "editions", "listings", "outlets", "articles"):
            parser.add_argument(
                f"--{name}",
                type=int,
                default=getattr(defaults, name),
                help=f"How many {name} (default {getattr(defaults, name):,}).",
            )
        parser.add_argument(
            "--seed", type=int, default=2021, help="The same seed gives the same dataset."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Generate, report, then roll back."
        )

    def handle(self, *args, seed=2021, dry_run=False, **options):
        sizes = Sizes(
            **{
                name: options[name]
                for name in ("companies", "markets", "editions", "listings", "outlets", "articles")
            }
        )
        if any(value < 0 for value in vars(sizes).values()):
            raise CommandError("Sizes cannot be negative.")
        problems = scratch_database_problems(str(connection.settings_dict["NAME"]))
        if problems:
            raise CommandError(" ".join(problems))
        started = time.monotonic()
        try:
            with transaction.atomic():
                counts = generate(sizes, seed=seed)
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        verb = "would be created" if dry_run else "created"
        self.stdout.write(
            self.style.SUCCESS(
                "Synthetic data "
                + verb
                + ": "
                + ", ".join(f"{count:,} {kind}" for kind, count in counts.items())
                + f" in {time.monotonic() - started:.1f} s."
            )
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
