"""Rebuild every stored search vector (PostgreSQL only)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from notorious.search import searchable_models, update_search_vectors


class Command(BaseCommand):
    help = (
        "Rebuild the stored full-text search vectors of every company, market and article, "
        "in one transaction. save() keeps them current; run this after bulk_create, "
        "queryset.update(), raw SQL or a restore, which bypass save(). PostgreSQL only: on "
        "SQLite search matches the columns directly and there is nothing to rebuild."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report how many rows would be rebuilt and how many have no vector yet, "
            "then roll back.",
        )

    def handle(self, *args, dry_run=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"Search vectors are stored on PostgreSQL only; this database is "
                f"{connection.vendor}, where search needs no rebuilding."
            )
        with transaction.atomic():
            for model in searchable_models():
                label = model._meta.verbose_name_plural
                missing = model._default_manager.filter(search_vector__isnull=True).count()
                rebuilt = update_search_vectors(model._default_manager.all())
                self.stdout.write(
                    f"{label}: {rebuilt} {'would be ' if dry_run else ''}rebuilt "
                    f"({missing} had no vector)"
                )
            if dry_run:
                transaction.set_rollback(True)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Search vectors rebuilt."))
