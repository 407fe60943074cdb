"""Public forms: the "is this official?" lookup and the impersonation report."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Div, Layout
from django import forms
from typing_extensions import override

from accounts_registry.models import OfficialAccount
from accounts_registry.rules import profile_reference

from .common import (
    _helper,
)

_HONEYPOT = forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})


class _ProfileForm(forms.Form):
    """A platform and a handle, or a pasted profile link that gives both (``rules``)."""

    profile_field = "handle"
    platform = forms.ChoiceField(
        choices=[("", "Work it out from the link"), *OfficialAccount.Platform.choices],
        required=False,
    )

    @override
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = str(cleaned.get(self.profile_field) or "")
        parsed, reasons = profile_reference(typed, str(cleaned.get("platform") or ""))
        for name, reason in reasons.items():
            self.add_error(self.profile_field if name == "handle" else name, reason)
        if parsed is not None:
            cleaned["platform"], cleaned[self.profile_field] = parsed
            cleaned["from_link"] = True
        return cleaned


class LookupForm(_ProfileForm):
    handle = forms.CharField(
        label="Handle or link",
        max_length=300,
        help_text="With or without '@' (case is ignored), or the profile's link from your browser.",
    )

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Check")
        self.helper.form_method = "get"


class ImpersonationReportForm(_ProfileForm):
    """Anyone may report an account pretending to be the university's; no CAPTCHA, a honeypot."""

    profile_field = "account"
    account = forms.CharField(label="The account's handle or link (a link is best)", max_length=300)
    details = forms.CharField(
        label="Why do you think it is pretending to be us?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_email = forms.EmailField(
        label="Your email (optional)", required=False, help_text="Only if we may ask you about it."
    )
    # Honeypot: hidden from people (and from assistive technology), filled in by bots.
    website = forms.CharField(label="Leave this empty", required=False, widget=_HONEYPOT)

    @override
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Report the account")
        self.helper.form_id = "report-form"
        self.helper.layout = Layout(
            "platform", "account", "details", "contact_email",
            Div("website", css_class="d-none", aria_hidden="true"),
        )  # fmt: skip
