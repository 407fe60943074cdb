"""Writes for groups, their committees, memberships and consent.

Each function is one business action: it runs in a transaction, locks what it changes, checks
state and permission again, saves the changed fields and records an audit event. Plans,
presences, requests and sending have their own modules beside this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from alumni.api import (
    NOT_VERIFIED,
    is_verified_alumnus,
    not_verified_error_link,
    verification_status,
)
from groups.errors import GroupsError
from groups.models import (
    COMMITTEE_PERM,
    AlumniGroup,
    CommitteeMembership,
    ConsentEvent,
    Membership,
    MembershipChange,
)
from groups.permissions import can_join_group
from groups.services.rules import lock_group, require_staff
from portal.audit import audit_record
from portal.models import User
from portal.permissions import grant_object_role, has_role, revoke_object_role
from portal.roles import Role

CONSENT_WORDING = "I agree to receive emails about {group} from the Alumni Engagement team."

# The group fields staff set on the group form; ``group_update`` accepts exactly these.
GROUP_FIELDS = ("name", "kind", "place", "country", "description", "status")


# --- Groups and committees --------------------------------------------------------------------


def group_create(
    *,
    actor: User,
    name: str,
    kind: str,
    place: str = "",
    country: str = "",
    description: str = "",
    slug: str = "",
) -> AlumniGroup:
    require_staff(actor)
    slug = slug or slugify(name)[:80]
    if (
        AlumniGroup.objects.filter(slug=slug).exists()
        or AlumniGroup.objects.filter(name__iexact=name).exists()
    ):
        raise GroupsError("A group with this name already exists.", field="name")
    with transaction.atomic():
        group = AlumniGroup.objects.create(
            name=name, slug=slug, kind=kind, place=place, country=country, description=description
        )
        audit_record(actor=actor, action="groups.group.created", target=group, new={"name": name})
    return group


def group_update(*, actor: User, group_id: int, changes: Mapping[str, Any]) -> AlumniGroup:
    """Change a group's details or status (staff only); records old and new values."""
    require_staff(actor)
    allowed = set(GROUP_FIELDS)
    with transaction.atomic():
        group = AlumniGroup.objects.select_for_update().get(pk=group_id)
        old = {f: getattr(group, f) for f in changes if f in allowed}
        new = {f: v for f, v in changes.items() if f in allowed and old[f] != v}
        if not new:
            return group
        for field, value in new.items():
            setattr(group, field, value)
        group.save(update_fields=list(new))
        audit_record(
            actor=actor,
            action="groups.group.updated",
            target=group,
            old={f: old[f] for f in new},
            new=new,
        )
    return group


def committee_appoint(
    *, actor: User, group_id: int, user_id: int, role: str
) -> CommitteeMembership:
    """Give the user a committee seat; the seat grants the committee object permission."""
    require_staff(actor)
    user = User.objects.filter(pk=user_id).first()
    if user is None or not has_role(user, Role.ALUMNUS):
        raise GroupsError("Committee members must be registered alumni.", field="email")
    if not is_verified_alumnus(user):
        raise GroupsError(
            "Committee members must be verified graduates; this person's graduate status is "
            f"{verification_status(user)}. Decide it in the verification queue first.",
            field="email",
        )
    with transaction.atomic():
        group = lock_group(group_id)
        seat = CommitteeMembership.objects.filter(
            group=group, user=user, ended_at__isnull=True
        ).first()
        if seat is not None:
            if seat.role == role:
                return seat
            old_role = seat.role
            seat.role = role
            seat.save(update_fields=["role"])
            audit_record(
                actor=actor,
                action="groups.committee.role_changed",
                target=seat,
                old={"role": old_role},
                new={"role": role},
            )
            return seat
        seat = CommitteeMembership.objects.create(group=group, user=user, role=role)
        grant_object_role(user, COMMITTEE_PERM, group)
        audit_record(
            actor=actor,
            action="groups.committee.appointed",
            target=seat,
            new={"group": group.pk, "user": user.pk, "role": role},
        )
    return seat


def committee_end(*, actor: User, seat_id: int) -> CommitteeMembership:
    """Close a committee seat and take the object permission back."""
    require_staff(actor)
    with transaction.atomic():
        seat = CommitteeMembership.objects.select_for_update().select_related("group", "user")
        seat_obj = seat.get(pk=seat_id)
        if seat_obj.ended_at is not None:
            raise GroupsError("This committee seat has already ended.")
        seat_obj.ended_at = timezone.now()
        seat_obj.save(update_fields=["ended_at"])
        revoke_object_role(seat_obj.user, COMMITTEE_PERM, seat_obj.group)
        audit_record(
            actor=actor,
            action="groups.committee.ended",
            target=seat_obj,
            new={"ended_at": seat_obj.ended_at},
        )
    return seat_obj


