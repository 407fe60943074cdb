"""The checks every groups service starts with: who the actor is, and fetching what it acts on."""

from __future__ import annotations

from groups.errors import GroupsError
from groups.models import AlumniGroup
from groups.permissions import is_committee_member, is_engagement_staff
from portal.models import User


def require_staff(actor: User) -> None:
    if not is_engagement_staff(actor):
        raise GroupsError("Only the Alumni Engagement team can do this.")


def require_committee(actor: User, group: AlumniGroup) -> None:
    if not is_committee_member(actor, group):
        raise GroupsError("Only members of this group's committee can do this.")


def lock_group(group_id: int) -> AlumniGroup:
    """The group, row-locked until the end of the caller's transaction."""
    try:
        return AlumniGroup.objects.select_for_update().get(pk=group_id)
    except AlumniGroup.DoesNotExist as exc:
        raise GroupsError("No such group.") from exc
