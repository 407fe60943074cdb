"""Every scheduled sweep of the groups app: SLA reminders (SPEC E), the yearly annual-plan
reminder, and the release of due communications with the resumption of lost batches.

Due work is found with one set-based query per kind. ``reminder_claim`` makes each reminder go
at most once per (kind, object, period), and a delivery row is sent at most once, so running a
sweep twice does nothing the second time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from groups.models import (
    AlumniGroup,
    AnnualPlan,
    CommitteeMembership,
    Communication,
    Delivery,
    GroupRequest,
    Membership,
)
from groups.services.communications import (
    SENDABLE_REQUEST_STATUSES,
    communication_complete_if_done,
    deliveries_sync,
)
from portal.audit import audit_record
from portal.dataprotection.retention import retention_cutoff
from portal.mail import email_queue
from portal.models import OutboundEmail, User
from portal.reminders import reminder_claim
from portal.roles import Role
from portal.workdays import default_calendar


def _role_addresses(role: Role) -> list[str]:
    return list(
        User.objects.filter(groups__name=role.value, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def sla_reminder_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Remind reviewers of requests due within one working day; escalate overdue ones.

    "Stage" is the request's resubmission count, so each due time gets its own reminder and
    escalation, and never more than one of each.
    """
    now = now or timezone.now()
    cal = default_calendar()
    soon = cal.add_working_days(now, 1) or now
    open_requests = (
        GroupRequest.objects.filter(status__in=GroupRequest.ON_TEAM_CLOCK, due_at__lte=soon)
        .select_related("group", "assigned_to")
        .order_by("due_at")
    )
    team: list[str] | None = None
    managers: list[str] | None = None
    counts = {"due_soon": 0, "overdue": 0}
    for req in open_requests:
        assert req.due_at is not None  # filtered on due_at__lte
        overdue = req.due_at <= now
        kind = "groups.sla.overdue" if overdue else "groups.sla.due_soon"
        with transaction.atomic():
            if not reminder_claim(kind=kind, target=req, period=f"stage-{req.stage}"):
                continue
            if overdue:
                managers = (
                    managers if managers is not None else _role_addresses(Role.ENGAGEMENT_MANAGER)
                )
                recipients = managers
            elif req.assigned_to is not None:
                recipients = [req.assigned_to.email]
            else:
                team = team if team is not None else _role_addresses(Role.ENGAGEMENT_STAFF)
                recipients = team
            if recipients:
                email_queue(
                    to=recipients,
                    subject=("Overdue: " if overdue else "Due soon: ") + req.title,
                    template="groups/email/sla_reminder",
                    context={"request_obj": req, "overdue": overdue},
                    category=kind,
                )
            counts["overdue" if overdue else "due_soon"] += 1
    return counts


def plan_due_date(year: int) -> date:
    """The day a year's plan is due: ``GROUPS_PLAN_DUE`` ("MM-DD") of that year, default 31 Jan."""
    month, day = (int(part) for part in getattr(settings, "GROUPS_PLAN_DUE", "01-31").split("-"))
    return date(year, month, day)


def plan_reminder_sweep(*, today: date | None = None) -> int:
    """Once a year, before the plan is due, remind committees that have not submitted one."""
    today = today or timezone.localdate()
    due = plan_due_date(today.year)
    lead = int(getattr(settings, "GROUPS_PLAN_REMINDER_DAYS", 28))
    if not (0 <= (due - today).days <= lead):
        return 0
    done = AnnualPlan.objects.filter(
        year=today.year, status__in=(AnnualPlan.Status.SUBMITTED, AnnualPlan.Status.ACCEPTED)
    ).values("group_id")
    groups = AlumniGroup.objects.filter(status=AlumniGroup.Status.ACTIVE).exclude(pk__in=done)
    seats = CommitteeMembership.objects.filter(
        group__in=groups, ended_at__isnull=True
    ).select_related("group", "user")
    by_group: dict[int, tuple[AlumniGroup, list[str]]] = {}
    for seat in seats:
        by_group.setdefault(seat.group_id, (seat.group, []))[1].append(seat.user.email)
    sent = 0
    for group, addresses in by_group.values():
        with transaction.atomic():
            if not reminder_claim(
                kind="groups.plan.reminder", target=group, period=str(today.year)
            ):
                continue
            email_queue(
                to=addresses,
                subject=f"{group.name}: your {today.year} annual plan is due on {due:%d %B}",
                template="groups/email/plan_reminder",
                context={"group": group, "year": today.year, "due": due},
                category="groups.plan.reminder",
            )
            sent += 1
    return sent


