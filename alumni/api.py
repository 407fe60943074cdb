"""What other apps may use of the alumni app: is this person a verified graduate?

Groups and mentoring call ``is_verified_alumnus`` inside their services, so the gate holds on
every path (pages, admin, tasks). The answer is cached on the user object for the request, like
``portal.permissions.roles_of``; ``forget_verification`` drops it after a decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from alumni.matching import Details
from alumni.models import Verification
from portal.models import User
from portal.permissions import AnyUser, has_role
from portal.roles import Role

_CACHE = "_alumni_status"
SHOWN_STATUS_SECONDS = 300
NOT_VERIFIED = "Your graduate status has not been verified yet, so you cannot do this until it is."


def verification_url() -> str:
    return reverse("alumni:verification")


def verification_status(user: AnyUser) -> str | None:
    """``"verified"``, ``"pending"`` or ``"rejected"``; None for anyone not signed up as a
    graduate. A graduate with no verification row (none made yet) is pending."""
    if not user.is_authenticated or not has_role(user, Role.ALUMNUS):
        return None
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = (
            Verification.objects.filter(user_id=user.pk).values_list("status", flat=True).first()
            or Verification.Status.PENDING
        )
        setattr(user, _CACHE, cached)
    return str(cached)


def is_verified_alumnus(user: AnyUser) -> bool:
    return verification_status(user) == Verification.Status.VERIFIED


def _shared_key(user_id: int) -> str:
    return f"alumni:status:{user_id}"


def verification_status_shown(user: AnyUser) -> str | None:
    """``verification_status`` for menus and panels shown on every page, from the shared cache
    (no query per page). Gates never use it: services ask ``is_verified_alumnus``."""
    if not user.is_authenticated or not has_role(user, Role.ALUMNUS):
        return None
    key = _shared_key(user.pk)
    status = cache.get(key)
    if status is None:
        status = verification_status(user)
        cache.set(key, status, timeout=SHOWN_STATUS_SECONDS)
    return str(status)


def forget_verification(user: AnyUser) -> None:
    """Drop what is cached of ``user``'s status (after the change commits, for the shared cache)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
    if user.pk is not None:
        key = _shared_key(user.pk)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))


def statuses_of(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's verification status in one query (pending when there is no row)."""
    ids = list(user_ids)
    found = dict(Verification.objects.filter(user_id__in=ids).values_list("user_id", "status"))
    return {pk: str(found.get(pk, Verification.Status.PENDING)) for pk in ids}


STATUS_LABELS: dict[str, str] = dict(Verification.Status.choices)


@dataclass(frozen=True)
class RecordFacts:
    """What the institution's record says, shown instead of what the person typed."""

    programmes: list[str]
    graduation_years: list[int]


def record_facts(user: AnyUser) -> RecordFacts | None:
    """The linked record's programmes and graduation years, for a verified graduate."""
    if not user.is_authenticated:
        return None
    verification = (
        Verification.objects.filter(user_id=user.pk, status=Verification.Status.VERIFIED)
        .select_related("record")
        .first()
    )
    if verification is None or verification.record is None:
        return None
    record = verification.record
    return RecordFacts(programmes=record.programme_list, graduation_years=record.year_list)


def verification_start_at_signup(*, user_id: int, details: dict[str, Any]) -> None:
    """Sign-up: try to verify the new graduate at once; otherwise they are pending."""
    from alumni.services.verification import DETAIL_FIELDS, verification_start

    verification_start(
        user_id=user_id, details=Details(**{k: details[k] for k in DETAIL_FIELDS if k in details})
    )


def verify_by_system(user: User) -> None:
    """Scripts and test factories: mark an alumnus verified (audited as the system)."""
    from alumni.services.verification import verification_verify_by_system

    verification_verify_by_system(user_id=user.pk)
    forget_verification(user)


def verified_user_ids() -> QuerySet[Verification, int]:
    """A subquery of the verified graduates' user ids (for ``user_id__in=``, no extra query)."""
    return Verification.objects.filter(status=Verification.Status.VERIFIED).values_list(
        "user_id", flat=True
    )


def not_verified_error_link() -> tuple[str, str]:
    """The ``link`` of a domain error refusing a pending graduate: where to put it right."""
    return verification_url(), "See your graduate verification."


def graduate_status_annotation(user_field: str = "user_id") -> Subquery:
    """For ``.annotate(graduate_status=...)``: each row's user's verification status (None when
    no verification was ever asked for, which counts as pending)."""
    return Subquery(Verification.objects.filter(user_id=OuterRef(user_field)).values("status")[:1])


# --- Subject access and erasure (found by name by portal.dataprotection.registry) -----------


def personal_data(user: User) -> dict[str, Any]:
    """The details they gave to be verified, the decision, and the alumni record it matched."""
    verification = (
        Verification.objects.filter(user=user).select_related("record", "decided_by").first()
    )
    if verification is None:
        return {}
    record = verification.record
    return {
        "graduate_verification": {
            "status": verification.get_status_display(),
            "given_names": verification.given_names,
            "family_name": verification.family_name,
            "former_name": verification.former_name,
            "graduation_year": verification.graduation_year,
            "programme": verification.programme,
            "birth_year": verification.birth_year,
            "requested_at": verification.requested_at,
            "decided_at": verification.decided_at,
            "reason_told": verification.reason,
        },
        "alumni_record": None
        if record is None
        else {
            "record_id": record.record_id,
            "names": f"{record.given_names} {record.family_name}",
            "former_names": record.former_names,
            "programmes": record.programmes,
            "graduation_years": record.graduation_years,
            "emails_on_file": record.emails,
        },
    }


def erase_personal_data(user: User, pseudonym: str) -> list[str]:
    """The details they typed go; the verification's status and dates stay as a record. The
    alumni record itself is the CRM's (the system of record), re-imported from there."""
    Verification.objects.filter(user=user).update(
        given_names=pseudonym,
        family_name="",
        former_name="",
        programme="",
        birth_year=None,
        graduation_year=None,
        evidence="",
        record=None,
    )
    return []
