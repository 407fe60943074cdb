"""Reads of alumni records and verifications, scoped to the user asking."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from alumni.matching import Check, Details, checks, email_on_file
from alumni.models import AlumniRecord, RecordKey, Verification
from alumni.permissions import can_manage_records, is_engagement_staff
from portal.models import User
from portal.permissions import AnyUser, get_visible_or_404

CLOSEST = 3


def address_confirmed() -> Exists:
    """The verification's account has confirmed its sign-in address. Until then it is nobody's
    to decide: anyone can type a graduate's address or details into the sign-up form."""
    return Exists(
        EmailAddress.objects.filter(
            user_id=OuterRef("user_id"), email__iexact=OuterRef("user__email"), verified=True
        )
    )


def verifications_to_decide() -> QuerySet[Verification]:
    """Every verification of an account with a confirmed address (staff, reminders, counts)."""
    return Verification.objects.filter(address_confirmed())


def verifications_visible_to(*, user: AnyUser) -> QuerySet[Verification]:
    if not is_engagement_staff(user):
        return Verification.objects.none()
    return verifications_to_decide().select_related("user", "record", "decided_by")


def access_verification_or_404(user: AnyUser, verification_id: int) -> Verification:
    return get_visible_or_404(verifications_visible_to(user=user), pk=verification_id)


def records_visible_to(*, user: AnyUser) -> QuerySet[AlumniRecord]:
    if not can_manage_records(user):
        return AlumniRecord.objects.none()
    return AlumniRecord.objects.annotate(linked=Count("verifications"))


def access_record_or_404(user: AnyUser, record_id: int) -> AlumniRecord:
    return get_visible_or_404(records_visible_to(user=user), pk=record_id)


def records_search(*, user: AnyUser, query: str) -> QuerySet[AlumniRecord]:
    qs = records_visible_to(user=user)
    if query:
        qs = qs.filter(
            Q(record_id__iexact=query)
            | Q(family_name__icontains=query)
            | Q(former_names__icontains=query)
            | Q(given_names__icontains=query)
            | Q(emails__icontains=query)
        )
    return qs.order_by("family_name", "given_names", "record_id")


def queue(*, user: AnyUser, status: str = Verification.Status.PENDING) -> QuerySet[Verification]:
    """The staff queue: oldest request first, so the 3-working-day clock is worked in order."""
    qs = verifications_visible_to(user=user)
    if status in Verification.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("requested_at", "pk")


def queue_counts(*, user: AnyUser) -> dict[str, int]:
    """Pending, overdue, and the accounts that became pending when verification began."""
    from django.utils import timezone

    if not is_engagement_staff(user):
        return {}
    pending = Q(status=Verification.Status.PENDING)
    migrated = Q(origin=Verification.Origin.MIGRATION)
    return verifications_to_decide().aggregate(
        pending=Count("pk", filter=pending),
        overdue=Count("pk", filter=pending & Q(due_at__lte=timezone.now())),
        migrated=Count("pk", filter=migrated),
        migrated_pending=Count("pk", filter=migrated & pending),
    )


def verification_of(user: AnyUser) -> Verification | None:
    if not isinstance(user, User):
        return None
    return Verification.objects.filter(user=user).select_related("record").first()


def details_of(verification: Verification) -> Details:
    return Details(
        given_names=verification.given_names or verification.user.first_name,
        family_name=verification.family_name or verification.user.last_name,
        former_name=verification.former_name,
        graduation_year=verification.graduation_year,
        programme=verification.programme,
        birth_year=verification.birth_year,
        email=verification.user.email,
    )


def candidate_records(details: Details) -> QuerySet[AlumniRecord]:
    """Records sharing a family name, given name or email with the details (one query)."""
    keys = Q(kind=RecordKey.Kind.FAMILY, value__in=details.family) | Q(
        kind=RecordKey.Kind.GIVEN, value__in=details.given
    )
    if details.email:
        keys |= Q(kind=RecordKey.Kind.EMAIL, value=details.email.strip().casefold())
    ids = RecordKey.objects.filter(keys).values("record_id")
    return AlumniRecord.objects.filter(pk__in=ids)


@dataclass(frozen=True)
class Candidate:
    record: AlumniRecord
    checks: list[Check]
    email_on_file: bool
    linked_to_other: bool

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.checks) + (3 if self.email_on_file else 0)


def closest_records(verification: Verification, *, limit: int = CLOSEST) -> list[Candidate]:
    """The records nearest the person's details, with each criterion passed or failed."""
    details = details_of(verification)
    found = []
    records = candidate_records(details).annotate(
        others=Count("verifications", filter=~Q(verifications__user_id=verification.user_id))
    )[:200]
    for record in records:
        found.append(
            Candidate(
                record=record,
                checks=checks(details, record),
                email_on_file=email_on_file(details, record),
                linked_to_other=bool(getattr(record, "others", 0)),
            )
        )
    found.sort(key=lambda c: (-c.passed, c.record.record_id))
    return found[:limit]
