"""API clients: create (the token is shown once), revoke, record use."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from integration.errors import IntegrationError
from integration.models import ApiClient, Scope
from integration.permissions import can_manage_api_clients
from portal.audit import audit_record
from portal.models import User

TOKEN_PREFIX = "crm_"
# The fields the client form sets; ``api_client_create`` takes exactly these.
CLIENT_FIELDS = ("name", "scopes")


def _require_manager(actor: User | None) -> None:
    """``None`` is the operator at the command line (``manage.py api_client``), audited as system."""
    if actor is not None and not can_manage_api_clients(actor):
        raise IntegrationError("API clients are managed by portal administrators.")


def api_client_create(
    *, actor: User | None, name: str, scopes: Iterable[str]
) -> tuple[ApiClient, str]:
    """A new client and its token; the plain token is returned once and never stored."""
    _require_manager(actor)
    name = name.strip()
    wanted = sorted(set(scopes))
    if not name:
        raise IntegrationError("Name the system that will use this token.", field="name")
    unknown = [scope for scope in wanted if scope not in Scope.values]
    if unknown:
        raise IntegrationError(f"Unknown scopes: {', '.join(unknown)}.", field="scopes")
    if Scope.PEOPLE in wanted and Scope.CHANGES not in wanted:
        raise IntegrationError(
            "People's details are only given with the changes feed: add that scope too.",
            field="scopes",
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        if ApiClient.objects.select_for_update().filter(name__iexact=name).exists():
            raise IntegrationError("A client with this name already exists.", field="name")
        client = ApiClient.objects.create(
            name=name,
            scopes=wanted,
            prefix=plain[: ApiClient.PREFIX_LENGTH],
            token_hash=ApiClient.hash(plain),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="integration.client.created",
            target=client,
            new={"name": name, "scopes": wanted, "prefix": client.prefix},
        )
    return client, plain


def api_client_revoke(*, actor: User | None, client_id: int) -> ApiClient:
    """Revoke a client's token at once; revoking it again changes nothing."""
    _require_manager(actor)
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().filter(pk=client_id).first()
        if client is None:
            raise IntegrationError("This API client does not exist.")
        if client.revoked_at is not None:
            return client
        client.revoked_at, client.revoked_by = timezone.now(), actor
        client.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="integration.client.revoked",
            target=client,
            old={"scopes": client.scopes},
            new={"revoked_at": client.revoked_at},
        )
    return client


def api_client_used(*, client: ApiClient, endpoint: str, scope: str, count: int) -> None:
    """Record that ``client`` was given ``count`` records of personal data under ``scope``.

    Every read of personal data is audited, as a person's view of it is; public and
    non-personal reads only touch ``last_used_at``.
    """
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    if scope in (Scope.CHANGES, Scope.PEOPLE, Scope.COMMITTEES):
        audit_record(
            actor=None,
            action="integration.api.read",
            target=client,
            new={"endpoint": endpoint, "scope": scope, "records": count},
        )
