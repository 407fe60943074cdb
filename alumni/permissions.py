"""Who may do what with alumni records and verifications: pure predicates, no side effects."""

from __future__ import annotations

from alumni.models import Verification
from portal.permissions import AnyUser, has_role
from portal.roles import Role


def is_engagement_staff(user: AnyUser) -> bool:
    return has_role(user, Role.ENGAGEMENT_STAFF, Role.ENGAGEMENT_MANAGER)


def can_manage_records(user: AnyUser) -> bool:
    """Engagement staff import and read the alumni records (personal data)."""
    return is_engagement_staff(user)


def can_decide_verification(user: AnyUser, verification: Verification) -> bool:
    return is_engagement_staff(user) and verification.user_id != getattr(user, "pk", None)


def can_request_verification(user: AnyUser) -> bool:
    """Anyone who signed up as a graduate asks to be verified (again, after a refusal)."""
    return has_role(user, Role.ALUMNUS)
