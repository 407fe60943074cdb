"""Who may export or erase whose personal data (pure checks)."""

from __future__ import annotations

from portal.models import User
from portal.permissions import AnyUser, has_role
from portal.roles import Role


def is_data_protection_officer(user: AnyUser) -> bool:
    return has_role(user, Role.DATA_PROTECTION_OFFICER)


def can_handle_personal_data_of(actor: AnyUser, person: User) -> bool:
    """A person handles their own data; a data protection officer anyone's."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    return actor.pk == person.pk or is_data_protection_officer(actor)
