"""Emails carry user input as text: escaped in the HTML part, verbatim in the text part, and
never able to break a subject or header line."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from accounts_registry.forms import AccountRequestForm, ActivationForm, RegisterExistingForm
from groups.forms import CommunicationForm, GroupForm, RequestForm
from groups.services.communications import communication_create
from groups.services.requests import request_start
from groups.tests.factories import make_committee, make_group, make_member, make_request
from mentoring.forms import ProgrammeForm
from moderation.defaults import ensure_default_categories
from moderation.forms import RemovalRequestForm
from moderation.models import Decision
from moderation.services.decisions import item_decide
from moderation.services.items import ItemData, item_create
from moderation.services.removals import removal_request_confirm, removal_request_create
from moderation.tests.factories import make_channel
from portal.mail import email_as_sent, email_deliver, email_queue_rendered
from portal.models import OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

IMG = "<img src=x onerror=alert(1)>"
PHISH = '<a href="http://phish.example">Reset your password</a>'
HOSTILE = f"{IMG}\n{PHISH}\nFish & chips"
BREAK_IN = "Pat\r\nBcc: everyone@example.ac.uk"

pytestmark = pytest.mark.django_db


def assert_no_live_markup(body_html: str) -> None:
    assert "<img" not in body_html
    assert "onerror=alert(1)>" not in body_html
    assert '<a href="http://phish.example">' not in body_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in body_html
    assert "&lt;a href=" in body_html
    # Any link in the HTML part shows its own address (urlize): none hides where it goes.
    for href, label in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', body_html):
        assert label.replace("&amp;", "&") in href or href.startswith(settings.PORTAL_BASE_URL)


def test_escalated_hostile_comment_reaches_management_as_text(
    django_capture_on_commit_callbacks,
) -> None:
    """The reported defect: an escalated public comment arrived as live HTML."""
    ensure_default_categories()
    comms = make_user(Role.COMMS_STAFF)
    item, _ = item_create(actor=comms, channel_id=make_channel().pk, data=ItemData(text=HOSTILE))
    with django_capture_on_commit_callbacks(execute=True):
        item_decide(
            actor=comms,
            item_id=item.pk,
            outcome=Decision.Outcome.ESCALATE_SENIOR_MANAGEMENT,
            reason=f"Phishing {IMG}",
        )
    email = OutboundEmail.objects.get(category="moderation.decision.escalated")
    assert_no_live_markup(email.body_html)
    assert "Fish &amp; chips" in email.body_html
    # The text part is exactly what was typed: no HTML entities.
    assert HOSTILE in email.body_text
    assert f"Reason: Phishing {IMG}" in email.body_text
    assert "&lt;" not in email.body_text and "&amp;" not in email.body_text
    assert email.status == OutboundEmail.Status.SENT
    assert mail.outbox[-1].body == email.body_text


def test_group_email_with_hostile_subject_and_body(django_capture_on_commit_callbacks) -> None:
    """A group email through the designed template: escaped HTML, verbatim text, one-line
    subject; it is delivered, not refused at the SMTP step."""
    group = make_group()
    committee = make_committee(group)
    make_member(group)
    staff = make_user(Role.ENGAGEMENT_STAFF)
    req = make_request(group, committee)
    request_start(actor=staff, request_id=req.pk)
    with django_capture_on_commit_callbacks(execute=True):
        communication_create(
            actor=staff, request_id=req.pk, subject=f"News {BREAK_IN} {IMG}", body=HOSTILE
        )
    # A copy of the mailing: what its member gets is the shared text with their own link.
    email = email_as_sent(
        OutboundEmail.objects.filter(category="groups.communication").latest("pk")
    )
    assert email.subject == f"News Pat Bcc: everyone@example.ac.uk {IMG}"
    assert_no_live_markup(email.body_html)
    assert re.search(r"<title>News Pat\s+Bcc: everyone@example.ac.uk &lt;img", email.body_html)
    assert email.body_text.startswith(HOSTILE + "\n")
    assert "&lt;" not in email.body_text and "&amp;" not in email.body_text
    assert email.status == OutboundEmail.Status.SENT
    assert "\n" not in mail.outbox[-1].subject and "\r" not in mail.outbox[-1].subject


def test_owner_name_with_line_break_cannot_add_a_header(
    django_capture_on_commit_callbacks,
) -> None:
    comms = make_user(Role.COMMS_STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        removal = removal_request_create(
            actor=comms,
            owner_name=BREAK_IN,
            owner_email="owner@example.com",
            content_description=IMG,
            reason="Personal data",
            deadline=timezone.now() + timedelta(days=3),
        )
        removal_request_confirm(request_id=removal.pk, note=PHISH)
    email = OutboundEmail.objects.get(category="moderation.removal_request.confirmed")
    assert email.subject == "Removal confirmed by Pat Bcc: everyone@example.ac.uk"
    assert email.status == OutboundEmail.Status.SENT, email.last_error
    assert f"Their note: {PHISH}" in email.body_text
    assert_no_live_markup(email.body_html)
    assert all("everyone@example.ac.uk" not in m.bcc for m in mail.outbox)


def test_a_rendered_safe_string_body_is_still_escaped() -> None:
    """``render_to_string`` returns a SafeString; the wrapper must not trust it."""
    body = render_to_string("portal/email/notice.txt", {"message": HOSTILE})
    email = email_queue_rendered(to="a@example.com", subject="Hi", body_text=body)
    assert_no_live_markup(email.body_html)
    assert type(email.body_text) is str and HOSTILE in email.body_text


def test_headers_are_single_lines_and_names_are_checked() -> None:
    email = email_queue_rendered(
        to="a@example.com",
        subject="A\r\n\tB\x00C\u2028D",
        body_text="x",
        headers={"List-Unsubscribe": "<https://x.example/u>\r\nBcc: b@example.com"},
    )
    assert email.subject == "A B C D"
    assert email.headers == {"List-Unsubscribe": "<https://x.example/u> Bcc: b@example.com"}
    assert email_deliver(email_id=email.pk)
    with pytest.raises(ValueError):
        email_queue_rendered(
            to="a@example.com", subject="x", body_text="x", headers={"Bcc\r\nX": "y"}
        )


def _email_templates(suffix: str) -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(settings.BASE_DIR) / app / "templates" for app in settings.PORTAL_APPS
    ]
    return sorted(p for root in roots for p in root.rglob(f"email/*{suffix}"))


def test_every_text_email_template_turns_autoescaping_off() -> None:
    """Otherwise ``&lt;`` and ``&amp;`` appear in a plain-text email."""
    templates = _email_templates(".txt")
    assert len(templates) > 30
    for path in templates:
        source = path.read_text()
        assert "{% autoescape off %}" in source, path
        assert source.rstrip().endswith("{% endautoescape %}"), path


def test_designed_html_email_templates_escape_and_use_no_inline_style() -> None:
    templates = _email_templates(".html")
    assert templates
    for path in templates:
        source = path.read_text()
        assert "autoescape off" not in source and "|safe" not in source, path
        assert "style=" not in source and "<script" not in source, path


# --- Forms refuse control characters in what becomes a subject or header --------------------

CONTROL_VALUES = ["Line one\r\nBcc: x@example.com", "one\ntwo", "tab\there", "bell\x07"]


def _field_refused(form: object, field: str) -> bool:
    errors = form.errors.get(field, [])  # type: ignore[attr-defined]
    return any("single line" in message for message in errors)


@pytest.mark.parametrize("value", CONTROL_VALUES)
@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (CommunicationForm, "subject"),
        (RequestForm, "title"),
        (GroupForm, "name"),
        (RemovalRequestForm, "owner_name"),
        (AccountRequestForm, "proposed_name"),
        (AccountRequestForm, "proposed_handle"),
        (ActivationForm, "handle"),
        (RegisterExistingForm, "handle"),
        (RegisterExistingForm, "name"),
        (ProgrammeForm, "name"),
    ],
)
def test_subject_fields_refuse_control_characters(form_class: type, field: str, value: str) -> None:
    form = form_class(data={field: value})
    assert not form.is_valid()
    assert _field_refused(form, field), form.errors.get(field)


def test_a_one_line_subject_is_accepted() -> None:
    form = CommunicationForm(data={"subject": "Autumn drinks – 5 Nov", "body": "Hello\nAll"})
    assert form.is_valid(), form.errors


def test_allauth_mail_through_the_adapter_is_escaped_in_html() -> None:
    """allauth's own text templates reach the outbox as text: escaped once made HTML."""
    from portal.adapters import AccountAdapter

    AccountAdapter().send_mail(
        "account/email/password_reset_key",
        "someone@example.com",
        {"password_reset_url": "https://portal.example/reset/x/", "username": IMG},
    )
    email = OutboundEmail.objects.get(category="account")
    assert f"your username is {IMG}." in email.body_text
    assert "<img" not in email.body_html and "&lt;img src=x" in email.body_html
    assert '<a href="https://portal.example/reset/x/"' in email.body_html
