"""Forms: the shape of input only; business rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from typing_extensions import override

from groups.models import (
    MONTHS,
    AlumniGroup,
    AnnualPlan,
    CommitteeMembership,
    GroupRequest,
    OutsidePresence,
)
from groups.services.groups import GROUP_FIELDS
from groups.services.plans import PLAN_FIELDS
from groups.services.presences import PRESENCE_FIELDS
from groups.services.requests import EDITABLE_FIELDS, RequestDetails
from portal.input_guard import single_line_fields, validate_single_line

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RequestForm(forms.ModelForm[GroupRequest]):
    """The short form a committee fills in for an event or communication."""

    event_url = forms.URLField(
        label="Event web page or booking link",
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    class Meta:
        model = GroupRequest
        fields = EDITABLE_FIELDS  # the fields the request services accept: one list
        labels = {
            "kind": "What do you need?",
            "content": "Text to publish",
            "preferred_date": "Preferred date to send or publish",
            "event_start": "Event starts",
            "event_end": "Event ends",
            "event_venue": "Venue",
            "event_url": "Event web page or booking link",
        }
        help_texts = {
            "content": "Plain text, up to 5,000 characters. Formatting and HTML are not used.",
            "event_start": "Leave the event fields empty if this is not about an event.",
        }
        widgets = {
            "content": forms.Textarea(attrs={"rows": 8}),
            "preferred_date": DATE_INPUT,
            "event_start": DATETIME_INPUT,
            "event_end": DATETIME_INPUT,
        }

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["maxlength"] = 200
        single_line_fields(self, "title")  # it becomes part of email subjects
        self.fields["content"].widget.attrs["maxlength"] = 5000
        for name in ("event_start", "event_end"):
            field = self.fields[name]
            assert isinstance(field, forms.DateTimeField)
            field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_preferred_date(self) -> Any:
        value = self.cleaned_data.get("preferred_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError("The preferred date is in the past.")
        return value

    def clean_event_start(self) -> Any:
        value = self.cleaned_data.get("event_start")
        if value and value < timezone.now():
            raise forms.ValidationError("The event start is in the past.")
        return value

    @override
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("event_start"), data.get("event_end")
        if end and not start:
            self.add_error("event_start", "Give the start time as well as the end.")
        if start and end and end < start:
            self.add_error("event_end", "The event cannot end before it starts.")
        if data.get("kind") == GroupRequest.Kind.EVENT_EMAIL and not start:
            self.add_error("event_start", "An event promotion needs the event's start time.")
        return data

    def details(self) -> RequestDetails:
        d = self.cleaned_data
        return RequestDetails(
            kind=d["kind"],
            title=d["title"],
            content=d["content"],
            audience=d["audience"],
            preferred_date=d.get("preferred_date"),
            event_start=d.get("event_start"),
            event_end=d.get("event_end"),
            event_venue=d.get("event_venue") or "",
            event_url=d.get("event_url") or "",
        )


class ResubmitForm(RequestForm):
    note = forms.CharField(
        label="Note to the reviewer (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AskChangesForm(forms.Form):
    message = forms.CharField(
        label="What should the committee change?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason for declining (the committee will see it)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="Send or publish at",
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_scheduled_for(self) -> Any:
        value = self.cleaned_data["scheduled_for"]
        if value < timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        return value


class CommunicationForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200, validators=[validate_single_line])
    body = forms.CharField(
        label="Email text",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Plain text. The unsubscribe link is added automatically.",
    )


class PlanForm(forms.ModelForm[AnnualPlan]):
    class Meta:
        model = AnnualPlan
        fields = PLAN_FIELDS  # what plan_save takes besides the months' activities
        labels = {"communication_plan": "Communication plan"}
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "communication_plan": forms.Textarea(attrs={"rows": 4}),
        }

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activities = self.instance.activities if self.instance and self.instance.pk else {}
        for number, month in enumerate(MONTHS, start=1):
            self.fields[f"month_{number}"] = forms.CharField(
                label=f"Activities in {month}",
                required=False,
                max_length=1000,
                initial=activities.get(str(number), ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def activities(self) -> dict[str, str]:
        return {str(n): self.cleaned_data.get(f"month_{n}", "") for n in range(1, 13)}


class PlanReviewForm(forms.Form):
    comments = forms.CharField(
        label="Comments for the committee",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PresenceForm(forms.ModelForm[OutsidePresence]):
    url = forms.URLField(
        label="Address (URL)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Not needed for WhatsApp, Telegram or WeChat groups: those stay private.",
    )

    class Meta:
        model = OutsidePresence
        fields = PRESENCE_FIELDS  # what presence_register takes
        labels = {"name": "Name of the site, page or group", "url": "Address (URL)"}
        help_texts = {
            "url": "Not needed for WhatsApp, Telegram or WeChat groups: those stay private.",
        }


class FlagForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class GroupForm(forms.ModelForm[AlumniGroup]):
    class Meta:
        model = AlumniGroup
        fields = GROUP_FIELDS  # what group_update accepts
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        single_line_fields(self, "name")  # it becomes part of email subjects


class CommitteeAppointForm(forms.Form):
    email = forms.EmailField(label="Alumnus's email address")
    role = forms.ChoiceField(label="Committee role", choices=CommitteeMembership.Role.choices)
