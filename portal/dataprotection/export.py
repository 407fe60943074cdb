"""Subject access: everything the portal holds about one person, as JSON-ready data.

The platform's own part (profile, addresses, roles, sign-in factors by kind, emails sent to
them, audit events where they are the actor or the subject) comes first, then each app's
``personal_data`` (``registry``). Producing it is audited; a person may export only their own
data, a data protection officer anyone's.
"""

from __future__ import annotations

import json
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from portal.audit import audit_record
from portal.dataprotection.permissions import can_handle_personal_data_of
from portal.dataprotection.registry import contributors
from portal.errors import DomainError
from portal.models import AuditEvent, OutboundEmail, RoleGrant, User


class DataProtectionError(DomainError):
    """A refused export or erasure; the message is safe to show."""


def audit_events_about(person: User) -> list[AuditEvent]:
    user_type = ContentType.objects.get_for_model(User)
    return list(
        AuditEvent.objects.filter(
            Q(actor=person) | Q(target_type=user_type, target_id=str(person.pk))
        ).order_by("at", "pk")
    )


def _platform_part(person: User) -> dict[str, Any]:
    return {
        "profile": {
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_joined": person.date_joined,
            "last_login": person.last_login,
            "is_active": person.is_active,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=person)
        ],
        "roles": sorted(person.groups.values_list("name", flat=True)),
        "role_history": [
            {"role": g.role, "granted_at": g.granted_at, "ended_at": g.ended_at}
            for g in RoleGrant.objects.filter(user=person)
        ],
        "single_sign_on_identities": [
            {
                "provider": a.provider,
                "subject": a.uid,
                "linked_at": a.date_joined,
                "last_sign_in": a.last_login,
                "claims_received": a.extra_data,
            }
            for a in SocialAccount.objects.filter(user=person)
        ],
        "sign_in_factors": [
            {"kind": a.type, "created_at": a.created_at}
            for a in Authenticator.objects.filter(user=person)
        ],
        "emails_sent_to_me": [
            {"subject": e.subject, "at": e.created_at, "status": e.status}
            for e in OutboundEmail.objects.filter(to__iexact=person.email)
        ],
        "audit_events": [
            {
                "at": e.at,
                "action": e.action,
                "by": e.actor_label,
                "about": e.target_label,
                "old": e.old,
                "new": e.new,
            }
            for e in audit_events_about(person)
        ],
    }


def personal_data_of(person: User) -> dict[str, Any]:
    """The whole export (no check, no audit: the service and the command call this)."""
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "portal": _platform_part(person),
    }
    for contributor in contributors():
        data[contributor.app] = contributor.export(person)
    plain: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return plain


def personal_data_export(*, actor: User, person_id: int) -> dict[str, Any]:
    """The export of ``person_id`` for ``actor`` (themselves, or a DPO for anyone), audited."""
    person = User.objects.filter(pk=person_id).first()
    if person is None or not can_handle_personal_data_of(actor, person):
        raise DataProtectionError("No such person.")
    data = personal_data_of(person)
    audit_record(
        actor=actor,
        action="portal.personal_data.exported",
        target=person,
        new={"by": "self" if actor.pk == person.pk else "data protection officer"},
    )
    return data


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)


def _plain(value: Any) -> str:
    """A nested value as one readable line: lists joined, mappings as 'key: value'."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_plain(item) for item in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{_label(k)}: {_plain(v)}" for k, v in value.items()) or "—"
    return str(value)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def readable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The export as sections of tables for the HTML page: one table per kind of record."""
    sections = []
    for area, parts in data.items():
        if not isinstance(parts, dict):
            continue
        tables = []
        for key, value in parts.items():
            rows = value if isinstance(value, list) else [value]
            columns = list(rows[0]) if rows and isinstance(rows[0], dict) else []
            tables.append(
                {
                    "title": _label(key),
                    "columns": [_label(c) for c in columns],
                    "rows": [
                        [(_label(c), _plain(row.get(c))) for c in columns]
                        if isinstance(row, dict)
                        else [("Value", _plain(row))]
                        for row in rows
                    ],
                }
            )
        sections.append({"title": _label(area), "tables": tables})
    return sections
