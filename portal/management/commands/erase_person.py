"""Erase one person's personal data by anonymisation (the same service as the DPO's page)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.dataprotection.erasure import person_erase_by_system
from portal.errors import DomainError
from portal.models import User


class Command(BaseCommand):
    help = "Erase the personal data of the person with this email address (needs --yes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Confirm: erasure is final.")

    def handle(self, *args: Any, **options: Any) -> None:
        person = User.objects.filter(email__iexact=options["email"].strip()).first()
        if person is None:
            raise CommandError("No person has that email address.")
        if not options["yes"]:
            raise CommandError("Erasure cannot be undone: run again with --yes to confirm.")
        try:
            pseudonym = person_erase_by_system(person_id=person.pk)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Erased; the person is now {pseudonym}.")
