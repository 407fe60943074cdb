"""Test helpers: channels (official accounts) and their admins."""

from __future__ import annotations

import itertools
from typing import cast

from accounts_registry.models import OfficialAccount
from moderation.permissions import ADMINISTER_ACCOUNT
from portal.models import OrgUnit, User
from portal.permissions import grant_object_role
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


def make_account_admin(channel: OfficialAccount) -> User:
    user = make_user(Role.STAFF)
    grant_object_role(user, ADMINISTER_ACCOUNT, channel)
    return user
