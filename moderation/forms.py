"""Forms check the shape of input; the rules live in the services, whose field lists they use."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from accounts_registry.api import OfficialAccount, open_accounts
from portal.input_guard import validate_single_line
from portal.models import User

from .models import Category, Decision, Escalation, Incident, Item
from .selectors import channels_matching
from .services.categories import CATEGORY_FIELDS
from .services.decisions import DECISION_FIELDS
from .services.escalations import REPLY_FIELDS
from .services.incidents import INCIDENT_FIELDS
from .services.items import ITEM_FIELDS
from .services.removals import REMOVAL_REQUEST_FIELDS

STATE_CHOICES = [("open", "Open (new, claimed, reopened)"), ("all", "All"), *Item.State.choices]


class ChannelChoiceField(forms.ModelChoiceField[OfficialAccount]):
    def label_from_instance(self, obj: OfficialAccount) -> str:
        return f"{obj} ({obj.name})"


def channel_search_field() -> forms.CharField:
    """The channel filter: a search box (``moderation/_channel_search.html`` renders it with its
    suggestions), matched on the server among open channels, never a list of every account."""
    return forms.CharField(
        max_length=150,
        required=False,
        label="Channel",
        help_text="Handle or name; empty for all channels.",
    )


SORT_CHOICES = [("priority", "Priority, then oldest"), ("due", "Due soonest")]


class QueueFilterForm(forms.Form):
    # A link from a channel's page (``?channel=<id>``): any channel the user moderates, closed
    # ones too, so their old items stay reachable; the search box offers open ones only.
    channel = forms.ModelChoiceField(
        queryset=OfficialAccount.objects.none(), required=False, widget=forms.HiddenInput
    )
    channel_q = channel_search_field()
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="All categories"
    )
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False)
    past_target = forms.BooleanField(required=False, label="Past target only")
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label="Order")

    def __init__(self, *args: Any, channels: QuerySet[OfficialAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.all()  # type: ignore[attr-defined]
        for name in ("category", "state", "sort"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["past_target"].widget.attrs["class"] = "form-check-input"


class ChannelFilterForm(forms.Form):
    """The statistics page's filter: one channel search box."""

    channel_q = channel_search_field()


class CategoriseForm(forms.Form):
    prefix = "target"  # the decision form on the same page has a "category" field too

    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        label="Classify as",
        help_text="The category sets the priority and the response target, counted from arrival.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True)  # type: ignore[attr-defined]


class ChannelSearchInput(forms.TextInput):
    """A search box with suggestions (``static/js/channel-search.js``); no list of accounts."""

    input_type = "search"
    template_name = "moderation/widgets/channel_search.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {**(attrs or {}), "autocomplete": "off", "maxlength": "150"}
        attrs["list"] = f"{attrs.get('id', 'id_' + name)}-options"
        attrs["data-channel-search"] = reverse("moderation:channel_search")
        return super().get_context(name, value, attrs)


class ChannelPickField(forms.CharField):
    """One channel picked by typing: a suggestion's label, or text only one channel matches."""

    def __init__(self, *, channels: QuerySet[OfficialAccount], **kwargs: Any) -> None:
        super().__init__(max_length=150, widget=ChannelSearchInput, **kwargs)
        self.channels = channels

    def clean(self, value: Any) -> OfficialAccount | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        found = list(channels_matching(self.channels, text)[:2])
        if not found:
            raise forms.ValidationError(f"No open channel you moderate matches “{text}”.")
        if len(found) > 1:
            raise forms.ValidationError(
                "Several channels match; pick one of the suggestions or type its full handle."
            )
        return found[0]


# Up to this many channels a picker is a plain list; beyond it, a search box.
PICK_LIST_LIMIT = 20


def use_channel_picker(form: forms.Form, channels: QuerySet[OfficialAccount]) -> None:
    """Give ``form`` a list of ``channels`` when there are few, else a search box (one query)."""
    field = form.fields["channel"]
    if len(channels[: PICK_LIST_LIMIT + 1]) <= PICK_LIST_LIMIT:
        field.queryset = channels  # type: ignore[attr-defined]
        return
    picker = ChannelPickField(channels=channels, label=field.label, required=field.required)
    picker.help_text = "Type part of the handle or name and pick a suggestion."
    form.fields["channel"] = picker
    initial = form.initial.get("channel")
    if initial and str(initial).isdigit():
        chosen = channels.filter(pk=int(initial)).first()
        form.initial["channel"] = str(chosen) if chosen is not None else ""


