"""Recording audit events: every state change and every view of another person's data."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from portal.middleware import current_request_id
from portal.models import AuditEvent, User


def _jsonable(values: Mapping[str, Any] | None) -> dict[str, Any]:
    if not values:
        return {}
    plain: dict[str, Any] = json.loads(json.dumps(dict(values), cls=DjangoJSONEncoder))
    return plain


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: Model | None = None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Insert one audit event. ``action`` is namespaced: ``groups.request.sent``."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.email if actor else "system",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        old=_jsonable(old),
        new=_jsonable(new),
        request_id=current_request_id(),
    )


def audit_personal_data_view(*, actor: User, subject: Model, fields: list[str]) -> AuditEvent:
    """Record that ``actor`` was shown ``fields`` of another person's personal data."""
    return audit_record(
        actor=actor, action="portal.personal_data.viewed", target=subject, new={"fields": fields}
    )


def audit_record_bulk(
    *,
    actor: User | None,
    action: str,
    entries: Iterable[tuple[Model, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> int:
    """Insert one ``action`` event per (target, old, new), in one statement per thousand.

    For the sweeps, which change many objects at once and must cost what the batch costs.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    request_id = current_request_id()
    events = [
        AuditEvent(
            actor=actor,
            actor_label=actor.email if actor else "system",
            action=action,
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
            target_label=str(target)[:255],
            old=_jsonable(old),
            new=_jsonable(new),
            request_id=request_id,
        )
        for target, old, new in entries
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)
