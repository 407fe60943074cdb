"""What several registry services share: the people and units they are given by id."""

from __future__ import annotations

from collections.abc import Sequence

from accounts_registry.errors import RegistryError
from portal.models import OrgUnit, User


def people_by_ids(user_ids: Sequence[int], *, field: str) -> list[User]:
    """The users of ``user_ids`` in the order given, repeats kept (the rules refuse repeats)."""
    found = User.objects.in_bulk(set(user_ids))
    if any(user_id not in found for user_id in user_ids):
        raise RegistryError("No such person.", field=field)
    return [found[user_id] for user_id in user_ids]


def unit_by_id(unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise RegistryError("No such unit.", field="unit")
    return unit
