"""At most one reminder per (kind, object, period), however often a job runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Exists, Expression, F, Model, OuterRef, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from portal.models import Reminder

M = TypeVar("M", bound=Model)


def reminder_claim(*, kind: str, target: Model, period: str, detail: str = "") -> bool:
    """Record the reminder and return True, or return False if it was already sent.

    Call it inside the transaction that queues the reminder's email: if that transaction rolls
    back, the claim goes with it and the next run tries again.
    """
    try:
        with transaction.atomic():
            Reminder.objects.create(
                kind=kind,
                target_type=ContentType.objects.get_for_model(target),
                target_id=str(target.pk),
                period=period,
                detail=detail[:255],
            )
    except IntegrityError:
        return False
    return True


_SQLITE_CHUNK = 500  # rows per statement: 6 parameters each, well under SQLite's limit


def reminders_claim_bulk(
    *,
    kind: str,
    model: type[Model],
    claims: Iterable[tuple[object, str]],
    details: Mapping[tuple[str, str], str] | None = None,
) -> set[tuple[str, str]]:
    """Claim many reminders in one statement; return the (target id, period) pairs now claimed.

    One ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` for every (target pk, period) given:
    what it returns was not sent before and is this caller's to send. ``details`` gives a
    claim's detail by its (str(pk), period). Call it inside the transaction that queues the
    reminders' emails, like ``reminder_claim``.
    """
    pairs = list(dict.fromkeys((str(pk), period) for pk, period in claims))
    if not pairs:
        return set()
    details = details or {}
    table = connection.ops.quote_name(Reminder._meta.db_table)
    kind_type = (kind, ContentType.objects.get_for_model(model).pk)
    now = timezone.now()
    claimed: set[tuple[str, str]] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {table} (kind, target_type_id, target_id, period, created_at, detail) "  # noqa: S608 (names from the model)
                "SELECT %s, %s, t.target_id, t.period, %s, t.detail "
                "FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[]) "
                "AS t(target_id, period, detail) "
                "ON CONFLICT DO NOTHING RETURNING target_id, period"
            )
            params: Any = [
                *kind_type,
                now,
                [pk for pk, _ in pairs],
                [period for _, period in pairs],
                [details.get(pair, "")[:255] for pair in pairs],
            ]
            cursor.execute(sql, params)
            claimed.update((str(pk), str(period)) for pk, period in cursor.fetchall())
            return claimed
        # The embedded SQLite (3.35+ has RETURNING): the same statement over a VALUES list,
        # in chunks under its limit on bound parameters.
        for start in range(0, len(pairs), _SQLITE_CHUNK):
            chunk = pairs[start : start + _SQLITE_CHUNK]
            rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (kind, target_type_id, target_id, period, created_at, detail) "  # noqa: S608 (names from the model)
                f"VALUES {rows} ON CONFLICT DO NOTHING RETURNING target_id, period",
                [
                    value
                    for pk, period in chunk
                    for value in (*kind_type, pk, period, now, details.get((pk, period), "")[:255])
                ],
            )
            claimed.update((str(pk), str(period)) for pk, period in cursor.fetchall())
    return claimed


def not_reminded(queryset: QuerySet[M], *, kind: str, period: str | Expression | F) -> QuerySet[M]:
    """``queryset`` without the objects that already have a ``kind`` reminder for ``period``.

    An anti-join on the reminder table's unique index, so a sweep's idle run finds nothing in
    one query however many objects are open. ``period`` may be an expression of the row.
    """
    model = queryset.model
    reminded = Reminder.objects.filter(
        kind=kind,
        target_type=ContentType.objects.get_for_model(model),
        target_id=Cast(OuterRef("pk"), CharField()),
        period=Value(period) if isinstance(period, str) else period,
    )
    return queryset.filter(~Exists(reminded))
