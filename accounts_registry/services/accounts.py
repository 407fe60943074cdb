"""Live accounts: activity (B6), flagging, keeping, closure, and registering an existing one.

Every transition locks the account row, re-checks its state and the actor's right inside the
transaction, saves only the changed fields and writes an audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts_registry.errors import AccountError
from accounts_registry.models import (
    ActivityRecord,
    AdminAssignment,
    OfficialAccount,
    normalise_handle,
)
from accounts_registry.permissions import can_administer_account, is_comms
from accounts_registry.rules import (
    check_administrators,
    check_contact_email,
    check_handle_free,
    check_url,
    normalise_url,
)
from portal.audit import audit_record, audit_record_bulk
from portal.mail import emails_queue
from portal.models import User
from portal.reminders import reminder_claim, reminders_claim_bulk

from .admins import account_lock, account_url, admin_grant, admin_revoke, compliance_refresh
from .common import people_by_ids, unit_by_id
from .discovered import discovered_link
from .notifications import comms_recipients, notice, notify


def _activity_moment(kind: str, last_post_on: date | None, now: datetime) -> datetime:
    if kind == ActivityRecord.Kind.CHECK_IN:
        return now
    if last_post_on is None:
        raise AccountError("Give the date of the latest post.", field="last_post_on")
    if last_post_on > timezone.localdate(now):
        raise AccountError("The latest post cannot be in the future.", field="last_post_on")
    moment = timezone.make_aware(datetime.combine(last_post_on, time(12)))
    return min(moment, now)


@transaction.atomic
def account_activity_record(
    *,
    actor: User,
    account_id: int,
    kind: str,
    last_post_on: date | None = None,
    note: str = "",
) -> ActivityRecord:
    """An admin records the latest post date or a check-in (001 §5.4).

    Newer activity starts a new inactivity period: any pending reminder state is cleared.
    """
    account = account_lock(account_id)
    if not can_administer_account(actor, account):
        raise AccountError("Only the account's administrators can record its activity.")
    if not account.is_open:
        raise AccountError("This account is closed.")
    now = timezone.now()
    moment = _activity_moment(kind, last_post_on, now)
    record = ActivityRecord.objects.create(
        account=account, kind=kind, last_post_on=last_post_on, note=note[:255], recorded_by=actor
    )
    if account.last_activity_at is None or moment > account.last_activity_at:
        old = account.last_activity_at
        account.last_activity_at = moment
        account.inactivity_reminded_at = None
        account.save(update_fields=["last_activity_at", "inactivity_reminded_at"])
        audit_record(
            actor=actor,
            action="accounts_registry.account.activity_recorded",
            target=account,
            old={"last_activity_at": old},
            new={"last_activity_at": moment, "kind": kind},
        )
    return record


def account_flag(account: OfficialAccount, *, actor: User | None, reason: str) -> bool:
    """Flag an active account to comms for deactivation (caller holds the lock).

    It takes the locked instance because its callers (the inactivity sweep, the audit answer)
    already hold the row inside their own transaction.
    """
    if account.status != OfficialAccount.Status.ACTIVE:
        return False
    account.status = OfficialAccount.Status.FLAGGED
    account.flagged_at = timezone.now()
    account.flag_reason = reason[:255]
    account.save(update_fields=["status", "flagged_at", "flag_reason"])
    audit_record(
        actor=actor,
        action="accounts_registry.account.flagged",
        target=account,
        old={"status": OfficialAccount.Status.ACTIVE},
        new={"status": OfficialAccount.Status.FLAGGED, "reason": reason},
    )
    if reminder_claim(
        kind="accounts_registry.flagged", target=account, period=account.flagged_at.isoformat()
    ):
        notify(
            to=comms_recipients(),
            subject=f"Official account flagged for deactivation: {account}",
            template="flagged",
            context={"account": account, "reason": reason, "url": account_url(account)},
            category="account.flagged",
        )
    return True


def accounts_flag_bulk(accounts: Sequence[OfficialAccount], *, reasons: Sequence[str]) -> int:
    """``account_flag`` by the system for many locked active accounts at once.

    One update per thousand, one audit insert, one reminder claim and one comms email per
    account, so a sweep flagging thousands costs what its batches cost.
    """
    live = [
        (account, reason)
        for account, reason in zip(accounts, reasons, strict=True)
        if account.status == OfficialAccount.Status.ACTIVE
    ]
    if not live:
        return 0
    now = timezone.now()
    for account, reason in live:
        account.status = OfficialAccount.Status.FLAGGED
        account.flagged_at = now
        account.flag_reason = reason[:255]
    OfficialAccount.objects.bulk_update(
        [account for account, _ in live], ["status", "flagged_at", "flag_reason"], batch_size=1000
    )
    audit_record_bulk(
        actor=None,
        action="accounts_registry.account.flagged",
        entries=(
            (
                account,
                {"status": OfficialAccount.Status.ACTIVE},
                {"status": OfficialAccount.Status.FLAGGED, "reason": reason},
            )
            for account, reason in live
        ),
    )
    claimed = reminders_claim_bulk(
        kind="accounts_registry.flagged",
        model=OfficialAccount,
        claims=((account.pk, now.isoformat()) for account, _ in live),
    )
    recipients = comms_recipients()
    emails_queue(
        mail
        for account, reason in live
        if (str(account.pk), now.isoformat()) in claimed
        for mail in notice(
            to=recipients,
            subject=f"Official account flagged for deactivation: {account}",
            template="flagged",
            context={"account": account, "reason": reason, "url": account_url(account)},
            category="account.flagged",
        )
    )
    return len(live)


@transaction.atomic
def account_keep(*, actor: User, account_id: int, reason: str) -> OfficialAccount:
    """Comms decide a flagged account stays: it is active again and its clock restarts."""
    account = account_lock(account_id)
    if not is_comms(actor):
        raise AccountError("Only comms staff can decide on flagged accounts.")
    if account.status != OfficialAccount.Status.FLAGGED:
        raise AccountError("Only a flagged account can be kept.")
    if not reason.strip():
        raise AccountError("Say why the account stays open.", field="reason")
    account.status = OfficialAccount.Status.ACTIVE
    account.flagged_at = None
    account.flag_reason = ""
    account.last_activity_at = timezone.now()
    account.inactivity_reminded_at = None
    account.save(
        update_fields=[
            "status",
            "flagged_at",
            "flag_reason",
            "last_activity_at",
            "inactivity_reminded_at",
        ]
    )
    audit_record(
        actor=actor,
        action="accounts_registry.account.kept",
        target=account,
        old={"status": OfficialAccount.Status.FLAGGED},
        new={"status": OfficialAccount.Status.ACTIVE, "reason": reason},
    )
    return account


@transaction.atomic
def account_close(*, actor: User, account_id: int, status: str, reason: str) -> OfficialAccount:
    """Comms close an account as deactivated or deleted (001 §5.4, §5.6).

    It leaves the public lookup; the history (access log, audits, activity) stays. Current
    administrators lose their rights, recorded in the access log.
    """
    account = account_lock(account_id)
    if not is_comms(actor):
        raise AccountError("Only comms staff can close accounts.")
    if not account.is_open:
        raise AccountError("This account is already closed.")
    if status not in (OfficialAccount.Status.DEACTIVATED, OfficialAccount.Status.DELETED):
        raise AccountError("Close an account as deactivated or deleted.", field="status")
    if not reason.strip():
        raise AccountError("Give the reason for closing the account.", field="reason")
    old = account.status
    admins = list(
        AdminAssignment.objects.filter(account=account, revoked_at__isnull=True).select_related(
            "user", "account"
        )
    )
    for assignment in admins:
        admin_revoke(assignment=assignment, actor=actor, reason="Account closed")
    account.status = status
    account.closed_at = timezone.now()
    account.closure_reason = reason
    account.noncompliant_since = None
    account.save(update_fields=["status", "closed_at", "closure_reason", "noncompliant_since"])
    audit_record(
        actor=actor,
        action=f"accounts_registry.account.{status}",
        target=account,
        old={"status": old},
        new={"status": status, "reason": reason},
    )
    notify(
        to=[assignment.user.email for assignment in admins],
        subject=f"Official account closed: {account}",
        template="closed",
        context={"account": account, "reason": reason},
        category="account.closed",
    )
    discovered_link(actor=actor, platform=account.platform, handle=account.handle)
    return account


@transaction.atomic
def account_register_existing(
    *,
    actor: User,
    unit_id: int,
    platform: str,
    handle: str,
    name: str,
    administrator_ids: Sequence[int],
    url: str = "",
    contact_email: str = "",
    followers: int = 0,
    created_at: datetime | None = None,
    last_activity_at: datetime | None = None,
    centrally_managed: bool = False,
) -> OfficialAccount:
    """Comms enter an account that predates the portal (004 §4.1: the directory also lists
    accounts found by monitoring). It skips the approval flow, so only comms may do it.

    The naming rules are not applied (the handle exists already), but the account must be
    free in the registry, have two different staff administrators and, if a contact email is
    given, a generic mailbox on the institution's domain: the same rules as a request. Those
    rules give several reasons per field at once, so they are raised as a ``ValidationError``
    keyed by field (the form shows each beside its field).
    """
    if not is_comms(actor):
        raise AccountError("Only comms staff can register an existing account.")
    unit = unit_by_id(unit_id)
    administrators = people_by_ids(administrator_ids, field="administrators")
    errors = {
        "handle": ["Enter the account's handle."]
        if not normalise_handle(handle)
        else check_handle_free(platform, handle),
        "administrators": check_administrators(administrators),
        "contact_email": check_contact_email(contact_email) if contact_email.strip() else [],
        "url": check_url(url),
    }
    errors = {field: reasons for field, reasons in errors.items() if reasons}
    if errors:
        raise ValidationError(errors)
    contact_email = contact_email.strip().lower()
    url = normalise_url(url)
    account = OfficialAccount.objects.create(
        unit=unit,
        platform=platform,
        handle=handle,
        name=name,
        url=url,
        contact_email=contact_email,
        followers=followers,
        created_at=created_at or timezone.now(),
        last_activity_at=last_activity_at,
        centrally_managed=centrally_managed,
    )
    audit_record(
        actor=actor,
        action="accounts_registry.account.registered",
        target=account,
        new={"handle": account.handle, "platform": platform, "unit": unit.slug},
    )
    for user in administrators:
        admin_grant(account=account, user=user, actor=actor, reason="Registered existing account")
    compliance_refresh(account, actor=actor)
    discovered_link(actor=actor, platform=account.platform, handle=account.handle)
    return account
