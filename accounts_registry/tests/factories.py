"""Helpers that reach registry states through the services, as the style asks."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from accounts_registry.models import AccountRequest, ApprovalDecision, OfficialAccount
from accounts_registry.permissions import APPROVE_PERM
from accounts_registry.services.requests import (
    request_acknowledge,
    request_activate,
    request_decide,
    request_submit,
)
from portal.models import OrgUnit, User
from portal.permissions import grant_object_role
from portal.roles import Role
from portal.tests.factories import make_user

_counter = itertools.count(1)


@dataclass
class Cast:
    """The people of one approval story."""

    unit: OrgUnit
    other_unit: OrgUnit
    requester: User
    admin1: User
    admin2: User
    approver: User
    other_approver: User
    director: User
    comms: User


def make_approver(unit: OrgUnit, **kwargs: Any) -> User:
    user = make_user(Role.STAFF, **kwargs)
    grant_object_role(user, APPROVE_PERM, unit)
    return user


def make_cast() -> Cast:
    unit = OrgUnit.objects.get_or_create(
        slug="social-sciences", defaults={"name": "School of Social Sciences", "kind": "school"}
    )[0]
    other = OrgUnit.objects.get_or_create(
        slug="computing", defaults={"name": "School of Computing", "kind": "school"}
    )[0]
    return Cast(
        unit=unit,
        other_unit=other,
        requester=make_user(Role.STAFF),
        admin1=make_user(Role.STAFF),
        admin2=make_user(Role.STAFF),
        approver=make_approver(unit),
        other_approver=make_approver(other),
        director=make_user(Role.MARCOMMS_DIRECTOR),
        comms=make_user(Role.COMMS_STAFF),
    )


def request_data(cast: Cast, **overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    data: dict[str, Any] = {
        "actor": cast.requester,
        "unit_id": cast.unit.pk,
        "platform": OfficialAccount.Platform.INSTAGRAM,
        "proposed_name": f"University Social Sciences {n}",
        "proposed_handle": f"UniSocSci{n}",
        "purpose": "Share research and events of the school.",
        "audience": "Prospective and current students, alumni.",
        "objectives": "Grow engagement with events.",
        "evaluation_plan": "Quarterly review of reach and event sign-ups.",
        "signoff_process": "Two-person review by the school's comms officer.",
        "contact_email": f"socsci-social{n}@example.ac.uk",
        "administrator_ids": [cast.admin1.pk, cast.admin2.pk],
    }
    data.update(overrides)
    return data


def submitted(cast: Cast, **overrides: Any) -> AccountRequest:
    return request_submit(**request_data(cast, **overrides))


def acknowledged(cast: Cast, **overrides: Any) -> AccountRequest:
    request = submitted(cast, **overrides)
    for named in request.administrators.select_related("user"):
        request_acknowledge(actor=named.user, request_id=request.pk)
    request.refresh_from_db()
    return request


def approved(cast: Cast, **overrides: Any) -> AccountRequest:
    request = acknowledged(cast, **overrides)
    request_decide(
        actor=cast.approver,
        request_id=request.pk,
        slot=ApprovalDecision.Slot.UNIT,
        decision="approve",
    )
    request_decide(
        actor=cast.director,
        request_id=request.pk,
        slot=ApprovalDecision.Slot.MARCOMMS,
        decision="approve",
    )
    request.refresh_from_db()
    return request


def active_account(cast: Cast, **overrides: Any) -> OfficialAccount:
    request = approved(cast, **overrides)
    return request_activate(
        actor=cast.requester,
        request_id=request.pk,
        handle=request.proposed_handle,
        url=f"https://www.instagram.com/{request.proposed_handle}/",
        followers=1200,
    )
