"""Write a restorable copy of the whole database to backups/ (or --output).

PostgreSQL: `pg_dump --format=custom` (restore with pg_restore; see docs/operators.md, "Backups").
SQLite: a consistent copy through SQLite's online backup API, safe while the site is writing
(a plain file copy could catch a write half done). Nothing is written to the database.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

BACKUP_DIR = settings.BASE_DIR / "backups"
SUFFIX = {"postgresql": ".dump", "sqlite": ".sqlite3"}


def pg_dump(settings_dict, destination):
    """Dump the PostgreSQL database described by a Django DATABASES entry to `destination`."""
    executable = shutil.which("pg_dump")
    if executable is None:
        raise CommandError(
            "pg_dump was not found: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)."
        )
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    command = [executable, "--format=custom", f"--file={destination}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{flag}={settings_dict[key]}")
    command.append(f"--dbname={settings_dict['NAME']}")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")


def sqlite_backup(source, destination):
    """Copy the SQLite database open in `source` (a sqlite3 connection) to `destination`
    through the online backup API: the copy is one committed state even if others write."""
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        target.close()


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The file to write (default: backups/notorious-<database>-<UTC time>.dump "
            "on PostgreSQL, .sqlite3 on SQLite).",
        )
        parser.add_argument(
            "--database", default="default", help="Which DATABASES entry (default: default)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be written; write nothing."
        )

    def handle(self, *args, output=None, database="default", dry_run=False, **options):
        connection = connections[database]
        vendor = connection.vendor
        if vendor not in SUFFIX:
            raise CommandError(f"Backups of {vendor} databases are not supported.")
        name = Path(str(connection.settings_dict["NAME"])).stem or "database"
        if output:
            destination = Path(output)
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            destination = BACKUP_DIR / f"notorious-{name}-{stamp}{SUFFIX[vendor]}"
        if dry_run:
            self.stdout.write(f"Dry run: would back up {vendor} database {name} to {destination}")
            return

        if vendor == "sqlite" and connection.in_atomic_block:
            # The copy would include this transaction's uncommitted writes (and an in-memory
            # database locked by it never finishes copying).
            raise CommandError("A SQLite backup cannot be taken inside a transaction.")
        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written under a temporary name and renamed at the end, so a failed or interrupted
        # backup never leaves a partial file that looks like a good one.
        partial = destination.with_name(destination.name + ".partial")
        try:
            # Readable by this user only: a backup holds every account's password hash.
            os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
            if vendor == "postgresql":
                pg_dump(connection.settings_dict, partial)
            else:
                connection.ensure_connection()
                sqlite_backup(connection.connection, partial)
            partial.replace(destination)
        finally:
            partial.unlink(missing_ok=True)

        size = destination.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {vendor} database {name} to {destination} ({size:,} bytes)"
            )
        )
        if vendor == "postgresql":
            self.stdout.write(
                f"Restore: pg_restore --clean --if-exists --no-owner --exit-on-error "
                f"--single-transaction -d <database> {destination}"
            )
        else:
            self.stdout.write("Restore: stop the site, then copy this file over the database file.")
