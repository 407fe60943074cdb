"""Forms: the shape of input only; business rules live in ``mentoring.services``."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from typing_extensions import override

from mentoring.models import (
    Concern,
    MatchConstraint,
    Meeting,
    MenteeApplication,
    MentorApplication,
    Programme,
    SurveyResponse,
)
from mentoring.scoring import SECTORS, SUPPORT_AREAS
from mentoring.selectors import submitted_applicants_of
from mentoring.services.applications import MENTEE_FIELDS, MENTOR_FIELDS
from mentoring.services.programmes import PROGRAMME_FIELDS
from mentoring.services.surveys import SURVEY_FIELDS
from portal.input_guard import single_line_fields

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCALE = [(i, str(i)) for i in range(1, 6)]


class ProgrammeForm(forms.ModelForm[Programme]):
    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS  # the fields programme_create/update apply: one list
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "applications_open": DATE,
            "applications_close": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        single_line_fields(self, "name")  # it becomes part of email subjects

    @override
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", "The programme must end after it starts.")
        opens, closes = data.get("applications_open"), data.get("applications_close")
        if opens and closes and closes < opens:
            self.add_error("applications_close", "Applications must close after they open.")
        return data


class MentorApplicationForm(forms.ModelForm[MentorApplication]):
    sectors = forms.MultipleChoiceField(
        label="Employment sectors you work or have worked in",
        choices=SECTORS,
        widget=forms.CheckboxSelectMultiple,
    )
    linkedin = forms.URLField(
        label="LinkedIn profile",
        required=False,
        assume_scheme="https",
        help_text="Optional. Shared with your mentee only if you tick the box below.",
    )
    capacity = forms.TypedChoiceField(
        label="How many students can you mentor?",
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        initial=1,
    )

    class Meta:
        model = MentorApplication
        fields = MENTOR_FIELDS  # the fields mentor_application_submit applies: one list
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "bio": "Optional. Shared with your mentee only if you tick the box below.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each commitment of 002 §1 a-f is its own required tick box, not one blanket consent.
        for code, label in MentorApplication.COMMITMENTS:
            self.fields[code] = forms.BooleanField(label=label, required=True)


class MenteeApplicationForm(forms.ModelForm[MenteeApplication]):
    sectors = forms.MultipleChoiceField(
        label="Employment sectors of interest", choices=SECTORS, widget=forms.CheckboxSelectMultiple
    )
    support_areas = forms.MultipleChoiceField(
        label="Areas of support you are looking for",
        choices=SUPPORT_AREAS,
        widget=forms.CheckboxSelectMultiple,
    )
    linkedin = forms.URLField(
        label="LinkedIn profile",
        required=False,
        assume_scheme="https",
        help_text="Optional. Shared with your mentor only if you tick the box below.",
    )

    class Meta:
        model = MenteeApplication
        fields = MENTEE_FIELDS  # the fields mentee_application_submit applies: one list
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        labels = {"university_email": "University email address"}
        help_texts = {
            "bio": "Optional. Shared with your mentor only if you tick the box below.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        domain = settings.INSTITUTION_EMAIL_DOMAIN
        self.fields["university_email"].help_text = f"Your @{domain} address."


class MeetingForm(forms.ModelForm[Meeting]):
    class Meta:
        model = Meeting
        fields = ("held_on", "mode")
        widgets = {"held_on": DATE}


class EmailFrequencyForm(forms.Form):
    email_frequency = forms.CharField(
        label="Email frequency agreed at your first meeting",
        max_length=100,
        help_text="For example: every two weeks.",
    )


class UnavailabilityForm(forms.Form):
    starts_on = forms.DateField(label="Unavailable from", widget=DATE)
    ends_on = forms.DateField(label="Unavailable until", widget=DATE)

    @override
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must come after the start date.")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, seen only by the scheme administrators)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    confirm = forms.BooleanField(label="I want to withdraw from the programme", required=True)


class ConcernForm(forms.Form):
    partnership = forms.TypedChoiceField(
        label="Which partnership is this about?", required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(
        label="Your concern or query", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(
        self, *args: Any, partnership_choices: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["partnership"])
        field.choices = [("", "Not about a particular partnership")] + [
            (str(pk), label) for pk, label in partnership_choices
        ]


class ConcernFollowUpForm(forms.Form):
    status = forms.ChoiceField(choices=Concern.Status.choices)
    note = forms.CharField(label="Follow-up note", widget=forms.Textarea(attrs={"rows": 4}))


class SurveyForm(forms.ModelForm[SurveyResponse]):
    satisfaction = forms.TypedChoiceField(
        label="Overall, how satisfied are you with the partnership? (1 = not at all, 5 = very)",
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label="How useful have the meetings been? (1 = not at all, 5 = very)",
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label="Would you recommend the programme to others?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SurveyResponse
        fields = SURVEY_FIELDS  # the answers survey_submit takes: one list
        widgets = {"comments": forms.Textarea(attrs={"rows": 4})}
        labels = {"comments": "Anything else you would like to tell us? (optional)"}


_Applicant = TypeVar("_Applicant", MenteeApplication, MentorApplication)


class ApplicantChoiceField(forms.ModelChoiceField[_Applicant]):
    """Lists applicants by name (an application's ``__str__`` names its programme too)."""

    @override
    def label_from_instance(self, obj: _Applicant) -> str:
        return str(obj.name)


class ConstraintForm(forms.Form):
    mentee_application = ApplicantChoiceField[MenteeApplication](
        label="Mentee", queryset=MenteeApplication.objects.none()
    )
    mentor_application = ApplicantChoiceField[MentorApplication](
        label="Mentor", queryset=MentorApplication.objects.none()
    )
    kind = forms.ChoiceField(choices=MatchConstraint.Kind.choices)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mentees, mentors = submitted_applicants_of(programme=programme)
        cast(
            ApplicantChoiceField[MenteeApplication], self.fields["mentee_application"]
        ).queryset = mentees
        cast(
            ApplicantChoiceField[MentorApplication], self.fields["mentor_application"]
        ).queryset = mentors
