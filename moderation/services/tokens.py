"""Channel tokens for the JSON endpoint: create (shown once), revoke, authenticate."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from moderation.errors import ModerationError
from moderation.models import ChannelToken
from portal.audit import audit_record
from portal.models import User

from .items import moderated_channel, require_channel

TOKEN_PREFIX = "mod_"


def token_create(*, actor: User, channel_id: int, name: str) -> tuple[ChannelToken, str]:
    """A new endpoint token; the plain value is returned once and never stored."""
    channel = moderated_channel(actor, channel_id)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ChannelToken.objects.create(
            channel=channel,
            name=name.strip() or "Import token",
            prefix=plain[: ChannelToken.PREFIX_LENGTH],
            token_hash=ChannelToken.hash(plain),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="moderation.token.created",
            target=channel,
            new={"token": token.pk, "prefix": token.prefix, "name": token.name},
        )
    return token, plain


def token_revoke(*, actor: User, token_id: int) -> ChannelToken:
    """Revoke a token of a channel ``actor`` moderates; revoking it again changes nothing."""
    with transaction.atomic():
        try:
            token = (
                ChannelToken.objects.select_for_update().select_related("channel").get(pk=token_id)
            )
        except ChannelToken.DoesNotExist as exc:
            raise ModerationError("This token no longer exists.") from exc
        require_channel(actor, token.channel)
        if token.revoked_at is not None:
            return token
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="moderation.token.revoked",
            target=token.channel,
            old={"token": token.pk, "prefix": token.prefix},
            new={"revoked_at": token.revoked_at},
        )
    return token


def token_authenticate(*, channel_id: int, plain: str) -> ChannelToken | None:
    """The active token of this channel matching ``plain``, or None (its use is recorded)."""
    if not plain:
        return None
    token = (
        ChannelToken.objects.select_related("channel")
        .filter(token_hash=ChannelToken.hash(plain), channel_id=channel_id, revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        ChannelToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
