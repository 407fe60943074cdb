"""The API client form: shape only; the rules are in ``services.clients``."""

from __future__ import annotations

from django import forms

from integration.models import Scope


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label="System", max_length=100, help_text="What will use the token, e.g. 'Alumni CRM'."
    )
    scopes = forms.MultipleChoiceField(
        label="It may read",
        choices=Scope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Groups, events and the account lookup are public and need no scope.",
    )
