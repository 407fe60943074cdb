"""Members of staff as the registry's forms look them up: by search words or by address."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts_registry.models import AccountRequest, AdminAssignment
from accounts_registry.permissions import APPROVE_PERM
from portal.models import OrgUnit, User
from portal.permissions import objects_with_role
from portal.roles import Role

SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 20


def staff_people() -> QuerySet[User]:
    """Active people with the staff role, by name: those who can be named on a request."""
    return (
        User.objects.filter(groups__name=Role.STAFF.value, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def staff_search(query: str, *, limit: int = SEARCH_LIMIT) -> list[User]:
    """At most ``limit`` members of staff whose name or address holds every word of ``query``
    (one query; nothing for fewer than ``SEARCH_MIN_CHARS`` characters)."""
    query = " ".join(query.split())
    if len(query) < SEARCH_MIN_CHARS:
        return []
    people = staff_people()
    for word in query.split()[:5]:
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return list(people[:limit])


def staff_by_emails(emails: Iterable[str]) -> dict[str, User]:
    """The members of staff with these addresses, by lower-cased address (one query)."""
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return {}
    matches = Q()
    for email in wanted:
        matches |= Q(email__iexact=email)
    return {user.email.lower(): user for user in staff_people().filter(matches)}


def staff_by_email(email: str) -> User | None:
    return staff_by_emails([email]).get(email.strip().lower())


def units_of(user: User) -> QuerySet[OrgUnit]:
    """The units ``user`` works in as far as the registry knows: those they approve requests
    for, administer an open account of, or requested an account for before."""
    approves = objects_with_role(user, APPROVE_PERM, OrgUnit.objects.all()).values("pk")
    administers = AdminAssignment.objects.filter(user=user, revoked_at__isnull=True).values(
        "account__unit"
    )
    requested = AccountRequest.objects.filter(requester=user).values("unit")
    return OrgUnit.objects.filter(
        Q(pk__in=approves) | Q(pk__in=administers) | Q(pk__in=requested)
    ).order_by("name")
