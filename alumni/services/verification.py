"""Verification of graduates: at sign-up, on resubmission, by staff, and by the system.

Matching (``alumni.matching``) verifies at once only when exactly one record matches and no
other account holds it; everything else is pending on the 3-working-day clock, and the person
is told the same thing whatever the reason, so their answers never reveal whether a record
exists. Every change locks the verification row and is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from alumni.api import forget_verification
from alumni.errors import AlumniError
from alumni.matching import Details, email_on_file, matches
from alumni.models import AlumniRecord, Verification
from alumni.permissions import can_decide_verification, can_request_verification
from alumni.selectors import candidate_records, details_of
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User
from portal.workdays import default_calendar

DUE_WORKING_DAYS = 3
# The details a graduate types; forms use this list.
DETAIL_FIELDS = (
    "given_names",
    "family_name",
    "former_name",
    "graduation_year",
    "programme",
    "birth_year",
)


def find_match(details: Details, *, user_id: int) -> tuple[AlumniRecord | None, str]:
    """The one record the details match, and how (email on file or details); else None.

    A record already verifying another account never matches (one account per graduate), and
    nothing matches before the account's address is confirmed: otherwise anyone could sign up
    with a graduate's address or details, never confirm it, and hold that graduate's record.
    """
    if not _address_confirmed(user_id):
        return None, ""
    others = Count("verifications", filter=~Q(verifications__user_id=user_id))
    candidates = list(candidate_records(details).annotate(others=others).filter(others=0))
    by_email = {r.pk: r for r in candidates if email_on_file(details, r)}
    if len(by_email) == 1:
        return next(iter(by_email.values())), Verification.Method.EMAIL_MATCH
    by_details = {r.pk: r for r in candidates if matches(details, r)}
    if len(by_details) == 1 and not by_email:
        return next(iter(by_details.values())), Verification.Method.RECORD_MATCH
    return None, ""


def _address_confirmed(user_id: int) -> bool:
    """The account's own sign-in address is confirmed (by its emailed link or by SSO)."""
    user = User.objects.only("email").get(pk=user_id)
    confirmed: bool = EmailAddress.objects.filter(
        user_id=user_id, email__iexact=user.email, verified=True
    ).exists()
    return confirmed


def _due(now: datetime) -> datetime | None:
    return default_calendar().add_working_days(now, DUE_WORKING_DAYS)


def _lock(verification_id: int) -> Verification:
    try:
        return (
            Verification.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=verification_id)
        )
    except (Verification.DoesNotExist, ValueError, TypeError) as exc:
        raise AlumniError("No such verification.") from exc


def _set_verified(
    verification: Verification,
    *,
    actor: User | None,
    method: str,
    record: AlumniRecord | None,
    evidence: str = "",
) -> None:
    old = {"status": verification.status, "record": verification.record_id}
    if record is not None and (
        Verification.objects.filter(record=record).exclude(pk=verification.pk).exists()
    ):
        raise AlumniError("This record already verifies another account.", field="record")
    verification.status = Verification.Status.VERIFIED
    verification.method = method
    verification.record = record
    verification.evidence = evidence
    verification.reason = ""
    verification.decided_at = timezone.now()
    verification.decided_by = actor
    fields = ["status", "method", "record", "evidence", "reason", "decided_at", "decided_by"]
    try:
        with transaction.atomic():  # a savepoint: the unique record constraint decides races
            verification.save(update_fields=fields)
    except IntegrityError as exc:
        raise AlumniError("This record already verifies another account.", field="record") from exc
    forget_verification(verification.user)
    audit_record(
        actor=actor,
        action="alumni.verification.verified",
        target=verification,
        old=old,
        new={"status": verification.status, "record": verification.record_id, "method": method},
    )


def _tell(verification: Verification) -> None:
    email_queue(
        to=verification.user.email,
        subject=(
            "You are verified as a graduate"
            if verification.status == Verification.Status.VERIFIED
            else "We could not verify you as a graduate"
        ),
        template="alumni/email/decided",
        context={"verification": verification},
        category=f"alumni.verification.{verification.status}",
    )


def _apply_details(
    verification: Verification, details: Details, *, actor: User | None
) -> Verification:
    """Store the typed details and try to match; pending (with a fresh clock) otherwise."""
    for name in DETAIL_FIELDS:
        setattr(verification, name, getattr(details, name))
    now = timezone.now()
    record, method = find_match(details, user_id=verification.user_id)
    old_status = verification.status
    if record is not None:
        verification.save(update_fields=list(DETAIL_FIELDS))
        try:
            _set_verified(verification, actor=actor, method=method, record=record)
        except AlumniError:
            # Another account took the record at the same instant: pending, like any miss.
            verification.refresh_from_db()
            old_status = verification.status
        else:
            return verification
    verification.status = Verification.Status.PENDING
    verification.requested_at = now
    verification.due_at = _due(now)
    verification.reason = ""
    verification.save(update_fields=[*DETAIL_FIELDS, "status", "requested_at", "due_at", "reason"])
    forget_verification(verification.user)
    audit_record(
        actor=actor,
        action="alumni.verification.requested",
        target=verification,
        old={"status": old_status},
        new={"status": verification.status},
    )
    return verification


