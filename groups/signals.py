"""Committee access follows the seats: ending or deleting a seat by any path takes the
committee object permission back.

``groups.services.groups.committee_end`` already revokes it; these receivers make the rule hold for
every other path too (an ORM ``save`` or ``delete``, a cascade from deleting the group). The
permission stays while the person still holds another open seat on the same group.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from groups.models import COMMITTEE_PERM, AlumniGroup, CommitteeMembership, GroupRequest
from groups.reports import sla_months_changed
from portal.models import User
from portal.permissions import revoke_object_role


def _revoke_unless_still_seated(seat: CommitteeMembership) -> None:
    still_seated = (
        CommitteeMembership.objects.filter(
            group_id=seat.group_id, user_id=seat.user_id, ended_at__isnull=True
        )
        .exclude(pk=seat.pk)
        .exists()
    )
    if still_seated:
        return
    group = AlumniGroup.objects.filter(pk=seat.group_id).first()
    user = User.objects.filter(pk=seat.user_id).first()
    if group is None or user is None:
        return  # the group is going too: its object permissions cascade with it
    revoke_object_role(user, COMMITTEE_PERM, group)


@receiver(post_save, sender=CommitteeMembership, dispatch_uid="groups.seat_ended")
def seat_saved(
    sender: type[CommitteeMembership], instance: CommitteeMembership, **kwargs: Any
) -> None:
    if instance.ended_at is not None:
        _revoke_unless_still_seated(instance)


@receiver(post_delete, sender=CommitteeMembership, dispatch_uid="groups.seat_deleted")
def seat_deleted(
    sender: type[CommitteeMembership], instance: CommitteeMembership, **kwargs: Any
) -> None:
    _revoke_unless_still_seated(instance)


@receiver(post_save, sender=GroupRequest, dispatch_uid="groups.sla_request_saved")
@receiver(post_delete, sender=GroupRequest, dispatch_uid="groups.sla_request_deleted")
def _request_changed(sender: type[GroupRequest], instance: GroupRequest, **kwargs: Any) -> None:
    """Any change of a request (a transition, an edit, a deletion) may change its month's SLA
    figures: the cached ones of that month are no longer believed."""
    sla_months_changed(instance.submitted_at)
