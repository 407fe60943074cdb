"""Restore a backup into an empty database (pg_restore, or the SQLite online backup API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.dataprotection.backups import backup_restore
from portal.errors import DomainError


class Command(BaseCommand):
    help = "Restore BACKUP into the configured (or --database-url) database, which must be empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup")
        parser.add_argument("--database-url", help="Restore into this database instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_restore(source=Path(options["backup"]), database_url=options["database_url"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Restored {options['backup']}.")
