"""Forms of the registry: they check the shape of input and show the rules' reasons."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from typing_extensions import override

from portal.input_guard import single_line_fields, validate_single_line
from portal.models import OrgUnit, User
from portal.roles import Role

from .models import (
    AccountRequest,
    ActivityRecord,
    AdviceRequest,
    AnnualAudit,
    DiscoveredAccount,
    GovernanceSettings,
    OfficialAccount,
    TrainingRecord,
)
from .rules import naming_rules
from .services.advice import ADVICE_FIELDS, ANSWER_FIELDS
from .services.audits import AUDIT_ANSWER_FIELDS
from .services.requests import REQUEST_FIELDS
from .services.training import SETTINGS_FIELDS, TRAINING_FIELDS


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


class AccountRequestForm(forms.ModelForm[AccountRequest]):
    administrators = StaffMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="At least two different members of staff (hold Ctrl or Cmd to choose more "
        "than one). Each will be asked to acknowledge the social media policy.",
    )

    class Meta:
        model = AccountRequest
        fields = REQUEST_FIELDS
        labels = {
            "unit": "Requesting unit",
            "proposed_name": "Account name",
            "proposed_handle": "Handle",
            "signoff_process": "Sign-off process for posts",
            "contact_email": "Generic contact email",
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("purpose", "audience", "objectives", "evaluation_plan", "signoff_process")
        }

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "unit").queryset = OrgUnit.objects.order_by("name")
        _choices(self, "administrators").queryset = staff_users()
        single_line_fields(self, "proposed_name", "proposed_handle")  # in email subjects
        rules = naming_rules()
        prefix = rules.get("required_prefix")
        hint = "Without '@'."
        if prefix:
            hint += f' It must start with "{prefix}".'
        banned = rules.get("banned_abbreviations")
        if banned:
            hint += " Not allowed: " + ", ".join(banned) + "."
        self.fields["proposed_handle"].help_text = hint
        self.fields[
            "contact_email"
        ].help_text = (
            "A shared mailbox on the university's domain, not a person's own address (001 §5.2)."
        )
        self.helper = _helper("Submit request")


class AcknowledgeForm(_SubmitForm):
    submit_label = "Acknowledge"
    accept = forms.BooleanField(
        label="I have read the social media policy and accept my duties as an administrator.",
        required=True,
    )


class DecisionForm(forms.Form):
    slot = forms.ChoiceField(choices=[("unit", "unit"), ("marcomms", "marcomms")])
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActivationForm(_SubmitForm):
    submit_label = "Record the live account"
    handle = forms.CharField(label="Live handle", max_length=100, validators=[validate_single_line])
    url = forms.URLField(label="Address of the account (URL)", assume_scheme="https")
    followers = forms.IntegerField(label="Followers today", min_value=0, initial=0)


class LookupForm(_SubmitForm):
    submit_label = "Check"
    platform = forms.ChoiceField(choices=OfficialAccount.Platform.choices)
    handle = forms.CharField(max_length=100, help_text="With or without '@'; case is ignored.")

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Name or handle", required=False)
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label="All units",
    )
    platform = forms.ChoiceField(
        choices=[("", "All platforms"), *OfficialAccount.Platform.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[
            ("", "All statuses"),
            ("open", "Open (active or flagged)"),
            *list(OfficialAccount.Status.choices),
        ],
        required=False,
    )
    compliance = forms.ChoiceField(
        choices=[
            ("", "Any"),
            ("compliant", "Compliant (two or more admins)"),
            ("noncompliant", "Non-compliant (fewer than two admins)"),
        ],
        required=False,
    )


class ActivityForm(_SubmitForm):
    submit_label = "Record activity"
    kind = forms.ChoiceField(
        choices=ActivityRecord.Kind.choices, widget=forms.RadioSelect, label="What to record"
    )
    last_post_on = forms.DateField(
        label="Date of the latest post",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(max_length=255, required=False)

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["last_post_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class HandoverForm(_SubmitForm):
    submit_label = "Record handover"
    leaving = StaffChoiceField(queryset=User.objects.none(), label="Administrator leaving")
    replacement = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Replacement",
        help_text="Leave empty only if nobody replaces them; below two admins the account "
        "becomes non-compliant.",
    )
    passwords_changed_confirmed = forms.BooleanField(
        label="The account's passwords have been changed since this administrator's access "
        "ended (no password is stored in the portal).",
        required=False,
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @override
    def __init__(self, *args: Any, current_admins: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "leaving").queryset = current_admins
        _choices(self, "replacement").queryset = staff_users()


class AddAdminForm(_SubmitForm):
    submit_label = "Add administrator"
    user = StaffChoiceField(queryset=User.objects.none(), label="Member of staff")
    reason = forms.CharField(max_length=255, required=False)

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "user").queryset = staff_users()


YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, coerce=lambda v: v == "yes"
    )


class AuditForm(_SubmitForm):
    submit_label = "Submit audit"
    still_needed = _yes_no("Is the account still needed?")
    activity_ok = _yes_no("Has it been active and monitored regularly?")
    admins_correct = _yes_no("Is the list of administrators correct?")
    passwords_changed = _yes_no("Were passwords changed after every change of staff?")
    two_factor_on = _yes_no("Is two-factor authentication switched on?")
    guidelines_displayed = _yes_no("Are the posting guidelines displayed on the account?")
    incidents = forms.CharField(
        label="Incidents this year (leave empty if none)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=AnnualAudit.Outcome.choices, widget=forms.RadioSelect
    )
    field_order = AUDIT_ANSWER_FIELDS


class CloseForm(_SubmitForm):
    submit_label = "Close account"
    status = forms.ChoiceField(
        label="Close as",
        choices=[
            (OfficialAccount.Status.DEACTIVATED, "Deactivated"),
            (OfficialAccount.Status.DELETED, "Deleted"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class KeepForm(_SubmitForm):
    submit_label = "Keep the account"
    reason = forms.CharField(
        label="Why the account stays open", widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional; the administrators will see it)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RegisterExistingForm(_SubmitForm):
    submit_label = "Register the account"
    """Comms enter an account that predates the portal; the service checks the rules."""

    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label="Unit")
    platform = forms.ChoiceField(choices=OfficialAccount.Platform.choices)
    handle = forms.CharField(
        max_length=100,
        help_text="As it is on the platform, without '@'.",
        validators=[validate_single_line],
    )
    name = forms.CharField(label="Account name", max_length=150, validators=[validate_single_line])
    url = forms.URLField(
        label="Address of the account (URL)", required=False, assume_scheme="https"
    )
    followers = forms.IntegerField(label="Followers today", min_value=0, initial=0)
    administrators = StaffMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="At least two different members of staff who run the account (hold Ctrl or "
        "Cmd to choose more than one).",
    )
    contact_email = forms.EmailField(
        label="Generic contact email",
        required=False,
        help_text="The shared mailbox on the university's domain the account is registered "
        "with, if known; not a person's own address (001 §5.2).",
    )
    centrally_managed = forms.BooleanField(
        label="Run by Communications (no annual audit)", required=False
    )

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "unit").queryset = OrgUnit.objects.order_by("name")
        _choices(self, "administrators").queryset = staff_users()


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
    link = forms.URLField(label="Link (optional)", required=False, assume_scheme="https")

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
