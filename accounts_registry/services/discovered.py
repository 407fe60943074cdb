"""Accounts found by monitoring (004 §4.1, 001 §4.1.4, §4.9): import, reconcile, triage.

An import upserts one row per platform and normalised handle and reconciles it with the
registry (an open official account, a closed one, a request in progress); what matches nothing
waits for comms to decide. A re-import refreshes what was seen and keeps every decision. An
impersonation opens a removal request in moderation, tracked on the row until it closes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts_registry.errors import RegistryError
from accounts_registry.models import (
    AccountRequest,
    DiscoveredAccount,
    OfficialAccount,
    normalise_handle,
)
from accounts_registry.permissions import is_comms
from accounts_registry.rules import check_url, normalise_url
from portal.audit import audit_record
from portal.models import User

from .common import unit_by_id
from .notifications import notify

# The columns of a monitoring export (CSV header or JSON keys); handle and platform required.
DISCOVERED_COLUMNS = ("platform", "handle", "url", "display_name", "followers", "first_seen")
MAX_ROWS = 5000
REMOVAL_DAYS = 14
_PLATFORM_NAMES = {
    **{value: value for value in OfficialAccount.Platform.values},
    **{str(label).lower(): value for value, label in OfficialAccount.Platform.choices},
    "twitter": OfficialAccount.Platform.X.value,
}


class ImportRowsError(RegistryError):
    """Some rows of an import are invalid; nothing was saved. ``errors`` names each line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Some rows are invalid; nothing was imported. " + " ".join(errors[:10]))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    to_triage: int = 0
    ids: list[int] = field(default_factory=list)


