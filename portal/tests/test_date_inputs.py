"""Every date and time input round-trips, whatever the language (a browser date box reads ISO only).

A ``type=date`` box filled with the ``en-gb`` display format (``10/12/2026``) shows empty and saves
empty: the preferred date of a request was lost on every resubmission. This walks every form
class of every app, renders each date and date-time field's value as its widget does, and
parses it back with the field.
"""

from __future__ import annotations

import importlib
import inspect
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import timezone, translation

APPS = ["portal", "groups", "accounts_registry", "mentoring", "moderation"]
WHEN = datetime(2026, 12, 10, 18, 30, tzinfo=ZoneInfo("Europe/London"))


def _date_fields() -> list[tuple[str, str, forms.Field]]:
    found: list[tuple[str, str, forms.Field]] = []
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            base_fields: dict[str, forms.Field] = getattr(cls, "base_fields", {})
            for field_name, field in base_fields.items():
                if isinstance(field, forms.DateField | forms.DateTimeField):
                    found.append((f"{app}.{name}", field_name, field))
    return found


DATE_FIELDS = _date_fields()


def test_the_walk_finds_the_date_fields() -> None:
    names = {f"{form}.{field}" for form, field, _ in DATE_FIELDS}
    assert "groups.RequestForm.preferred_date" in names
    assert "groups.RequestForm.event_start" in names
    assert any(name.startswith("mentoring.ProgrammeForm.") for name in names)
    assert len(names) >= 8


@pytest.mark.parametrize("language", ["en-gb", "en-us", "de"])
@pytest.mark.parametrize(
    ("form", "field_name", "field"), DATE_FIELDS, ids=[f"{f}.{n}" for f, n, _ in DATE_FIELDS]
)
def test_value_round_trips(form: str, field_name: str, field: forms.Field, language: str) -> None:
    is_datetime = isinstance(field, forms.DateTimeField)
    input_type = getattr(field.widget, "input_type", "")
    assert input_type == ("datetime-local" if is_datetime else "date"), (
        f"{form}.{field_name} should be a browser date box, not {input_type!r}"
    )
    value: Any = WHEN if is_datetime else WHEN.date()
    if is_datetime and "WallClock" in type(field).__name__:
        value = WHEN.replace(tzinfo=None)  # given in the event's own zone by its form
    with translation.override(language), timezone.override("Europe/London"):
        shown = field.widget.format_value(field.prepare_value(value))
        assert shown is not None
        assert shown == (WHEN.strftime("%Y-%m-%dT%H:%M") if is_datetime else "2026-12-10")
        parsed = field.clean(shown)
    assert parsed == value
    assert isinstance(parsed, datetime if is_datetime else date)
