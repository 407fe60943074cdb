"""Administrators of a live account: grants and revocations, handovers (B5) and compliance.

Who administers an account is the open rows of the access log (``AdminAssignment`` without
``revoked_at``): ``accounts_registry.api.is_account_admin`` and the registry's own predicate read
only them, and so does moderation (through the api). The guardian object permission
``accounts_registry.administer_account`` is no longer granted: nothing reads it, and a second
record of the same fact could only disagree with the first. The portal records that passwords
were changed, never a password.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts_registry.errors import AccountError
from accounts_registry.models import AdminAssignment, Handover, OfficialAccount
from accounts_registry.permissions import can_manage_account_admins
from portal.audit import audit_record
from portal.models import User
from portal.permissions import has_role
from portal.reminders import reminder_claim
from portal.roles import Role

from .notifications import comms_recipients, notify
from .training import training_check

MIN_ADMINS = 2


def account_lock(account_id: int) -> OfficialAccount:
    """The account's row, locked for the rest of the transaction."""
    try:
        return OfficialAccount.objects.select_for_update().get(pk=account_id)
    except OfficialAccount.DoesNotExist as exc:
        raise AccountError("No such account.") from exc


def account_url(account: OfficialAccount) -> str:
    return reverse("accounts_registry:account_detail", args=[account.pk])


def admin_grant(
    *, account: OfficialAccount, user: User, actor: User | None, reason: str
) -> AdminAssignment:
    """Open an access-log entry: ``user`` administers ``account`` (caller holds the lock)."""
    assignment = AdminAssignment.objects.create(
        account=account, user=user, granted_by=actor, reason=reason[:255]
    )
    audit_record(
        actor=actor,
        action="accounts_registry.admin.granted",
        target=account,
        new={"user": user.email, "reason": reason},
    )
    return assignment


def admin_revoke(
    *, assignment: AdminAssignment, actor: User | None, reason: str
) -> AdminAssignment:
    """Close an access-log entry: ``user`` no longer administers it (caller holds the lock)."""
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.revoke_reason = reason[:255]
    assignment.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="accounts_registry.admin.revoked",
        target=assignment.account,
        old={"user": assignment.user.email},
        new={"reason": reason},
    )
    return assignment


def compliance_refresh(account: OfficialAccount, *, actor: User | None) -> bool:
    """Mark an open account non-compliant below two admins and tell comms once per incident.

    Returns whether the account is compliant. The incident is identified by the moment it
    began, so comms hear of each drop below two admins exactly once.
    """
    count = AdminAssignment.objects.filter(account=account, revoked_at__isnull=True).count()
    compliant = count >= MIN_ADMINS or not account.is_open
    if compliant and account.noncompliant_since is not None:
        account.noncompliant_since = None
        account.save(update_fields=["noncompliant_since"])
        audit_record(actor=actor, action="accounts_registry.account.compliant", target=account)
    elif not compliant and account.noncompliant_since is None:
        account.noncompliant_since = timezone.now()
        account.save(update_fields=["noncompliant_since"])
        audit_record(
            actor=actor,
            action="accounts_registry.account.noncompliant",
            target=account,
            new={"admins": count},
        )
        if reminder_claim(
            kind="accounts_registry.noncompliant",
            target=account,
            period=account.noncompliant_since.isoformat(),
        ):
            notify(
                to=comms_recipients(),
                subject=f"Official account has fewer than two administrators: {account}",
                template="noncompliant",
                context={"account": account, "count": count, "url": account_url(account)},
                category="account.noncompliant",
            )
    return compliant


def _require_staff(user: User, *, field: str) -> None:
    if not has_role(user, Role.STAFF):
        raise AccountError(f"{user.display_name} is not a current member of staff.", field=field)


def _staff_member(user_id: int, *, field: str) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise AccountError("No such person.", field=field)
    _require_staff(user, field=field)
    return user


@transaction.atomic
def account_admin_add(
    *, actor: User, account_id: int, user_id: int, reason: str
) -> AdminAssignment:
    """An admin or comms gives one more member of staff admin rights."""
    account = account_lock(account_id)
    if not can_manage_account_admins(actor, account):
        raise AccountError("You cannot change the administrators of this account.")
    user = _staff_member(user_id, field="user")
    if AdminAssignment.objects.filter(account=account, user=user, revoked_at__isnull=True).exists():
        raise AccountError(f"{user.display_name} is already an administrator.", field="user")
    training_check([user], field="user")
    assignment = admin_grant(account=account, user=user, actor=actor, reason=reason or "Added")
    compliance_refresh(account, actor=actor)
    return assignment


@transaction.atomic
def account_handover(
    *,
    actor: User,
    account_id: int,
    leaving_id: int,
    replacement_id: int | None,
    passwords_changed_confirmed: bool,
    note: str = "",
) -> Handover:
    """An admin leaves or changes role (004 §4.20): rights move to the replacement, if any,
    and the passwords must have been changed. Without a replacement the account may fall
    below two admins and become non-compliant."""
    account = account_lock(account_id)
    if not can_manage_account_admins(actor, account):
        raise AccountError("You cannot record a handover on this account.")
    if not passwords_changed_confirmed:
        raise AccountError(
            "Change the account's passwords before the handover and confirm it: a "
            "departing administrator must not keep access (001 §5.4, 004 §4.20).",
            field="passwords_changed_confirmed",
        )
    leaving_assignment = (
        AdminAssignment.objects.filter(account=account, user_id=leaving_id, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if leaving_assignment is None:
        leaving_user = User.objects.filter(pk=leaving_id).first()
        who = leaving_user.display_name if leaving_user else "This person"
        raise AccountError(f"{who} is not an administrator.", field="leaving")
    leaving = leaving_assignment.user
    replacement = None
    if replacement_id is not None:
        if replacement_id == leaving.pk:
            raise AccountError("The replacement must be someone else.", field="replacement")
        replacement = _staff_member(replacement_id, field="replacement")
        if AdminAssignment.objects.filter(
            account=account, user=replacement, revoked_at__isnull=True
        ).exists():
            raise AccountError(
                f"{replacement.display_name} is already an administrator.", field="replacement"
            )
        training_check([replacement], field="replacement")
    handover = Handover.objects.create(
        account=account,
        leaving=leaving,
        replacement=replacement,
        passwords_changed_confirmed=True,
        note=note,
        by=actor,
    )
    admin_revoke(assignment=leaving_assignment, actor=actor, reason=f"Handover #{handover.pk}")
    if replacement is not None:
        admin_grant(
            account=account, user=replacement, actor=actor, reason=f"Handover #{handover.pk}"
        )
    audit_record(
        actor=actor,
        action="accounts_registry.account.handover",
        target=account,
        old={"admin": leaving.email},
        new={"admin": replacement.email if replacement else None, "passwords_changed": True},
    )
    compliance_refresh(account, actor=actor)
    return handover