def _clean_row(number: int, raw: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    errors: list[str] = []
    row = {key: str(raw.get(key) or "").strip() for key in DISCOVERED_COLUMNS}
    platform = _PLATFORM_NAMES.get(row["platform"].lower())
    if platform is None:
        errors.append(f"Row {number}: unknown platform {row['platform']!r}.")
    handle = normalise_handle(row["handle"])
    if not handle or len(handle) > 100:
        errors.append(f"Row {number}: the handle is missing or longer than 100 characters.")
    if check_url(row["url"]):
        errors.append(f"Row {number}: {row['url']!r} is not a web address.")
    row["url"] = normalise_url(row["url"])
    followers = row["followers"].replace(",", "") or "0"
    if not followers.isdigit():
        errors.append(f"Row {number}: followers must be a whole number.")
    first_seen = None
    if row["first_seen"]:
        try:
            first_seen = date.fromisoformat(row["first_seen"][:10])
        except ValueError:
            errors.append(f"Row {number}: first seen must be a date as YYYY-MM-DD.")
    if errors:
        return None, errors
    return {
        "platform": platform,
        "handle": handle,
        "url": row["url"][:500],
        "display_name": row["display_name"][:200],
        "followers": int(followers),
        "first_seen_on": first_seen,
    }, []


def discovered_rows_parse(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validate every row (all errors at once); repeated accounts keep their last row."""
    cleaned: dict[tuple[str, str], dict[str, Any]] = {}
    errors: list[str] = []
    for number, raw in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise ImportRowsError([f"At most {MAX_ROWS} rows per import."])
        if not isinstance(raw, Mapping):
            errors.append(f"Row {number}: expected an object with named fields.")
            continue
        row, row_errors = _clean_row(number, raw)
        errors.extend(row_errors)
        if row is not None:
            cleaned[(row["platform"], row["handle"])] = row
    if errors:
        raise ImportRowsError(errors)
    if not cleaned:
        raise ImportRowsError(["The export holds no account."])
    return list(cleaned.values())


def discovered_csv_parse(text: str) -> list[dict[str, Any]]:
    """The rows of a CSV export whose header names the columns (any order, any case)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("platform", "handle") if name not in header]
    if missing:
        raise ImportRowsError([f"The CSV header must name the columns {', '.join(missing)}."])
    reader.fieldnames = header
    return discovered_rows_parse(reader)


def _reconcile(found: DiscoveredAccount) -> None:
    """Set ``match``, ``account`` and ``request`` from the registry as it stands."""
    account = OfficialAccount.objects.filter(platform=found.platform, handle=found.handle).first()
    request = None
    if account is not None:
        match = (
            DiscoveredAccount.Match.OFFICIAL if account.is_open else DiscoveredAccount.Match.CLOSED
        )
    else:
        request = (
            AccountRequest.objects.filter(
                platform=found.platform,
                status__in=[AccountRequest.Status.PENDING, AccountRequest.Status.APPROVED],
            )
            .filter(proposed_handle=found.handle)
            .first()
        )
        match = DiscoveredAccount.Match.PENDING if request else DiscoveredAccount.Match.NONE
    found.match, found.account, found.request = match, account, request


@transaction.atomic
def discovered_import(
    *, actor: User | None, rows: list[dict[str, Any]], source: str
) -> ImportResult:
    """Upsert parsed rows (``discovered_rows_parse``) and reconcile each with the registry.

    ``actor`` is comms staff, or None for the token API (its caller checked the token). What
    was decided stays decided; a re-import only refreshes what the tool saw.
    """
    if actor is not None and not is_comms(actor):
        raise RegistryError("Only comms staff import monitoring results.")
    now = timezone.now()
    keys = Q()
    for row in rows:
        keys |= Q(platform=row["platform"], handle=row["handle"])
    existing = {
        (found.platform, found.handle): found
        for found in DiscoveredAccount.objects.select_for_update().filter(keys)
    }
    result = ImportResult()
    for row in rows:
        found = existing.get((row["platform"], row["handle"]))
        created = found is None
        if found is None:
            found = DiscoveredAccount(
                platform=row["platform"], handle=row["handle"], source=source, imported_by=actor
            )
        found.display_name = row["display_name"] or found.display_name
        found.url = row["url"] or found.url
        found.followers = row["followers"]
        if found.first_seen_on is None or (
            row["first_seen_on"] and row["first_seen_on"] < found.first_seen_on
        ):
            found.first_seen_on = row["first_seen_on"] or found.first_seen_on
        found.last_imported_at = now
        _reconcile(found)
        found.save()
        result.ids.append(found.pk)
        result.created += created
        result.updated += not created
        result.to_triage += found.awaits_triage
    audit_record(
        actor=actor,
        action="accounts_registry.discovered.imported",
        target=None,
        new={"source": source, "created": result.created, "updated": result.updated},
    )
    return result


def discovered_link(*, actor: User | None, platform: str, handle: str) -> None:
    """The registry changed for this handle (a request made, an account registered): link the
    discovered account to it. Called by the registry's own services inside their transaction."""
    found = (
        DiscoveredAccount.objects.select_for_update()
        .filter(platform=platform, handle=normalise_handle(handle))
        .first()
    )
    if found is None:
        return
    old = found.match
    _reconcile(found)
    found.save(update_fields=["match", "account", "request"])
    if found.match != old:
        audit_record(
            actor=actor,
            action="accounts_registry.discovered.linked",
            target=found,
            old={"match": old},
            new={"match": found.match, "account": found.account_id, "request": found.request_id},
        )


def registration_link(found: DiscoveredAccount, unit_id: int) -> str:
    """The request form, pre-filled with the account's platform, handle, name and unit."""
    query = urlencode(
        {
            "platform": found.platform,
            "proposed_handle": found.handle,
            "proposed_name": found.display_name,
            "unit": unit_id,
        }
    )
    return f"{settings.PORTAL_BASE_URL}{reverse('accounts_registry:request_create')}?{query}"


def _open_removal(actor: User, found: DiscoveredAccount, owner_email: str, reason: str) -> int:
    from moderation.api import removal_request_open  # moderation reads the registry's api

    if not owner_email.strip():
        raise RegistryError(
            "Give the address the removal request goes to (the account's owner or the "
            "platform's impersonation report address).",
            field="contact_email",
        )
    return removal_request_open(
        actor=actor,
        owner_name=found.display_name or f"@{found.handle}",
        owner_email=owner_email,
        content_url=found.url,
        content_description=f"The {found.get_platform_display()} account @{found.handle}, "
        "which presents itself as associated with the University.",
        reason=f"Unauthorised association or impersonation (001 §4.9): {reason}",
        deadline=timezone.now() + timedelta(days=REMOVAL_DAYS),
    )


@transaction.atomic
def discovered_triage(
    *,
    actor: User,
    discovered_id: int,
    decision: str,
    reason: str,
    unit_id: int | None = None,
    contact_email: str = "",
    run_by_staff: bool = False,
) -> DiscoveredAccount:
    """Comms decide on an account waiting in the triage queue, with a reason.

    ``unregistered``: the owning unit is emailed a pre-filled registration link at
    ``contact_email``; ``personal``: allowed (a member of staff's gets the disclaimer
    reminder); ``impersonation``: a removal request goes to ``contact_email``; ``unrelated``.
    """
    if not is_comms(actor):
        raise RegistryError("Only comms staff triage discovered accounts.")
    try:
        found = DiscoveredAccount.objects.select_for_update().get(pk=discovered_id)
    except DiscoveredAccount.DoesNotExist as exc:
        raise RegistryError("No such discovered account.") from exc
    if found.decision:
        raise RegistryError("This account has already been decided.")
    if found.match != DiscoveredAccount.Match.NONE:
        raise RegistryError("This account matches the registry; there is nothing to decide.")
    if decision not in DiscoveredAccount.Decision.values:
        raise RegistryError("Choose a decision.", field="decision")
    reason = reason.strip()
    if not reason:
        raise RegistryError("Give the reason for the decision.", field="reason")
    found.decision, found.reason = decision, reason
    found.decided_by, found.decided_at = actor, timezone.now()
    found.run_by_staff = decision == DiscoveredAccount.Decision.PERSONAL and run_by_staff
    if decision == DiscoveredAccount.Decision.OFFICIAL_UNREGISTERED:
        if unit_id is None:
            raise RegistryError("Choose the unit that owns the account.", field="unit")
        if not contact_email.strip():
            raise RegistryError(
                "Give the unit's address for the invitation.", field="contact_email"
            )
        found.invited_unit = unit_by_id(unit_id)
        found.invited_email = contact_email.strip().lower()
        notify(
            to=[found.invited_email],
            subject=f"Please register your official account {found}",
            template="discovered_invitation",
            context={
                "found": found,
                "unit": found.invited_unit,
                "url": registration_link(found, unit_id),
            },
            category="discovered.invitation",
        )
    elif decision == DiscoveredAccount.Decision.IMPERSONATION:
        found.removal_request_id = _open_removal(actor, found, contact_email, reason)
    found.save()
    audit_record(
        actor=actor,
        action=f"accounts_registry.discovered.{decision}",
        target=found,
        new={
            "decision": decision,
            "reason": reason,
            "unit": found.invited_unit_id,
            "removal_request": found.removal_request_id,
            "run_by_staff": found.run_by_staff,
        },
    )
    return found
