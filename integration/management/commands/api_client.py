"""``manage.py api_client create|list|revoke``: API clients from the command line (audited)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integration.errors import IntegrationError
from integration.models import ApiClient, Scope
from integration.services.clients import api_client_create, api_client_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API clients (tokens for the CRM integration API)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a client; prints its token once.")
        create.add_argument("name")
        create.add_argument("--scope", action="append", default=[], choices=Scope.values)
        sub.add_parser("list", help="List clients.")
        revoke = sub.add_parser("revoke", help="Revoke a client's token.")
        revoke.add_argument("client_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                client, plain = api_client_create(
                    actor=None, name=options["name"], scopes=options["scope"]
                )
                self.stdout.write(f"client {client.pk} {client.name}: {plain}")
            elif options["action"] == "revoke":
                client = api_client_revoke(actor=None, client_id=options["client_id"])
                self.stdout.write(f"client {client.pk} {client.name}: revoked")
            else:
                for client in ApiClient.objects.order_by("pk"):
                    status = "revoked" if client.revoked_at else "active"
                    scopes = ",".join(client.scopes) or "-"
                    self.stdout.write(
                        f"{client.pk}\t{client.name}\t{client.prefix}\t{scopes}\t{status}"
                    )
        except IntegrationError as exc:
            raise CommandError(exc.message) from exc
