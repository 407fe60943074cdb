"""Every scheduled sweep of the groups app: SLA reminders (SPEC E), the yearly annual-plan
reminder, and the release of due communications with the resumption of lost batches.

Due work is found with one set-based query per kind that leaves out what was already reminded,
and claimed in one statement (``reminders_claim_bulk``): each reminder goes at most once per
(kind, object, period), and a delivery row is sent at most once, so running a sweep twice does
nothing the second time, and a run with nothing to do costs a few queries whatever the data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
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
from portal.mail import Mail, emails_queue
from portal.models import OutboundEmail, User
from portal.reminders import not_reminded, reminders_claim_bulk
from portal.roles import Role
from portal.workdays import default_calendar


def _role_addresses(role: Role) -> list[str]:
    return list(
        User.objects.filter(groups__name=role.value, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _stage_period() -> Concat:
    return Concat(Value("stage-"), Cast(OuterRef("stage"), CharField()), output_field=CharField())


def sla_reminder_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Remind reviewers of requests due within one working day; escalate overdue ones.

    "Stage" is the request's resubmission count, so each due time gets its own reminder and
    escalation, and never more than one of each. Each kind is found in one query that leaves
    out the requests already reminded, and claimed in one statement for all of them: a run with
    nothing to send is two queries, however many requests are open or overdue.
    """
    now = now or timezone.now()
    soon = default_calendar().add_working_days(now, 1) or now
    on_clock = GroupRequest.objects.filter(status__in=GroupRequest.ON_TEAM_CLOCK)
    counts = {"due_soon": 0, "overdue": 0}
    team: list[str] | None = None
    managers: list[str] | None = None
    for key, overdue, due in (
        ("overdue", True, on_clock.filter(due_at__lte=now)),
        ("due_soon", False, on_clock.filter(due_at__gt=now, due_at__lte=soon)),
    ):
        kind = f"groups.sla.{key}"
        with transaction.atomic():
            found = list(
                not_reminded(due, kind=kind, period=_stage_period())
                .select_related("group", "assigned_to")
                .order_by("due_at")
            )
            claimed = reminders_claim_bulk(
                kind=kind, model=GroupRequest, claims=((r.pk, f"stage-{r.stage}") for r in found)
            )
            mails = []
            for req in found:
                if (str(req.pk), f"stage-{req.stage}") not in claimed:
                    continue
                if overdue:
                    if managers is None:
                        managers = _role_addresses(Role.ENGAGEMENT_MANAGER)
                    recipients = managers
                elif req.assigned_to is not None:
                    recipients = [req.assigned_to.email]
                else:
                    if team is None:
                        team = _role_addresses(Role.ENGAGEMENT_STAFF)
                    recipients = team
                counts[key] += 1
                if recipients:
                    mails.append(
                        Mail(
                            to=recipients,
                            subject=("Overdue: " if overdue else "Due soon: ") + req.title,
                            template="groups/email/sla_reminder",
                            context={"request_obj": req, "overdue": overdue},
                            category=kind,
                        )
                    )
            emails_queue(mails)
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
    groups = not_reminded(groups, kind="groups.plan.reminder", period=str(today.year))
    seats = CommitteeMembership.objects.filter(
        group__in=groups, ended_at__isnull=True
    ).select_related("group", "user")
    by_group: dict[int, tuple[AlumniGroup, list[str]]] = {}
    for seat in seats:
        by_group.setdefault(seat.group_id, (seat.group, []))[1].append(seat.user.email)
    with transaction.atomic():
        claimed = reminders_claim_bulk(
            kind="groups.plan.reminder",
            model=AlumniGroup,
            claims=((pk, str(today.year)) for pk in by_group),
        )
        mails = [
            Mail(
                to=addresses,
                subject=f"{group.name}: your {today.year} annual plan is due on {due:%d %B}",
                template="groups/email/plan_reminder",
                context={"group": group, "year": today.year, "due": due},
                category="groups.plan.reminder",
            )
            for group, addresses in by_group.values()
            if (str(group.pk), str(today.year)) in claimed
        ]
        emails_queue(mails)
    return len(mails)


# A batch queued this long ago and still pending was lost (broker or worker down): queue it again.
REDISPATCH_AFTER = timedelta(minutes=1)


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
