import os
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from comments import sent_log


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database to PATH, safe while the site runs: "
        "SQLite through VACUUM INTO (the result is a database file), PostgreSQL through "
        "pg_dump's custom format (restore it with pg_restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup; replaced if it exists.")

    def handle(self, *args, path, **options):
        target = Path(path).resolve()
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder")
        # Written beside the target and renamed at the end, so PATH never holds
        # half a backup, even if this command is killed.
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            # A backup holds every reader's email and address: readable by its
            # owner only. Made empty here with that mode, which VACUUM INTO and
            # pg_dump keep when they write into it.
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            if connection.vendor == "sqlite":
                self._sqlite(partial)
            elif connection.vendor == "postgresql":
                self._postgresql(partial)
            else:
                raise CommandError(f"no backup method for {connection.vendor}")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Backed up {connection.vendor} database to {target}")

    def _sqlite(self, partial: Path) -> None:
        # VACUUM INTO reads one snapshot, which writers (WAL mode) keep
        # committing beside, and waits for locks no longer than the
        # connection's timeout, where the backup API would retry forever.
        # Messages the worker logged as sent and has not yet marked in the database
        # (comments.sent_log) are marked first, so a restore does not send them
        # again: one short write, like the worker's own.
        sent_log.apply()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(partial)])

    def _postgresql(self, partial: Path) -> None:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise CommandError(
                "pg_dump is not installed or not on PATH; install the PostgreSQL client "
                "of the server's major version (Debian: apt-get install postgresql-client)"
            )
        db = connection.settings_dict
        env = {**os.environ}
        for variable, key in [
            ("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")
        ]:
            if db[key]:
                env[variable] = str(db[key])
        command = [pg_dump, "--format=custom", "--no-owner", f"--file={partial}"]
        result = subprocess.run(
            [*command, f"--dbname={db['NAME']}"], env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
