"""The portal's site-wide roles, held as Django groups created by a migration.

Object-level roles (committee member of a group, approver of a unit, administrator of an
account) are django-guardian object permissions; see ``portal.permissions``.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A site-wide role; the value is the name of its Django group."""

    ALUMNUS = "Alumni"
    STUDENT = "Students"
    STAFF = "University staff"
    ENGAGEMENT_STAFF = "Engagement staff"
    ENGAGEMENT_MANAGER = "Engagement manager"
    COMMS_STAFF = "Comms staff"
    MARCOMMS_DIRECTOR = "Marcomms director"
    SCHEME_ADMIN = "Scheme admins"
    PORTAL_ADMINISTRATOR = "Portal administrators"
    DATA_PROTECTION_OFFICER = "Data protection officers"


# Anyone holding one of these must enrol a TOTP authenticator before using any staff page.
STAFF_ROLES: frozenset[Role] = frozenset(
    {
        Role.STAFF,
        Role.ENGAGEMENT_STAFF,
        Role.ENGAGEMENT_MANAGER,
        Role.COMMS_STAFF,
        Role.MARCOMMS_DIRECTOR,
        Role.SCHEME_ADMIN,
        Role.PORTAL_ADMINISTRATOR,
        Role.DATA_PROTECTION_OFFICER,
    }
)

# Only superusers may grant or revoke these (a portal administrator cannot make another one).
SUPERUSER_ONLY_ROLES: frozenset[Role] = frozenset({Role.PORTAL_ADMINISTRATOR})
