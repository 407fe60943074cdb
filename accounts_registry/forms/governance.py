"""Forms of account governance: discovered accounts, advice, training and its settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from typing_extensions import override

from accounts_registry.models import (
    AdviceRequest,
    DiscoveredAccount,
    GovernanceSettings,
    OfficialAccount,
    TrainingRecord,
)
from accounts_registry.services.advice import ADVICE_FIELDS, ANSWER_FIELDS
from accounts_registry.services.training import SETTINGS_FIELDS, TRAINING_FIELDS
from portal.models import OrgUnit

from .common import _choices, web_address_field


class DiscoveredImportForm(forms.Form):
    export = forms.FileField(
        label="Monitoring export (CSV)",
        help_text="A header row naming platform, handle, url, display_name, followers, "
        "first_seen (YYYY-MM-DD); only platform and handle are required.",
    )


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        choices=DiscoveredAccount.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.order_by("name"), required=False, label="Owning unit (official)"
    )
    contact_email = forms.EmailField(
        required=False,
        label="Send to (official: the unit's address; impersonation: the owner or the "
        "platform's report address)",
    )
    run_by_staff = forms.BooleanField(required=False, label="Personal account of a member of staff")


class AdviceForm(forms.ModelForm[AdviceRequest]):
    link = web_address_field(
        label="Link (optional)",
        required=False,
        max_length=500,
        help_text="To the draft or the post; https:// is added if left out.",
    )

    class Meta:
        model = AdviceRequest
        fields = ("account", *ADVICE_FIELDS)
        labels = {
            "content": "Draft post or questionable content",
            "why_sensitive": "Why it may be sensitive",
            "line_manager_email": "Copy my line manager (optional email)",
            "account": "Account (optional)",
        }
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "why_sensitive": forms.Textarea(attrs={"rows": 2}),
            "urgency": forms.RadioSelect,
        }

    @override
    def __init__(self, *args: Any, accounts: QuerySet[OfficialAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "account").queryset = accounts


class AdviceAnswerForm(forms.Form):
    advice = forms.ChoiceField(choices=AdviceRequest.Advice.choices, widget=forms.RadioSelect)
    field_order = ANSWER_FIELDS
    answer = forms.CharField(
        label="Your advice to the asker", widget=forms.Textarea(attrs={"rows": 3})
    )


class TrainingForm(forms.ModelForm[TrainingRecord]):
    class Meta:
        model = TrainingRecord
        fields = TRAINING_FIELDS
        widgets = {"completed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class SettingsForm(forms.ModelForm[GovernanceSettings]):
    class Meta:
        model = GovernanceSettings
        fields = SETTINGS_FIELDS
