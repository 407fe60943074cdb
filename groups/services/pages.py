"""Public-page changes: a committee proposes its group's description, place and links; the
Alumni Engagement team accepts them (the public page then shows them) or returns them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from groups.errors import GroupsError
from groups.models import AlumniGroup, PageChange
from groups.services.rules import lock_group, require_committee, require_staff
from portal.audit import audit_record
from portal.models import User

# What the committee fills in; the same names on the group (links live on the change).
PAGE_FIELDS = ("description", "place", "country", "links")
GROUP_PAGE_FIELDS = ("description", "place", "country")


def _lock_change(page_change_id: int) -> PageChange:
    try:
        return PageChange.objects.select_for_update().get(pk=page_change_id)
    except PageChange.DoesNotExist as exc:
        raise GroupsError("No such proposal.") from exc


def _require_waiting(change: PageChange) -> None:
    if not change.is_waiting:
        raise GroupsError(f"This proposal is no longer waiting ({change.get_status_display()}).")


def page_change_propose(
    *, actor: User, group_id: int, description: str, place: str, country: str, links: str
) -> PageChange:
    """Propose the public page; a proposal still waiting for the team is replaced by this one."""
    with transaction.atomic():
        group = lock_group(group_id)
        require_committee(actor, group)
        if group.status == AlumniGroup.Status.CLOSED:
            raise GroupsError("A closed group has no public page.")
        waiting = PageChange.objects.select_for_update().filter(
            group=group, status=PageChange.Status.PROPOSED
        )
        for earlier in waiting:
            earlier.status = PageChange.Status.REPLACED
            earlier.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="groups.page.replaced",
                target=earlier,
                old={"status": PageChange.Status.PROPOSED},
                new={"status": PageChange.Status.REPLACED},
            )
        values = {"description": description, "place": place, "country": country}
        change = PageChange.objects.create(group=group, proposed_by=actor, links=links, **values)
        audit_record(
            actor=actor,
            action="groups.page.proposed",
            target=change,
            new={**values, "links": links},
        )
    return change


def page_change_accept(*, actor: User, page_change_id: int, reason: str = "") -> PageChange:
    """Put the proposal on the group's public page."""
    require_staff(actor)
    with transaction.atomic():
        change = _lock_change(page_change_id)
        _require_waiting(change)
        group = lock_group(change.group_id)
        old = {field: getattr(group, field) for field in GROUP_PAGE_FIELDS}
        for field in GROUP_PAGE_FIELDS:
            setattr(group, field, getattr(change, field))
        group.save(update_fields=list(GROUP_PAGE_FIELDS))
        change.status = PageChange.Status.ACCEPTED
        change.decided_by, change.decided_at, change.reason = actor, timezone.now(), reason
        change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit_record(
            actor=actor,
            action="groups.page.accepted",
            target=change,
            old=old,
            new={field: getattr(change, field) for field in PAGE_FIELDS},
        )
    return change


def page_change_return(*, actor: User, page_change_id: int, reason: str) -> PageChange:
    """Send the proposal back to the committee with the reason; the public page is unchanged."""
    require_staff(actor)
    if not reason.strip():
        raise GroupsError("Tell the committee why the proposal is returned.", field="reason")
    with transaction.atomic():
        change = _lock_change(page_change_id)
        _require_waiting(change)
        change.status = PageChange.Status.RETURNED
        change.decided_by, change.decided_at, change.reason = actor, timezone.now(), reason
        change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit_record(
            actor=actor,
            action="groups.page.returned",
            target=change,
            old={"status": PageChange.Status.PROPOSED},
            new={"status": PageChange.Status.RETURNED, "reason": reason},
        )
    return change


# The team's two decisions on a proposal, with what the team is told when it is done.
PAGE_DECISIONS: dict[str, tuple[Callable[..., PageChange], str]] = {
    "accept": (page_change_accept, "Accepted: the group's public page now shows it."),
    "return": (page_change_return, "Returned to the committee with your note."),
}
