"""Parsing uploaded CSV files and JSON payloads into validated ``ItemData`` rows.

All rows are checked before anything is saved: a file with one bad row imports nothing, and
every error names its row (or array index) and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from portal.input_guard import is_text

from .models import Item
from .services.items import ItemData

COLUMNS = ("text", "author_handle", "link", "posted_at", "external_id", "kind")
MAX_TEXT = 10_000
_url = URLValidator(schemes=["http", "https"])


def max_rows() -> int:
    return int(getattr(settings, "MODERATION_IMPORT_MAX_ROWS", 5000))


class ImportRowsError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _parse_when(value: str) -> datetime:
    when = parse_datetime(value)
    if when is None:
        day = parse_date(value)
        if day is None:
            raise ValueError
        when = datetime(day.year, day.month, day.day)  # noqa: DTZ001 (made aware just below)
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def row_to_item(raw: Mapping[str, Any], where: str) -> tuple[ItemData | None, list[str]]:
    """Validate one row; ``where`` is 'Row 3' or 'Item 0' for the messages."""
    errors: list[str] = []

    def field(name: str) -> str:
        value = raw.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            errors.append(f"{where}: {name} must be text.")
            return ""
        if not is_text(value):
            errors.append(f"{where}: {name} contains a null character or invalid text.")
            return ""
        return value.strip()

    text = field("text")
    if not text:
        errors.append(f"{where}: text is empty; every item needs the text of the post or comment.")
    elif len(text) > MAX_TEXT:
        errors.append(f"{where}: text is longer than {MAX_TEXT} characters.")
    handle = field("author_handle")
    if len(handle) > 100:
        errors.append(f"{where}: author_handle is longer than 100 characters.")
    link = field("link")
    if link:
        try:
            _url(link)
        except ValidationError:
            errors.append(
                f"{where}: link '{link[:60]}' is not a web address (http:// or https://)."
            )
        if len(link) > 500:
            errors.append(f"{where}: link is longer than 500 characters.")
    external_id = field("external_id")
    if len(external_id) > 200:
        errors.append(f"{where}: external_id is longer than 200 characters.")
    kind = field("kind").lower() or Item.Kind.COMMENT
    if kind not in Item.Kind.values:
        errors.append(f"{where}: kind '{kind[:20]}' must be 'post' or 'comment'.")
    posted = field("posted_at")
    posted_at = None
    if posted:
        try:
            posted_at = _parse_when(posted)
        except ValueError:
            errors.append(
                f"{where}: posted_at '{posted[:40]}' is not a date and time "
                "(use ISO 8601, e.g. 2026-11-21T14:30 or 2026-11-21)."
            )
    if errors:
        return None, errors
    return (
        ItemData(
            text=text,
            author_handle=handle.lstrip("@"),
            link=link,
            external_id=external_id,
            posted_at=posted_at,
            kind=kind,
        ),
        [],
    )


def _collect(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> list[ItemData]:
    items: list[ItemData] = []
    errors: list[str] = []
    for where, raw in rows:
        item, row_errors = row_to_item(raw, where)
        errors += row_errors
        if item is not None:
            items.append(item)
        if len(errors) >= 50:
            errors.append("Stopped after 50 errors; fix these and upload again.")
            break
    if errors:
        raise ImportRowsError(errors)
    return items


def parse_csv(content: bytes) -> list[ItemData]:
    """Rows of a UTF-8 CSV file with a header row; only ``text`` is required."""
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRowsError(
            ["The file is not UTF-8 text; save it as 'CSV UTF-8' and try again."]
        ) from exc
    if "\x00" in decoded:
        # Typically UTF-16 text (a NUL after every letter) or a binary file: never CSV text.
        raise ImportRowsError(
            [
                "The file contains null characters, so it is not CSV text; save it as "
                "'CSV UTF-8' and try again."
            ]
        )
    reader = csv.DictReader(io.StringIO(decoded, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "text" not in header:
        raise ImportRowsError(
            [
                "The first row must name the columns, including 'text'. Columns: "
                + ", ".join(COLUMNS)
                + "."
            ]
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportRowsError(
            [f"Unknown column(s): {', '.join(unknown)}. Allowed: {', '.join(COLUMNS)}."]
        )
    reader.fieldnames = header
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        for number, raw in enumerate(reader, start=2):
            if None in raw:
                raise ImportRowsError([f"Row {number}: more values than columns."])
            if not any((v or "").strip() for v in raw.values()):
                continue
            rows.append((f"Row {number}", raw))
            if len(rows) > max_rows():
                raise ImportRowsError([f"The file has more than {max_rows()} rows; split it up."])
    except csv.Error as exc:
        raise ImportRowsError([f"The file is not valid CSV: {exc}."]) from exc
    if not rows:
        raise ImportRowsError(["The file has no rows below the header."])
    return _collect(rows)


def parse_payload(payload: Any) -> list[ItemData]:
    """A JSON object, a list of them, or ``{"items": [...]}``."""
    if isinstance(payload, dict) and "items" in payload:
        payload = payload["items"]
    elif isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list) or not payload:
        raise ImportRowsError(
            ['Send an object, a non-empty array of objects, or {"items": [...]}.']
        )
    if len(payload) > max_rows():
        raise ImportRowsError([f"At most {max_rows()} items per request."])
    rows: list[tuple[str, Mapping[str, Any]]] = []
    errors: list[str] = []
    for index, raw in enumerate(payload):
        if not isinstance(raw, dict):
            errors.append(f"Item {index}: must be an object with at least 'text'.")
            continue
        unknown = sorted(set(raw) - set(COLUMNS))
        if unknown:
            errors.append(f"Item {index}: unknown field(s) {', '.join(unknown)}.")
            continue
        rows.append((f"Item {index}", raw))
    if errors:
        raise ImportRowsError(errors)
    return _collect(rows)
