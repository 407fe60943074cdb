"""Who may do what in moderation. Pure predicates, no side effects.

Comms staff moderate every channel; an official account's current admins (an open row of the
registry's access log, ``accounts_registry.api``) moderate that channel's items. Any member of
staff may report an incident; comms staff manage incidents and removal requests.
"""

from __future__ import annotations

from accounts_registry.api import (
    ADMINISTERS_ACCOUNT,
    OfficialAccount,
    accounts_administered_by,
    is_account_admin,
    is_comms,
)
from portal.access_cache import access_of, remember
from portal.permissions import AnyUser, has_role
from portal.roles import Role

from .models import Item

_ANY_CHANNEL = "_moderation_any_channel"


def can_moderate_any_channel(user: AnyUser) -> bool:
    """Comms staff, or the admin of at least one official account (asked once per request,
    the menu and the dashboard share the user object, and kept in ``portal.access_cache``)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if is_comms(user):
        return True
    known: bool | None = getattr(user, _ANY_CHANNEL, None)
    if known is None:
        # Shared between requests too; accounts_registry forgets it when an assignment changes.
        known = access_of(user).flags.get(ADMINISTERS_ACCOUNT)
        if known is None:
            known = accounts_administered_by(user=user).exists()
            remember(user, flags={ADMINISTERS_ACCOUNT: known})
        setattr(user, _ANY_CHANNEL, known)
    return known


def can_moderate_channel(user: AnyUser, channel: OfficialAccount) -> bool:
    """Comms staff and the channel's current admins; an active superuser too, so that the
    Django admin's actions (revoking a token) reach every channel, as they always did."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return is_comms(user) or is_account_admin(user, channel)


def can_reopen_decision(user: AnyUser) -> bool:
    """Comms staff set any decision aside."""
    return is_comms(user)


def can_release_claim(user: AnyUser, item: Item) -> bool:
    """The moderator holding the claim, or comms staff (anyone's claim)."""
    return (item.claimed_by_id is not None and item.claimed_by_id == user.pk) or is_comms(user)


def can_report_incident(user: AnyUser) -> bool:
    return has_role(user, Role.STAFF, Role.COMMS_STAFF)


def can_manage_incidents(user: AnyUser) -> bool:
    return is_comms(user)


def can_manage_removal_requests(user: AnyUser) -> bool:
    return is_comms(user)


def can_see_statistics(user: AnyUser) -> bool:
    return is_comms(user)


def can_edit_categories(user: AnyUser) -> bool:
    return is_comms(user)
