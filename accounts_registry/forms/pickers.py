"""Pickers of the request form: administrators by email address, units with one's own first.

Without JavaScript the administrators are a text area of email addresses, one per line. With
it, ``static/js/people-picker.js`` turns the text area into a search box (``people_search``)
whose choices become removable chips, each bound to a hidden input of the same name; both
arrive here as email addresses, resolved and checked server-side.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from typing_extensions import override

from accounts_registry.selectors import staff_by_emails
from portal.models import OrgUnit, User

MAX_ADMINISTRATORS = 20
_SEPARATORS = re.compile(r"[\s,;]+")


def split_addresses(value: str) -> list[str]:
    """The addresses in ``value``, split on lines, commas, semicolons or spaces, in order."""
    return [part for part in _SEPARATORS.split(value.strip()) if part]


class PeoplePickerWidget(forms.Textarea):
    """A text area of addresses that the picker script enhances (see the module docstring)."""

    @override
    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> str:
        # The chips post one hidden input each; the text area posts one value of many lines.
        if isinstance(data, MultiValueDict):
            values = data.getlist(name)
        else:
            raw = data.get(name)
            values = raw if isinstance(raw, list) else [raw] if raw else []
        return "\n".join(str(value) for value in values if value)

    @override
    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):  # initial people, or a cleaned list
            return "\n".join(getattr(item, "email", str(item)) for item in value)
        return super().format_value(value)

    @override
    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        emails = split_addresses(self.format_value(value) or "")[:MAX_ADMINISTRATORS]
        known = staff_by_emails(emails) if emails else {}
        chosen = [
            {
                "email": email,
                "name": known[email.lower()].display_name if email.lower() in known else "",
            }
            for email in emails
        ]
        context["widget"]["attrs"].update(
            {
                "data-people-picker": "",
                "data-search-url": reverse("accounts_registry:people_search"),
                "data-chosen": json.dumps(chosen),
            }
        )
        return context


class AdministratorsField(forms.Field):
    """Email addresses of members of staff -> the ``User`` list, in the order given.

    Every address is checked at once: the shape of each, then that a member of staff has it;
    the message names every unknown address. Repeats are kept for the rules to refuse.
    """

    widget = PeoplePickerWidget

    @override
    def to_python(self, value: Any) -> list[str]:
        return split_addresses(str(value or ""))

    @override
    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    @override
    def clean(self, value: Any) -> list[User]:
        emails: list[str] = self.to_python(value)
        self.validate(emails)
        if len(emails) > MAX_ADMINISTRATORS:
            raise ValidationError(f"Name at most {MAX_ADMINISTRATORS} administrators.")
        malformed = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                malformed.append(email)
        if malformed:
            raise ValidationError(
                "Not an email address: " + ", ".join(f"“{email}”" for email in malformed) + "."
            )
        found = staff_by_emails(emails)
        unknown = [email for email in emails if email.lower() not in found]
        if unknown:
            raise ValidationError(
                "No current member of staff has the address "
                + ", ".join(f"“{email}”" for email in dict.fromkeys(unknown))
                + ". Check the spelling, or search by name."
            )
        return [found[email.lower()] for email in emails]


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    """Every unit, with the person's own units first in an optgroup "Your units"."""

    def group_first(self, own: QuerySet[OrgUnit]) -> None:
        own_units = list(own.order_by("name"))
        if not own_units:
            return
        own_ids = {unit.pk for unit in own_units}
        queryset = self.queryset
        assert queryset is not None
        others = [unit for unit in queryset if unit.pk not in own_ids]
        self.choices = [
            ("", self.empty_label or ""),
            ("Your units", [(unit.pk, unit.name) for unit in own_units]),
            ("All other units", [(unit.pk, unit.name) for unit in others]),
        ]
