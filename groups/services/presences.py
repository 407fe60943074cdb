"""Outside presences: what a committee runs outside the portal, its disclaimer and staff flags."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from groups.errors import GroupsError
from groups.models import OutsidePresence
from groups.services.rules import lock_group, require_committee, require_staff
from portal.audit import audit_record
from portal.models import User

# What the committee fills in when it records a presence.
PRESENCE_FIELDS = ("kind", "platform", "name", "url")


def _check_kind(*, kind: str, platform: str, url: str) -> bool:
    """Refuse a kind that does not fit the platform; True for a private messaging-app group."""
    messaging = platform in OutsidePresence.MESSAGING_PLATFORMS
    if messaging != (kind == OutsidePresence.Kind.MESSAGING):
        raise GroupsError(
            "WhatsApp, Telegram and WeChat groups are messaging-app groups; choose that kind.",
            field="platform",
        )
    if kind == OutsidePresence.Kind.WEBSITE and platform != OutsidePresence.Platform.WEBSITE:
        raise GroupsError("A website's platform is 'Website'.", field="platform")
    if kind != OutsidePresence.Kind.MESSAGING and not url:
        raise GroupsError("Give the address of the website or page.", field="url")
    return messaging


def presence_register(
    *, actor: User, group_id: int, kind: str, platform: str, name: str, url: str = ""
) -> OutsidePresence:
    """Record a website, social page or messaging-app group the committee runs."""
    with transaction.atomic():
        group = lock_group(group_id)
        require_committee(actor, group)
        messaging = _check_kind(kind=kind, platform=platform, url=url)
        presence = OutsidePresence.objects.create(
            group=group,
            kind=kind,
            platform=platform,
            name=name,
            # A private group's invitation link is contact data the team must not spread.
            url="" if messaging else url,
            registered_by=actor,
        )
        audit_record(
            actor=actor,
            action="groups.presence.registered",
            target=presence,
            new={"kind": kind, "platform": platform, "name": name},
        )
    return presence


def presence_confirm_disclaimer(*, actor: User, presence_id: int) -> OutsidePresence:
    with transaction.atomic():
        presence = (
            OutsidePresence.objects.select_for_update().select_related("group").get(pk=presence_id)
        )
        require_committee(actor, presence.group)
        if presence.is_private:
            raise GroupsError("Messaging-app groups are private and need no disclaimer.")
        if presence.disclaimer_confirmed_at is not None:
            return presence
        presence.disclaimer_confirmed_at = timezone.now()
        presence.disclaimer_confirmed_by = actor
        presence.save(update_fields=["disclaimer_confirmed_at", "disclaimer_confirmed_by"])
        audit_record(
            actor=actor,
            action="groups.presence.disclaimer_confirmed",
            target=presence,
            new={"disclaimer_confirmed_at": presence.disclaimer_confirmed_at},
        )
    return presence


def presence_flag(*, actor: User, presence_id: int, reason: str) -> OutsidePresence:
    require_staff(actor)
    if not reason.strip():
        raise GroupsError("Give the reason for flagging.", field="reason")
    with transaction.atomic():
        presence = OutsidePresence.objects.select_for_update().get(pk=presence_id)
        old = {"flagged": presence.flagged, "flag_reason": presence.flag_reason}
        presence.flagged = True
        presence.flag_reason = reason
        presence.save(update_fields=["flagged", "flag_reason"])
        audit_record(
            actor=actor,
            action="groups.presence.flagged",
            target=presence,
            old=old,
            new={"flagged": True, "flag_reason": reason},
        )
    return presence


def presence_unflag(*, actor: User, presence_id: int) -> OutsidePresence:
    require_staff(actor)
    with transaction.atomic():
        presence = OutsidePresence.objects.select_for_update().get(pk=presence_id)
        if not presence.flagged:
            return presence
        presence.flagged = False
        presence.save(update_fields=["flagged"])
        audit_record(
            actor=actor,
            action="groups.presence.unflagged",
            target=presence,
            old={"flagged": True},
            new={"flagged": False},
        )
    return presence
