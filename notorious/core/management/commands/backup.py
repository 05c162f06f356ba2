"""Write a restorable copy of the whole database to backups/ (or --output).

`pg_dump --format=custom`; restore with pg_restore (see docs/deployment.md, "Backups").
Nothing is written to the database.
"""

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from notorious.local_database import client_bin_dir

BACKUP_DIR = settings.BASE_DIR / "backups"


def client_tool(name, connection):
    """The path of PostgreSQL client tool `name` (pg_dump, pg_restore) for the server behind
    `connection`: the embedded package's own for the embedded server (an older pg_dump
    refuses a newer server), else the one on PATH."""
    connection.ensure_connection()
    bin_dir = client_bin_dir(connection.pg_version // 10000)
    executable = str(bin_dir / name) if bin_dir else shutil.which(name)
    if executable is None:
        raise CommandError(
            f"{name} was not found: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)."
        )
    return executable


def pg_dump(connection, destination):
    """Dump the PostgreSQL database behind `connection` to `destination`."""
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    command = [client_tool("pg_dump", connection), "--format=custom", f"--file={destination}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{flag}={settings_dict[key]}")
    command.append(f"--dbname={settings_dict['NAME']}")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The file to write (default: backups/notorious-<database>-<UTC time>.dump).",
        )
        parser.add_argument(
            "--database", default="default", help="Which DATABASES entry (default: default)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be written; write nothing."
        )

    def handle(self, *args, output=None, database="default", dry_run=False, **options):
        connection = connections[database]
        name = str(connection.settings_dict["NAME"])
        if output:
            destination = Path(output)
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            destination = BACKUP_DIR / f"notorious-{name}-{stamp}.dump"
        if dry_run:
            self.stdout.write(f"Dry run: would back up database {name} to {destination}")
            return

        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written under a temporary name and renamed at the end, so a failed or interrupted
        # backup never leaves a partial file that looks like a good one.
        partial = destination.with_name(destination.name + ".partial")
        try:
            # Readable by this user only: a backup holds every account's password hash.
            os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
            pg_dump(connection, partial)
            partial.replace(destination)
        finally:
            partial.unlink(missing_ok=True)

        size = destination.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(f"Backed up database {name} to {destination} ({size:,} bytes)")
        )
        self.stdout.write(
            f"Restore: pg_restore --clean --if-exists --no-owner --exit-on-error "
            f"--single-transaction -d <database> {destination}"
        )
