"""Back up the database: pg_dump custom format (PostgreSQL) or the SQLite online backup API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.dataprotection.backups import backup_create
from portal.errors import DomainError


class Command(BaseCommand):
    help = "Write a backup of the database (default: BACKUP_DIR/portal-<time>.dump|.sqlite3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="File to write.")
        parser.add_argument("--database-url", help="Back up this database instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_create(
                output=Path(options["output"]) if options["output"] else None,
                database_url=options["database_url"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(path))
