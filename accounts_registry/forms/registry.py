"""Forms of requests, approvals, accounts, handovers and audits (shape only; rules in the services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from typing_extensions import override

from accounts_registry.models import (
    AccountRequest,
    ActivityRecord,
    AnnualAudit,
    ApprovalDecision,
    OfficialAccount,
)
from accounts_registry.rules import naming_rules
from accounts_registry.selectors import units_of
from accounts_registry.services.audits import AUDIT_ANSWER_FIELDS
from accounts_registry.services.requests import REQUEST_FIELDS, request_validate
from portal.input_guard import single_line_fields, validate_single_line
from portal.models import OrgUnit, User

from .common import (
    StaffChoiceField,
    StaffMultipleChoiceField,
    _choices,
    _helper,
    _SubmitForm,
    _yes_no,
    staff_users,
    web_address_field,
)
from .pickers import AdministratorsField, UnitChoiceField


class AccountRequestForm(forms.ModelForm[AccountRequest]):
    """The request (B1): every field's shape, and every rule of ``request_validate`` on whatever
    was filled in, so that a first submission shows everything to correct at once."""

    unit = UnitChoiceField(queryset=OrgUnit.objects.none(), label="Requesting unit")
    administrators = AdministratorsField(
        label="Administrators",
        help_text="At least two different members of staff: their university email addresses, "
        "one per line (or search by name). Each will be asked to acknowledge the social media "
        "policy.",
    )

    class Meta:
        model = AccountRequest
        fields = REQUEST_FIELDS
        labels = {
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
    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(UnitChoiceField, self.fields["unit"])
        unit.queryset = OrgUnit.objects.order_by("name")
        if user is not None:
            unit.group_first(units_of(user))
        self.fields["administrators"].widget.attrs["rows"] = 3
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
        # The server reports every missing field and every broken rule at once, in the error
        # summary; the browser's own checks would stop at the first empty field.
        self.helper.attrs = {"novalidate": "", "id": "request-form"}

    @override
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reasons = request_validate(
            platform=data.get("platform") or "",
            proposed_name=data.get("proposed_name") or "",
            proposed_handle=data.get("proposed_handle") or "",
            contact_email=data.get("contact_email") or "",
            administrators=data.get("administrators"),
        )
        for field, messages in reasons.items():
            for message in messages:
                self.add_error(field, message)
        return data


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


class StandInForm(_SubmitForm):
    """Comms name a stand-in approver for one slot of one request (the service checks who)."""

    submit_label = "Name the stand-in"
    slot = forms.ChoiceField(label="Slot", choices=ApprovalDecision.Slot.choices)
    email = forms.EmailField(
        label="Email address of the stand-in",
        help_text="A member of staff who did not request the account, is not one of its "
        "administrators and has not decided the other slot.",
    )
    reason = forms.CharField(
        label="Why a stand-in is needed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @override
    def __init__(self, *args: Any, open_slots: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ApprovalDecision.Slot.choices)
        slot = cast(forms.ChoiceField, self.fields["slot"])
        slot.choices = [(value, labels[value]) for value in open_slots]
        slot.widget.attrs["class"] = "form-select"
        for name in ("email", "reason"):
            self.fields[name].widget.attrs["class"] = "form-control"


class ActivationForm(_SubmitForm):
    submit_label = "Record the live account"
    handle = forms.CharField(label="Live handle", max_length=100, validators=[validate_single_line])
    url = web_address_field(label="Address of the account (URL)")
    followers = forms.IntegerField(label="Followers today", min_value=0, initial=0)


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
    url = web_address_field(label="Address of the account (URL)", required=False)
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
