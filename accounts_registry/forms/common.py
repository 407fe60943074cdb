"""Shared pieces of the registry forms: staff pickers and the one-button crispy helper."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import QuerySet
from typing_extensions import override

from portal.models import User
from portal.roles import Role


def staff_users() -> QuerySet[User]:
    return (
        User.objects.filter(groups__name=Role.STAFF.value, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class StaffChoiceField(forms.ModelChoiceField[User]):
    @override
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.email})"


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField[User]):
    @override
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.email})"


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast(forms.ModelChoiceField[Any], form.fields[name])


def _helper(submit: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit))
    return helper


class _SubmitForm(forms.Form):
    """Rendered by crispy with one submit button labelled ``submit_label``."""

    submit_label = "Save"

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self.submit_label)


YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, coerce=lambda v: v == "yes"
    )


def web_address_field(
    *, label: str, required: bool = True, max_length: int = 200, help_text: str = ""
) -> forms.URLField:
    """A web address that may be typed without its scheme ("instagram.com/uni_news" becomes
    "https://instagram.com/uni_news"). A text input, not ``type="url"``: the browser would
    refuse an address without a scheme before the server could add it."""
    return forms.URLField(
        label=label,
        required=required,
        max_length=max_length,
        assume_scheme="https",
        help_text=help_text or "For example instagram.com/uni_news; https:// is added if left out.",
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"}
        ),
    )