# --- Membership and consent -------------------------------------------------------------------


def _require_verified(actor: User, what: str) -> None:
    """A graduate whose status is pending (or refused) is told why, with where to see it."""
    if has_role(actor, Role.ALUMNUS) and not is_verified_alumnus(actor):
        raise GroupsError(
            f"Only verified graduates can {what}. {NOT_VERIFIED}", link=not_verified_error_link()
        )


def membership_join(*, actor: User, group_id: int, consent: bool = False) -> Membership:
    """``actor`` joins the group; consent to emails is a separate, explicit choice."""
    with transaction.atomic():
        # The group's lock makes two joins by one person at once a single membership.
        group = lock_group(group_id)
        _require_verified(actor, "join an alumni group")
        if not can_join_group(actor, group):
            raise GroupsError("Only registered alumni can join an active group.")
        membership = (
            Membership.objects.select_for_update()
            .filter(group=group, user=actor, left_at__isnull=True)
            .first()
        )
        if membership is None:
            membership = Membership.objects.create(group=group, user=actor)
            _record_change(membership, MembershipChange.Kind.JOINED, at=membership.joined_at)
            audit_record(actor=actor, action="groups.membership.joined", target=membership)
        if consent and not membership.email_consent:
            _set_consent(membership, given=True, source=ConsentEvent.Source.PORTAL, actor=actor)
    return membership


def membership_leave(*, actor: User, membership_id: int) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership_id, user=actor)
        if membership.left_at is not None:
            return membership
        if membership.email_consent:
            _set_consent(membership, given=False, source=ConsentEvent.Source.LEFT, actor=actor)
        membership.left_at = timezone.now()
        membership.save(update_fields=["left_at"])
        _record_change(membership, MembershipChange.Kind.LEFT, at=membership.left_at)
        audit_record(actor=actor, action="groups.membership.left", target=membership)
    return membership


def _record_change(
    membership: Membership, kind: str, *, at: datetime, source: str = ""
) -> MembershipChange:
    """Append to the CRM's change feed, in the caller's transaction.

    The table lock (it conflicts with itself, not with reads) is held until the transaction
    ends, so the next writer takes its id only after this row is committed or gone: rows become
    visible in id order and a cursor over ids never skips one. SQLite serialises writers anyway.
    Callers take it last, after their row locks, so it never waits inside a lock cycle.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(MembershipChange._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    return MembershipChange.objects.create(membership=membership, kind=kind, at=at, source=source)


def _set_consent(membership: Membership, *, given: bool, source: str, actor: User | None) -> None:
    now = timezone.now()
    old = membership.email_consent
    membership.email_consent = given
    membership.consent_changed_at = now
    membership.save(update_fields=["email_consent", "consent_changed_at"])
    ConsentEvent.objects.create(
        membership=membership,
        given=given,
        at=now,
        source=source,
        wording=CONSENT_WORDING.format(group=membership.group.name) if given else "",
    )
    kind = MembershipChange.Kind.CONSENT_GIVEN if given else MembershipChange.Kind.CONSENT_WITHDRAWN
    _record_change(membership, kind, at=now, source=source)
    audit_record(
        actor=actor,
        action="groups.consent.given" if given else "groups.consent.withdrawn",
        target=membership,
        old={"email_consent": old},
        new={"email_consent": given, "source": source},
    )


def consent_give(*, actor: User, membership_id: int) -> Membership:
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("group")
            .get(pk=membership_id, user=actor)
        )
        if membership.left_at is not None:
            raise GroupsError("Join the group again before agreeing to its emails.")
        _require_verified(actor, "agree to a group's emails")
        if not membership.email_consent:
            _set_consent(membership, given=True, source=ConsentEvent.Source.PORTAL, actor=actor)
    return membership


def consent_withdraw(
    *, actor: User | None, membership_id: int, source: str = ConsentEvent.Source.PORTAL
) -> Membership:
    """Withdraw consent; a no-op when already withdrawn (unsubscribe links are clicked twice)."""
    with transaction.atomic():
        qs = Membership.objects.select_for_update().select_related("group", "user")
        membership = qs.get(pk=membership_id)
        if actor is not None and membership.user_id != actor.pk:
            raise GroupsError("You can only change your own consent.")
        if membership.email_consent:
            _set_consent(membership, given=False, source=source, actor=actor or membership.user)
    return membership
