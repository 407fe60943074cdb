"""Print everything the portal holds about one person as JSON (the subject access export)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.audit import audit_record
from portal.dataprotection.export import export_json, personal_data_of
from portal.models import User


class Command(BaseCommand):
    help = "Print the subject access export of the person with this email address (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        person = User.objects.filter(email__iexact=options["email"].strip()).first()
        if person is None:
            raise CommandError("No person has that email address.")
        data = personal_data_of(person)
        audit_record(
            actor=None,
            action="portal.personal_data.exported",
            target=person,
            new={"by": "manage.py export_person"},
        )
        self.stdout.write(export_json(data))
