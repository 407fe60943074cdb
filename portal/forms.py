"""Sign-up (alumni and students register themselves) and the People and roles forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest

from portal.models import OrgUnit, User
from portal.permissions import forget_roles
from portal.roles import Role


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds email and passwords)."""

    ALUMNUS = "alumnus"
    STUDENT = "student"

    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    relationship = forms.ChoiceField(
        label="I am",
        choices=[(ALUMNUS, "A graduate of the university"), (STUDENT, "A current student")],
        widget=forms.RadioSelect,
    )
    # Graduates only: what they are matched on against the alumni records (see alumni.matching).
    former_name = forms.CharField(
        label="Graduates: family name when you graduated, if different",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    graduation_year = forms.IntegerField(
        label="Graduates: year you graduated", required=False, min_value=1900, max_value=2100
    )
    programme = forms.CharField(
        label="Graduates: programme you studied (e.g. MSc Economics)",
        max_length=200,
        required=False,
    )
    birth_year = forms.IntegerField(
        label="Graduates: year of birth", required=False, min_value=1900, max_value=2100
    )
    GRADUATE_FIELDS = ("graduation_year", "programme", "birth_year")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = (self.data.get("email") or "").strip().lower()
        domain = settings.INSTITUTION_EMAIL_DOMAIN
        if cleaned.get("relationship") == self.STUDENT and not email.endswith("@" + domain):
            self.add_error(
                "relationship",
                f"Current students sign up with their university address (@{domain}).",
            )
        if cleaned.get("relationship") == self.ALUMNUS:
            for name in self.GRADUATE_FIELDS:
                if name in cleaned and cleaned.get(name) in (None, ""):
                    self.add_error(name, "Graduates give this so we can find their record.")
        return cleaned

    def signup(self, request: HttpRequest, user: User) -> None:
        """Called by allauth once the user exists: record the name and the role (audited)."""
        from portal.people import role_grant_at_signup

        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        is_student = self.cleaned_data["relationship"] == self.STUDENT
        role_grant_at_signup(user_id=user.pk, role=Role.STUDENT if is_student else Role.ALUMNUS)
        forget_roles(user)
        if not is_student:
            from alumni.api import verification_start_at_signup

            data = self.cleaned_data
            verification_start_at_signup(
                user_id=user.pk,
                details={
                    "given_names": data["first_name"],
                    "family_name": data["last_name"],
                    "former_name": data.get("former_name") or "",
                    "graduation_year": data.get("graduation_year"),
                    "programme": data.get("programme") or "",
                    "birth_year": data.get("birth_year"),
                },
            )


ROLE_CHOICES = [(role.value, role.value) for role in Role]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


HOLDING_APPROVER = "approver"
HOLDING_DELEGATE = "delegate"


class PeopleFilterForm(forms.Form):
    """Search anyone by name or email; or list the holders of one role."""

    q = forms.CharField(
        label="Name or email", required=False, max_length=100, widget=forms.SearchInput()
    )
    role = forms.ChoiceField(
        label="Holding",
        required=False,
        choices=[
            ("", "Any staff role, approvership or delegation"),
            *ROLE_CHOICES,
            (HOLDING_APPROVER, "Unit approver"),
            (HOLDING_DELEGATE, "Director's delegate"),
        ],
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES)

    def __init__(self, *args: object, roles: list[Role] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if roles is not None:
            choices = [("", "Choose a role"), *((r.value, r.value) for r in roles)]
            self.fields["role"].choices = choices  # type: ignore[attr-defined]

    def clean_role(self) -> Role:
        return Role(self.cleaned_data["role"])


class ApproverForm(forms.Form):
    unit = forms.ModelChoiceField(label="Unit", queryset=OrgUnit.objects.order_by("name"))


class DelegationForm(forms.Form):
    """A period during which this person acts as the marcomms director for one director."""

    director = forms.ModelChoiceField(
        label="Acting for", queryset=User.objects.filter(groups__name=Role.MARCOMMS_DIRECTOR.value)
    )
    starts_on = forms.DateField(label="From", widget=_date_input())
    ends_on = forms.DateField(label="To (inclusive)", widget=_date_input())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last day must be on or after the first.")
        return cleaned
