"""What other apps may use of the registry; nothing else of it is imported across apps.

Who administers an official account has one source of truth: the open rows of the access log
(``AdminAssignment`` with no ``revoked_at``), which the registry's services keep.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from portal.permissions import AnyUser, has_role
from portal.roles import Role

from .models import AdminAssignment, OfficialAccount

__all__ = [
    "OfficialAccount",
    "account_lookup",
    "accounts_administered_by",
    "accounts_public",
    "is_account_admin",
    "is_comms",
    "official_accounts",
    "open_accounts",
]


def is_comms(user: AnyUser) -> bool:
    """Comms staff: they oversee every official account and its channel."""
    return has_role(user, Role.COMMS_STAFF)


def official_accounts() -> QuerySet[OfficialAccount]:
    """Every account the registry knows, with its unit."""
    return OfficialAccount.objects.select_related("unit").order_by("platform", "handle")


def open_accounts() -> QuerySet[OfficialAccount]:
    """Accounts still in use (active or flagged): closed ones stay out of pickers and filters."""
    return official_accounts().filter(
        status__in=[OfficialAccount.Status.ACTIVE, OfficialAccount.Status.FLAGGED]
    )


def accounts_public() -> QuerySet[OfficialAccount]:
    """The public directory: accounts in use (closed ones are history, not directory entries)."""
    return official_accounts().filter(status__in=OfficialAccount.PUBLIC_STATUSES)


def account_lookup(*, platform: str, handle: str) -> OfficialAccount | None:
    """The public "is this account official?" check (the lookup page's own selector)."""
    from .selectors import account_lookup as lookup  # selectors import this module

    return lookup(platform=platform, handle=handle)


def accounts_administered_by(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """The accounts ``user`` currently administers (an open access-log row), in one query."""
    if not (user.is_authenticated and user.is_active):
        return OfficialAccount.objects.none()
    current = AdminAssignment.objects.filter(
        account=OuterRef("pk"), user_id=user.pk, revoked_at__isnull=True
    )
    return official_accounts().filter(Exists(current))


def is_account_admin(user: AnyUser, account: OfficialAccount) -> bool:
    """True if ``user`` currently administers ``account``."""
    if not (user.is_authenticated and user.is_active):
        return False
    return AdminAssignment.objects.filter(
        account=account, user_id=user.pk, revoked_at__isnull=True
    ).exists()
