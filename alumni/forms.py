"""Forms of the alumni app: the shape of input only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from alumni.models import Verification


def _year_field(label: str, *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1900,
        max_value=timezone.localdate().year,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class GraduateDetailsForm(forms.Form):
    """What a graduate gives to be matched against the alumni records."""

    given_names = forms.CharField(label="Given name(s)", max_length=150)
    family_name = forms.CharField(label="Family name", max_length=150)
    former_name = forms.CharField(
        label="Family name when you graduated, if different",
        max_length=150,
        required=False,
    )
    graduation_year = _year_field("Year you graduated")
    programme = forms.CharField(
        label="Programme you studied", max_length=200, help_text="For example: MSc Economics."
    )
    birth_year = _year_field("Year of birth")


class RecordsImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file of alumni records",
        help_text=(
            "Header row: record_id, given_names, family_name, former_names, date_of_birth, "
            "birth_year, programmes, graduation_years, emails (multiple values separated by ;)."
        ),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 10 MB; split it.")
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file must be UTF-8 text (CSV).") from exc


class VerifyWithRecordForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput)


class VerifyWithEvidenceForm(forms.Form):
    evidence = forms.CharField(
        label="Evidence seen",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: degree certificate seen on a video call.",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason (told to the person)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BulkDecisionForm(forms.Form):
    """Several pending verifications decided the same way (each through the service)."""

    VERIFY = "verify_evidence"
    REJECT = "reject"

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], label="Verifications")
    action = forms.ChoiceField(
        choices=[(VERIFY, "Verify with evidence noted"), (REJECT, "Reject with reason")]
    )
    note = forms.CharField(
        label="Evidence or reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, choices: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, str(pk)) for pk in choices or []]  # type: ignore[attr-defined]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=Verification.Status.choices)
