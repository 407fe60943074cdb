"""Erasure by anonymisation (UK GDPR art. 17): the person's row stays, their data go.

``person_erase`` locks the person, re-checks who asks and what blocks, then in one
transaction: each app's ``erase_personal_data`` (``registry``), the platform's own fields
(names and address replaced by a stable pseudonym, password, email addresses, authenticators,
sessions, roles and approverships removed, the account deactivated), and a final sweep of
every text column for the identifiers (``scrub``). Consent history, deliveries, decisions and
audit events stay as rows, so counts, the SLA report and the audit count are unchanged. The
erasure's own audit event names only the pseudonym.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from guardian.models import UserObjectPermission

from portal.audit import audit_record
from portal.dataprotection.export import DataProtectionError
from portal.dataprotection.permissions import can_handle_personal_data_of
from portal.dataprotection.registry import Blocker, contributors
from portal.dataprotection.scrub import scrub_everywhere
from portal.models import DirectorDelegation, OrgUnitUserObjectPermission, RoleGrant, User
from portal.permissions import forget_roles
from portal.roles import Role

ERASED_DOMAIN = "erased.invalid"


def pseudonym_for(person: User) -> str:
    """Stable for a person (the same on a second run), meaningless without the secret key."""
    digest = salted_hmac("portal.dataprotection.pseudonym", str(person.pk)).hexdigest()
    return f"erased-{digest[:12]}"


def is_erased(person: User) -> bool:
    return person.email.endswith("@" + ERASED_DOMAIN)


def erasure_blockers(person: User) -> list[Blocker]:
    """What stops erasing ``person`` now, from the platform and every app."""
    blockers: list[Blocker] = []
    if person.is_superuser:
        blockers.append(
            Blocker("portal", "Is a superuser: remove the superuser flag first.", hard=True)
        )
    if person.groups.filter(name=Role.PORTAL_ADMINISTRATOR.value).exists():
        blockers.append(Blocker("portal", "Holds the portal administrator role."))
    for contributor in contributors():
        if contributor.blockers is not None:
            blockers.extend(contributor.blockers(person))
    return blockers


def refusing_blockers(actor: User, person: User, blockers: list[Blocker]) -> list[Blocker]:
    """Hard blockers refuse everyone; open obligations refuse the person themselves."""
    return blockers if actor.pk == person.pk else [b for b in blockers if b.hard]


def _sessions_of(person: User) -> list[str]:
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            keys.append(session.session_key)
    return keys


def _erase_platform(person: User, pseudonym: str) -> list[str]:
    identifiers = [person.email, person.get_full_name(), person.first_name + person.last_name]
    addresses = EmailAddress.objects.filter(user=person)
    identifiers += list(addresses.values_list("email", flat=True))
    addresses.delete()
    identities = SocialAccount.objects.filter(user=person)  # their tokens go with them
    identifiers += list(identities.values_list("uid", flat=True))
    identities.delete()
    Authenticator.objects.filter(user=person).delete()
    Session.objects.filter(session_key__in=_sessions_of(person)).delete()
    now = timezone.now()
    RoleGrant.objects.filter(user=person, ended_at__isnull=True).update(ended_at=now)
    DirectorDelegation.objects.filter(delegate=person, ended_at__isnull=True).update(ended_at=now)
    person.groups.clear()
    OrgUnitUserObjectPermission.objects.filter(user=person).delete()
    UserObjectPermission.objects.filter(user=person).delete()
    forget_roles(person)
    person.email = f"{pseudonym}@{ERASED_DOMAIN}"
    person.first_name = "Erased"
    person.last_name = pseudonym
    person.is_active = False
    person.is_staff = False
    person.set_unusable_password()
    person.save()
    return identifiers


def person_erase(*, actor: User, person_id: int) -> str:
    """Erase ``person_id`` for ``actor`` (themselves, or a DPO); returns the pseudonym."""
    return _erase(actor=actor, person_id=person_id)


def person_erase_by_system(*, person_id: int) -> str:
    """``manage.py erase_person``: like a data protection officer (hard blockers still stop)."""
    return _erase(actor=None, person_id=person_id)


def _erase(*, actor: User | None, person_id: int) -> str:
    with transaction.atomic():
        person = User.objects.select_for_update().filter(pk=person_id).first()
        if person is None or (actor is not None and not can_handle_personal_data_of(actor, person)):
            raise DataProtectionError("No such person.")
        if is_erased(person):
            raise DataProtectionError("This person's data have already been erased.")
        by_self = actor is not None and actor.pk == person.pk
        blockers = erasure_blockers(person)
        refused = blockers if by_self else [b for b in blockers if b.hard]
        if refused:
            raise DataProtectionError(
                "Erasure is blocked: " + " ".join(blocker.reason for blocker in refused)
            )
        pseudonym = pseudonym_for(person)
        identifiers: list[str] = []
        for contributor in contributors():
            if contributor.erase is not None:
                identifiers += contributor.erase(person, pseudonym)
        identifiers += _erase_platform(person, pseudonym)
        rows = scrub_everywhere(identifiers, pseudonym)
        # The person's own row now carries only the pseudonym; it is the actor of a self-erasure
        # (``actor`` itself may still hold the old address in memory).
        audit_record(
            actor=person if by_self else actor,
            action="portal.person.erased",
            target=person,
            new={
                "pseudonym": pseudonym,
                "by": "self" if by_self else ("data protection officer" if actor else "system"),
                "rows_rewritten": rows,
            },
        )
    return pseudonym