def verification_start(*, user_id: int, details: Details) -> Verification:
    """At sign-up: the new graduate (the actor) asks to be verified with what they typed."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        verification, created = Verification.objects.get_or_create(
            user=user,
            defaults={"requested_at": timezone.now(), "origin": Verification.Origin.SIGNUP},
        )
        if not created and verification.status == Verification.Status.VERIFIED:
            return verification
        return _apply_details(verification, replace(details, email=user.email), actor=user)


def verification_resubmit(*, actor: User, details: Details) -> Verification:
    """A pending or refused graduate gives their details again (e.g. with a former name)."""
    if not can_request_verification(actor):
        raise AlumniError("Only graduates who signed up as alumni ask to be verified.")
    with transaction.atomic():
        verification, _ = Verification.objects.get_or_create(
            user=actor, defaults={"requested_at": timezone.now()}
        )
        verification = _lock(verification.pk)
        if verification.status == Verification.Status.VERIFIED:
            raise AlumniError("You are already verified.")
        return _apply_details(verification, replace(details, email=actor.email), actor=actor)


def verification_verify_with_record(
    *, actor: User, verification_id: int, record_id: int
) -> Verification:
    """Staff verify a pending graduate against a record they chose."""
    with transaction.atomic():
        verification = _lock(verification_id)
        _require_decider(actor, verification)
        try:
            record = AlumniRecord.objects.get(pk=record_id)
        except (AlumniRecord.DoesNotExist, ValueError, TypeError) as exc:
            raise AlumniError("No such record.", field="record") from exc
        _set_verified(
            verification, actor=actor, method=Verification.Method.STAFF_RECORD, record=record
        )
        _tell(verification)
    return verification


def verification_verify_with_evidence(
    *, actor: User, verification_id: int, evidence: str
) -> Verification:
    """Staff verify a graduate the CRM does not know yet, noting the evidence they saw."""
    evidence = evidence.strip()
    if not evidence:
        raise AlumniError("Note the evidence you saw (e.g. degree certificate).", field="evidence")
    with transaction.atomic():
        verification = _lock(verification_id)
        _require_decider(actor, verification)
        _set_verified(
            verification,
            actor=actor,
            method=Verification.Method.STAFF_EVIDENCE,
            record=None,
            evidence=evidence,
        )
        _tell(verification)
    return verification


def verification_reject(*, actor: User, verification_id: int, reason: str) -> Verification:
    """Staff refuse; the reason is emailed to the person, who may give their details again."""
    reason = reason.strip()
    if not reason:
        raise AlumniError("Give the reason the person will be told.", field="reason")
    with transaction.atomic():
        verification = _lock(verification_id)
        _require_decider(actor, verification)
        old = {"status": verification.status, "record": verification.record_id}
        verification.status = Verification.Status.REJECTED
        verification.reason = reason
        verification.record = None
        verification.method = Verification.Method.NONE
        verification.decided_at = timezone.now()
        verification.decided_by = actor
        verification.save(
            update_fields=["status", "reason", "record", "method", "decided_at", "decided_by"]
        )
        forget_verification(verification.user)
        audit_record(
            actor=actor,
            action="alumni.verification.rejected",
            target=verification,
            old=old,
            new={"status": verification.status, "reason": reason},
        )
        _tell(verification)
    return verification


def _require_decider(actor: User, verification: Verification) -> None:
    if not can_decide_verification(actor, verification):
        raise AlumniError("Only the Alumni Engagement team decides verifications (not their own).")
    if verification.status != Verification.Status.PENDING:
        raise AlumniError("This verification has already been decided.")


def verification_verify_by_system(*, user_id: int) -> Verification:
    """Scripts, demo data and test factories: verified with no record, audited as the system."""
    with transaction.atomic():
        verification, _ = Verification.objects.get_or_create(
            user_id=user_id,
            defaults={"requested_at": timezone.now(), "origin": Verification.Origin.SYSTEM},
        )
        verification = _lock(verification.pk)
        if verification.status != Verification.Status.VERIFIED:
            _set_verified(verification, actor=None, method=Verification.Method.SYSTEM, record=None)
    return verification


def verification_address_confirmed(*, user_id: int) -> bool:
    """The person confirmed their address: match the details they gave at sign-up now."""
    pending = Verification.objects.filter(user_id=user_id, status=Verification.Status.PENDING)
    ids = list(pending.values_list("pk", flat=True))
    return bool(ids) and verification_rematch(verification_ids=ids) > 0


def verification_rematch(*, verification_ids: Iterable[int]) -> int:
    """Try pending verifications again (after an import); returns how many are now verified."""
    verified = 0
    for verification_id in verification_ids:
        with transaction.atomic():
            verification = _lock(verification_id)
            if verification.status != Verification.Status.PENDING:
                continue
            details = details_of(verification)
            record, method = find_match(details, user_id=verification.user_id)
            if record is None:
                continue
            _set_verified(verification, actor=None, method=method, record=record)
            _tell(verification)
            verified += 1
    return verified