class ItemForm(forms.Form):
    channel = ChannelChoiceField(queryset=OfficialAccount.objects.none())
    kind = forms.ChoiceField(choices=Item.Kind.choices, initial=Item.Kind.COMMENT)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    author_handle = forms.CharField(max_length=100, required=False)
    link = forms.URLField(max_length=500, required=False, assume_scheme="https")
    external_id = forms.CharField(
        max_length=200,
        required=False,
        label="External id",
        help_text="The platform's id of the post, if known; stops it being entered twice.",
    )
    posted_at = forms.DateTimeField(
        required=False,
        label="Posted at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reporter_email = forms.EmailField(
        required=False,
        label="Reported by (email)",
        help_text="If someone reported it to you; they can be sent a message with the decision.",
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Your own concerns, in addition to what screening suggests.",
    )
    field_order = ["channel", *ITEM_FIELDS, "categories"]

    def __init__(self, *args: Any, channels: QuerySet[OfficialAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_channel_picker(self, channels)
        self.fields["categories"].queryset = Category.objects.filter(active=True)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    channel = ChannelChoiceField(queryset=OfficialAccount.objects.none())
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row. Columns: text (required), author_handle, link, "
        "posted_at (ISO 8601), external_id, kind (post or comment).",
    )

    def __init__(self, *args: Any, channels: QuerySet[OfficialAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_channel_picker(self, channels)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 5 MB; split it up.")
        return upload


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        help_text="The policy category it breaches (required to remove or block).",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Internal reason",
        help_text="For 'keep', the rationale (e.g. accurate but negative, 001 §6.1.1).",
    )
    message_to_reporter = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Message to the reporter (optional)",
    )
    field_order = list(DECISION_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True)  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason")


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="What will use this token?",
        help_text="e.g. 'Monitoring tool export'.",
    )


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(choices=Incident.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What happened, when, where, and who is affected.",
    )
    channel = ChannelChoiceField(
        queryset=OfficialAccount.objects.none(),
        required=False,
        label="Official account concerned (if any)",
        empty_label="None / not sure",
    )
    field_order = [*INCIDENT_FIELDS, "channel"]

    def __init__(self, *args: Any, item: Item | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = open_accounts()  # type: ignore[attr-defined]
        if item is not None:
            # About an item: the account is the item's channel, shown with the item.
            del self.fields["channel"]


class IncidentTransitionForm(forms.Form):
    to_state = forms.ChoiceField(
        choices=[
            (s.value, s.label)
            for s in (Incident.State.TRIAGED, Incident.State.ESCALATED, Incident.State.CLOSED)
        ],
        label="Move to",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Note",
        help_text="Escalating: to whom. Closing: the resolution.",
    )
    team = forms.ChoiceField(
        choices=Escalation.Team.choices,
        required=False,
        initial=Escalation.Team.OTHER,
        label="Team (when escalating)",
    )


class IncidentAssignForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Nobody yet"
    )
    severity = forms.ChoiceField(choices=Incident.Severity.choices)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


INCIDENT_STATE_FILTERS = [("", "All"), ("open", "Open (not closed)"), *Incident.State.choices]


class IncidentFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Incident.Kind.choices], required=False)
    state = forms.ChoiceField(choices=INCIDENT_STATE_FILTERS, required=False)
    owner = forms.ChoiceField(required=False)
    channel_q = channel_search_field()

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {str(u.pk): u for u in owners}
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            ("none", "Nobody yet"),
            *((pk, str(u)) for pk, u in self.owners.items()),
        ]
        self.fields["channel_q"].label = "Account"
        for name in ("kind", "state", "owner"):
            self.fields[name].widget.attrs["class"] = "form-select"


class EscalationReplyForm(forms.Form):
    reply_from = forms.CharField(
        max_length=200, label="Who replied", help_text="Name and role in the receiving team."
    )
    replied_at = forms.DateTimeField(
        label="When they replied",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reply_outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Outcome of their reply"
    )
    field_order = list(REPLY_FIELDS)


class StepForm(forms.Form):
    note = forms.CharField(max_length=300, required=False, label="Note (optional)")


class RemovalRequestForm(forms.Form):
    owner_name = forms.CharField(
        max_length=150, label="Owner's name", validators=[validate_single_line]
    )
    owner_email = forms.EmailField(label="Owner's email")
    content_url = forms.URLField(
        max_length=500, required=False, label="Link to the content", assume_scheme="https"
    )
    content_description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Content")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Which standard it breaches (e.g. 004 §6.5, 001 §4.7.4.3).",
    )
    deadline = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    item = forms.IntegerField(
        required=False, min_value=1, label="Moderation item number (optional)"
    )
    field_order = [*REMOVAL_REQUEST_FIELDS, "item"]


class ConfirmRemovalForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Anything to add? (optional)",
    )


class CategoryForm(forms.ModelForm[Category]):
    rule_codes = forms.MultipleChoiceField(
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Screening rules that suggest it",
    )

    class Meta:
        model = Category
        fields = CATEGORY_FIELDS
        widgets: ClassVar = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from portal.screening import RULES

        super().__init__(*args, **kwargs)
        self.fields["rule_codes"].choices = [  # type: ignore[attr-defined]
            (code, f"{rule.label} ({code})") for code, rule in RULES.items()
        ]
        self.fields["severity"].widget = forms.Select(
            choices=[(n, f"{n} - {label}") for n, label in SEVERITY_LABELS.items()]
        )
        if self.instance.pk:
            self.fields["code"].disabled = True


SEVERITY_LABELS = {1: "low", 2: "moderate", 3: "serious", 4: "high", 5: "critical"}
