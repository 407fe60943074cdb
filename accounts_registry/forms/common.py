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
