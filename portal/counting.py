"""Several counts in one round trip: ``SELECT (SELECT COUNT(*) FROM (...)), ...``.

A dashboard shows a handful of figures, each a count of its own queryset; asked one by one they
cost a round trip each. ``count_many`` asks them together and answers as ``QuerySet.count()``
would for each.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet


def count_many(**querysets: QuerySet[Any]) -> dict[str, int]:
    """``{name: queryset.count()}`` for every keyword, in one query (none if all are empty)."""
    parts: list[str] = []
    params: list[Any] = []
    found: dict[str, int] = {}
    for name, queryset in querysets.items():
        if not name.isidentifier():
            raise ValueError(f"count name {name!r} must be an identifier")
        if queryset.query.is_empty():
            found[name] = 0  # .none(): no SQL to run
            continue
        sql, values = queryset.order_by().values("pk").query.sql_with_params()
        alias = connection.ops.quote_name(name)
        # Only the compiler's SQL (values stay parameters) and a checked identifier go in.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted) AS {alias}")  # noqa: S608
        params.extend(values)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        names = [name for name in querysets if name not in found]
        found.update(zip(names, (int(n) for n in row), strict=True))
    return {name: found[name] for name in querysets}
