"""Test helpers: channels (official accounts) and their admins (open access-log rows)."""

from __future__ import annotations

import itertools
from typing import cast

from django.utils import timezone

from accounts_registry.models import AdminAssignment, OfficialAccount
from portal.models import OrgUnit, User
from portal.roles import Role
from portal.tests.factories import OrgUnitFactory, make_user

_seq = itertools.count(1)


def make_channel(
    *, followers: int = 1000, platform: str = OfficialAccount.Platform.X
) -> OfficialAccount:
    n = next(_seq)
    return OfficialAccount.objects.create(
        unit=cast(OrgUnit, OrgUnitFactory()),
        platform=platform,
        handle=f"channel_{n}",
        name=f"Channel {n}",
        followers=followers,
    )


def make_channel_admin(user: User, channel: OfficialAccount) -> AdminAssignment:
    """Make ``user`` a current admin of ``channel``: an open row of the registry's access log
    (created directly: the registry's services are not what these tests are about)."""
    return AdminAssignment.objects.create(account=channel, user=user, reason="test")


def end_channel_admin(user: User, channel: OfficialAccount) -> None:
    """Close ``user``'s open access-log row on ``channel`` (saved, as the registry's
    ``admin_revoke`` does, so that cached access is forgotten)."""
    for row in AdminAssignment.objects.filter(account=channel, user=user, revoked_at__isnull=True):
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])


def make_account_admin(channel: OfficialAccount) -> User:
    """A member of staff who currently administers ``channel``."""
    user = make_user(Role.STAFF)
    make_channel_admin(user, channel)
    return user