# A batch queued this long ago and still pending was lost (broker or worker down): queue it again.
REDISPATCH_AFTER = timedelta(minutes=10)


def communication_dispatch_sweep(*, now: datetime | None = None) -> int:
    """Queue the pending batches of communications that are due; returns batches queued.

    Run by beat every minute. It releases scheduled communications whose time has come
    (scheduled -> sending), re-queues batches still pending long after they were queued, so a
    broker or worker outage delays an email but never loses it, and closes communications the
    outbox has finished with. Only a communication whose request still allows sending is
    touched: one whose request went back for changes or was declined was cancelled with it, and
    is never sent. The due communications are claimed together (row locks, skipping any
    another sweep holds) and stamped in one update. Sending a batch twice is harmless: a
    delivery row is written to the outbox at most once.
    """
    from groups.tasks import send_communication_batch
    from portal.queue import enqueue_on_commit

    now = now or timezone.now()
    batches: dict[int, list[int]] = {}
    with transaction.atomic():
        claimed = dict(
            Communication.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=Communication.IN_FLIGHT,
                release_at__lte=now,
                request__status__in=SENDABLE_REQUEST_STATUSES,
            )
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER))
            .order_by("pk")
            .values_list("pk", "status")
        )
        batches = {pk: [] for pk in claimed}
        pending = (
            Delivery.objects.filter(
                communication_id__in=claimed, status=Delivery.Status.QUEUED, email__isnull=True
            )
            .order_by("communication_id", "batch")
            .values_list("communication_id", "batch")
            .distinct()
        )
        for communication_id, number in pending:
            batches[communication_id].append(number)
        Communication.objects.filter(pk__in=claimed).update(
            status=Communication.Status.SENDING, dispatched_at=now
        )
        for communication in Communication.objects.filter(pk__in=claimed).order_by("pk"):
            released = claimed[communication.pk] == Communication.Status.SCHEDULED
            audit_record(
                actor=None,
                action="groups.communication.released"
                if released
                else "groups.communication.resumed",
                target=communication,
                old={"status": claimed[communication.pk]},
                new={"status": Communication.Status.SENDING, "batches": batches[communication.pk]},
            )
            for number in batches[communication.pk]:
                enqueue_on_commit(send_communication_batch, communication.pk, number)
    # Whatever is sending with nothing left to write: take the outbox's verdicts, and close it
    # once no delivery is queued.
    sending = list(
        Communication.objects.filter(status=Communication.Status.SENDING)
        .exclude(pk__in=[pk for pk, numbers in batches.items() if numbers])
        .values_list("pk", flat=True)
    )
    deliveries_sync(communication_ids=sending)
    done = Communication.objects.filter(pk__in=sending).exclude(
        deliveries__status=Delivery.Status.QUEUED
    )
    for communication_id in done.values_list("pk", flat=True):
        communication_complete_if_done(communication_id=communication_id)
    return sum(len(numbers) for numbers in batches.values())


def unsubscribed_contacts_retention_sweep(*, dry_run: bool = False) -> int:
    """Members who left a group, or withdrew consent, more than ``RETENTION_UNSUBSCRIBED_MONTHS``
    ago: the outbox copies of the group emails sent to them lose the address, the bodies and
    the unsubscribe headers. Delivery rows, consent history and the membership stay (000: the
    university, not the group, keeps alumni contact data). Set-based; cleared rows have no
    address and are not matched again."""
    cutoff = retention_cutoff(settings.RETENTION_UNSUBSCRIBED_MONTHS)
    gone = Membership.objects.filter(
        Q(left_at__lt=cutoff) | Q(email_consent=False, consent_changed_at__lt=cutoff)
    )
    emails = OutboundEmail.objects.filter(
        pk__in=Delivery.objects.filter(membership__in=gone, email__isnull=False).values("email")
    ).exclude(to="")
    if dry_run:
        return emails.count()
    return emails.update(to="", body_text="", body_html="", headers={})
