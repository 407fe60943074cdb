"""Rows of an alumni-records CSV: parsed and checked one by one, with their line numbers.

The file has a header row naming the columns below (order free, extra columns refused so a
misspelt header is not silently dropped). Multi-valued cells are separated by ``;``.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.forms import ValidationError

COLUMNS = (
    "record_id",
    "given_names",
    "family_name",
    "former_names",
    "date_of_birth",
    "birth_year",
    "programmes",
    "graduation_years",
    "emails",
)
REQUIRED = ("record_id", "given_names", "family_name", "programmes", "graduation_years")
LIMITS = {
    "record_id": 64,
    "given_names": 150,
    "family_name": 150,
    "former_names": 300,
    "programmes": 500,
    "graduation_years": 100,
    "emails": 500,
}


@dataclass
class ParsedRows:
    rows: list[dict[str, object]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _row(values: dict[str, str], this_year: int) -> tuple[dict[str, object], list[str]]:
    errors: list[str] = []
    for name in REQUIRED:
        if not values.get(name, "").strip():
            errors.append(f"{name} is required")
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            errors.append(f"{name} is longer than {limit} characters")
    years = _split(values.get("graduation_years", ""))
    if any(not y.isdigit() or not 1900 <= int(y) <= this_year for y in years):
        errors.append(f"graduation_years must be years between 1900 and {this_year}")
    dob: datetime.date | None = None
    if (raw_dob := values.get("date_of_birth", "").strip()) != "":
        try:
            dob = datetime.date.fromisoformat(raw_dob)
        except ValueError:
            errors.append("date_of_birth must be a date like 1990-04-30")
    birth_year: int | None = None
    if (raw_year := values.get("birth_year", "").strip()) != "":
        if not raw_year.isdigit() or not 1900 <= int(raw_year) <= this_year:
            errors.append("birth_year must be a year")
        else:
            birth_year = int(raw_year)
    emails = _split(values.get("emails", ""))
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"{email!r} is not an email address")
    row: dict[str, object] = {
        "record_id": values.get("record_id", "").strip(),
        "given_names": values.get("given_names", "").strip(),
        "family_name": values.get("family_name", "").strip(),
        "former_names": "; ".join(_split(values.get("former_names", ""))),
        "date_of_birth": dob,
        "birth_year": birth_year if dob is None else dob.year,
        "programmes": "; ".join(_split(values.get("programmes", ""))),
        "graduation_years": "; ".join(str(int(y)) for y in years if y.isdigit()),
        "emails": "; ".join(e.lower() for e in emails),
    }
    return row, errors


def parse_csv(text: str, *, max_rows: int, this_year: int) -> ParsedRows:
    """Every row with its problems; line numbers count the header as line 1."""
    parsed = ParsedRows()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing:
        detail = []
        if missing:
            detail.append("missing " + ", ".join(missing))
        if unknown:
            detail.append("unknown " + ", ".join(unknown))
        parsed.problems.append((1, "The header row is wrong: " + "; ".join(detail) + "."))
        return parsed
    reader.fieldnames = header
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if len(parsed.rows) >= max_rows:
            parsed.problems.append((line, f"More than {max_rows} rows; split the file."))
            break
        if None in values:
            parsed.problems.append((line, "This row has more cells than the header."))
            continue
        row, errors = _row({k: v or "" for k, v in values.items()}, this_year)
        record_id = str(row["record_id"])
        if record_id and record_id in seen:
            errors.append(f"record_id {record_id} is already on line {seen[record_id]}")
        seen.setdefault(record_id, line)
        parsed.problems.extend((line, e) for e in errors)
        parsed.rows.append(row)
    if not parsed.rows and not parsed.problems:
        parsed.problems.append((1, "The file has no rows."))
    return parsed
