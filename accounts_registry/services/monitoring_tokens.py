"""Tokens of monitoring clients for the JSON import of discovered accounts.

Comms create a token per client (its plain value is shown once, only a hash is kept), revoke it
(audited; revoking again changes nothing), and the endpoint authenticates with it. The pattern
is moderation's per-channel token, with the registry's comms as the owners.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from accounts_registry.errors import RegistryError
from accounts_registry.models import MonitoringToken
from accounts_registry.permissions import is_comms
from portal.audit import audit_record
from portal.models import User

TOKEN_PREFIX = "mon_"


def monitoring_token_create(*, actor: User, name: str) -> tuple[MonitoringToken, str]:
    """A new token; the plain value is returned once and never stored."""
    if not is_comms(actor):
        raise RegistryError("Only comms staff manage monitoring tokens.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = MonitoringToken.objects.create(
            name=name.strip()[:100] or "Monitoring tool",
            prefix=plain[: MonitoringToken.PREFIX_LENGTH],
            token_hash=MonitoringToken.hash(plain),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="accounts_registry.monitoring_token.created",
            target=token,
            new={"prefix": token.prefix, "name": token.name},
        )
    return token, plain


@transaction.atomic
def monitoring_token_revoke(*, actor: User, token_id: int) -> MonitoringToken:
    if not is_comms(actor):
        raise RegistryError("Only comms staff manage monitoring tokens.")
    token = MonitoringToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise RegistryError("This token no longer exists.")
    if token.revoked_at is not None:
        return token
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="accounts_registry.monitoring_token.revoked",
        target=token,
        old={"prefix": token.prefix},
        new={"revoked_at": token.revoked_at},
    )
    return token


def monitoring_token_authenticate(*, plain: str) -> MonitoringToken | None:
    """The active token matching ``plain``, or None (its use is recorded)."""
    if not plain:
        return None
    token = MonitoringToken.objects.filter(
        token_hash=MonitoringToken.hash(plain), revoked_at__isnull=True
    ).first()
    if token is not None:
        MonitoringToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
