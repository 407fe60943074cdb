"""Forms: the shape of input only; business rules are checked by the services."""

from __future__ import annotations

from datetime import datetime
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
    PageChange,
)
from groups.models.requests import COMMON_EVENT_TIME_ZONES, DEFAULT_EVENT_TIME_ZONE
from groups.services.groups import GROUP_FIELDS
from groups.services.pages import PAGE_FIELDS
from groups.services.plans import PLAN_FIELDS
from groups.services.presences import PRESENCE_FIELDS
from groups.services.requests import EDITABLE_FIELDS, RequestDetails
from portal.input_guard import single_line_fields, validate_single_line

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form gives it the event's own zone."""

    @override
    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for fmt in self.input_formats:
            try:
                return datetime.strptime(str(value).strip(), fmt)  # noqa: DTZ007 (wall clock; zone added by the form)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    @override
    def prepare_value(self, value: Any) -> Any:
        return value  # the form puts the wall-clock time in ``initial``; no London conversion


def _zone_label(name: str) -> str:
    place = name.rsplit("/", 1)[-1].replace("_", " ")
    return name if place == name else f"{place} ({name})"


class RequestForm(forms.ModelForm[GroupRequest]):
    """The short form a committee fills in for an event or communication.

    The event's start and end are read as wall-clock times in the chosen ``event_timezone``
    (an 18:30 start in Africa/Nairobi is stored as 15:30 UTC), and shown back in that zone.
    """

    event_start = WallClockDateTimeField(
        label="Event starts",
        required=False,
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        help_text="Leave the event fields empty if this is not about an event.",
    )
    event_end = WallClockDateTimeField(
        label="Event ends",
        required=False,
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
    )
    event_timezone = forms.ChoiceField(
        label="Time zone of the event's times",
        required=False,  # Europe/London when not given
        initial=DEFAULT_EVENT_TIME_ZONE,
        help_text="Give the times as a clock at the venue shows them.",
    )
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
            "event_venue": "Venue",
            "event_url": "Event web page or booking link",
        }
        help_texts = {
            "content": "Plain text, up to 5,000 characters. Formatting and HTML are not used.",
        }
        widgets = {
            "content": forms.Textarea(attrs={"rows": 8}),
            "preferred_date": DATE_INPUT,
        }

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["maxlength"] = 200
        single_line_fields(self, "title")  # it becomes part of email subjects
        self.fields["content"].widget.attrs["maxlength"] = 5000
        zones = list(COMMON_EVENT_TIME_ZONES)
        current = self.instance.event_timezone if self.instance.pk else DEFAULT_EVENT_TIME_ZONE
        if current and current not in zones:
            zones.insert(0, current)  # a zone set elsewhere (the admin) stays selectable
        zone_field = self.fields["event_timezone"]
        assert isinstance(zone_field, forms.ChoiceField)
        zone_field.choices = [(name, _zone_label(name)) for name in zones]
        if self.instance.pk:
            # Shown as the venue's clock shows them, not converted to London time.
            for name in ("event_start", "event_end"):
                value = getattr(self.instance, f"{name}_local")
                self.initial[name] = value.replace(tzinfo=None) if value else None

    def clean_preferred_date(self) -> Any:
        value = self.cleaned_data.get("preferred_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError("The preferred date is in the past.")
        return value

    def clean_event_timezone(self) -> str:
        return str(self.cleaned_data.get("event_timezone") or DEFAULT_EVENT_TIME_ZONE)

    @override
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = GroupRequest(event_timezone=data.get("event_timezone") or "").event_zone
        for name in ("event_start", "event_end"):
            if data.get(name):
                data[name] = timezone.make_aware(data[name], zone)
        start, end = data.get("event_start"), data.get("event_end")
        if start and start < timezone.now():
            self.add_error("event_start", "The event start is in the past.")
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
            event_timezone=d.get("event_timezone") or DEFAULT_EVENT_TIME_ZONE,
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
        help_text=(
            "Plain text. The event's date, time, venue and link are added above it, and each "
            "member's unsubscribe link below it."
        ),
    )

    @staticmethod
    def initial_for(req: GroupRequest) -> dict[str, str]:
        return {"subject": f"{req.group.name}: {req.title}", "body": req.content}


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


class PageChangeForm(forms.ModelForm[PageChange]):
    """The group's public page as the committee proposes it; links are web addresses."""

    class Meta:
        model = PageChange
        fields = PAGE_FIELDS  # what page_change_propose takes
        widgets = {"links": forms.Textarea(attrs={"rows": 3})}

    def clean_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        check = forms.URLField(assume_scheme="https")
        for line in lines:
            if not line.startswith(("https://", "http://")):
                raise forms.ValidationError(f"{line} is not a web address (https://...).")
            check.clean(line)
        return "\n".join(lines)


class PageChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("return", "Return")])
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note to the committee (needed when returning)",
    )
