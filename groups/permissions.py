"""Who may do what with groups: pure predicates over ``portal.permissions``, no side effects.

Every ``can_<verb>_<entity>`` takes the object it is about, even where today's rule looks only
at the user's role, so a rule that comes to depend on the object changes here alone.
"""

from __future__ import annotations

from alumni.api import is_verified_alumnus
from groups.models import COMMITTEE_PERM, AlumniGroup, GroupRequest
from portal.permissions import AnyUser, has_object_role, has_role, role_required
from portal.roles import Role


def is_engagement_staff(user: AnyUser) -> bool:
    return has_role(user, Role.ENGAGEMENT_STAFF, Role.ENGAGEMENT_MANAGER)


def is_committee_member(user: AnyUser, group: AlumniGroup) -> bool:
    return has_object_role(user, COMMITTEE_PERM, group)


def can_join_group(user: AnyUser, group: AlumniGroup) -> bool:
    """Verified graduates only (a pending one is refused by the service with the reason)."""
    return (
        has_role(user, Role.ALUMNUS)
        and group.status == AlumniGroup.Status.ACTIVE
        and is_verified_alumnus(user)
    )


def can_submit_request(user: AnyUser, group: AlumniGroup) -> bool:
    return group.status == AlumniGroup.Status.ACTIVE and is_committee_member(user, group)


def can_resubmit_request(user: AnyUser, request: GroupRequest) -> bool:
    return request.status == GroupRequest.Status.CHANGES_REQUESTED and is_committee_member(
        user, request.group
    )


def can_review_request(user: AnyUser, request: GroupRequest) -> bool:
    return is_engagement_staff(user)


def can_view_group_members(user: AnyUser, group: AlumniGroup) -> bool:
    """Member names and addresses: only engagement staff; committee members see counts and
    never addresses (seed 000)."""
    return is_engagement_staff(user)


# Every staff page of the app sits behind this.
staff_only = role_required(Role.ENGAGEMENT_STAFF, Role.ENGAGEMENT_MANAGER)
