"""Removal requests: signed confirmation link, reminders and escalation, each at most once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.errors import ModerationError
from moderation.jobs import removal_reminders_sweep
from moderation.models import RemovalRequest
from moderation.services.removals import (
    confirm_token,
    confirm_url,
    removal_request_create,
    removal_request_withdraw,
)
from moderation.tasks import send_removal_request_reminders
from portal.models import AuditEvent, OutboundEmail, User


@pytest.fixture
def removal(comms_staff: User) -> RemovalRequest:
    return removal_request_create(
        actor=comms_staff,
        owner_name="Sam",
        owner_email="Sam@Example.com",
        content_description="A photo",
        reason="Personal data (001 §4.7.4.8)",
        deadline=timezone.now() + timedelta(days=3),
    )


def test_create_emails_the_owner_a_signed_link(removal: RemovalRequest) -> None:
    email = OutboundEmail.objects.get(category="moderation.removal_request.removal_request")
    assert email.to == "sam@example.com" and confirm_url(removal) in email.body_text


def test_only_comms_and_future_deadlines(channel_admin: User, comms_staff: User) -> None:
    kwargs: dict[str, Any] = {
        "owner_name": "a",
        "owner_email": "a@example.com",
        "content_description": "c",
        "reason": "r",
    }
    with pytest.raises(ModerationError, match="comms"):
        removal_request_create(
            actor=channel_admin, deadline=timezone.now() + timedelta(days=1), **kwargs
        )
    with pytest.raises(ModerationError, match="future"):
        removal_request_create(
            actor=comms_staff, deadline=timezone.now() - timedelta(days=1), **kwargs
        )


def test_owner_confirms_without_signing_in(client: Client, removal: RemovalRequest) -> None:
    url = reverse("moderation:removal_confirm", kwargs={"token": confirm_token(removal)})
    assert "I have removed it" in client.get(url).content.decode()
    response = client.post(url, {"note": "Gone"}, follow=True)
    assert "Thank you" in response.content.decode()
    removal.refresh_from_db()
    assert removal.state == RemovalRequest.State.CONFIRMED and removal.owner_note == "Gone"
    assert (
        OutboundEmail.objects.filter(category="moderation.removal_request.confirmed").count() == 1
    )
    client.post(url, {"note": "again"})  # idempotent
    assert (
        OutboundEmail.objects.filter(category="moderation.removal_request.confirmed").count() == 1
    )
    assert (
        AuditEvent.objects.for_object(removal)
        .filter(action="moderation.removal_request.confirmed")
        .count()
        == 1
    )


def test_reminders_before_at_and_after_deadline_once_each(
    removal: RemovalRequest, comms_staff: User
) -> None:
    deadline = removal.deadline
    assert removal_reminders_sweep(now=deadline - timedelta(days=2)) == {
        "before": 0,
        "due": 0,
        "escalate": 0,
    }
    assert removal_reminders_sweep(now=deadline - timedelta(hours=5))["before"] == 1
    assert removal_reminders_sweep(now=deadline - timedelta(hours=4))["before"] == 0
    assert removal_reminders_sweep(now=deadline + timedelta(hours=1))["due"] == 1
    assert removal_reminders_sweep(now=deadline + timedelta(hours=2))["due"] == 0
    assert removal_reminders_sweep(now=deadline + timedelta(hours=49))["escalate"] == 1
    assert removal_reminders_sweep(now=deadline + timedelta(hours=50)) == {
        "before": 0,
        "due": 0,
        "escalate": 0,
    }
    removal.refresh_from_db()
    assert removal.state == RemovalRequest.State.ESCALATED and removal.escalated_at
    categories = list(OutboundEmail.objects.order_by("id").values_list("category", "to"))
    assert categories[1:] == [
        ("moderation.removal_request.removal_reminder", "sam@example.com"),
        ("moderation.removal_request.removal_due", "sam@example.com"),
        ("moderation.removal_request.escalated", comms_staff.email),
    ]


def test_confirmed_and_withdrawn_requests_are_left_alone(
    removal: RemovalRequest, comms_staff: User
) -> None:
    removal_request_withdraw(actor=comms_staff, request_id=removal.pk, reason="Resolved by phone")
    with pytest.raises(ModerationError):
        removal_request_withdraw(actor=comms_staff, request_id=removal.pk, reason="again")
    assert removal_reminders_sweep(now=removal.deadline + timedelta(days=5)) == {
        "before": 0,
        "due": 0,
        "escalate": 0,
    }


def test_periodic_task_runs_the_service(removal: RemovalRequest) -> None:
    RemovalRequest.objects.filter(pk=removal.pk).update(deadline=timezone.now() - timedelta(days=3))
    assert send_removal_request_reminders.apply().get() == {"before": 0, "due": 0, "escalate": 1}
    assert send_removal_request_reminders.apply().get() == {"before": 0, "due": 0, "escalate": 0}


def test_pages(client: Client, comms_staff: User) -> None:
    client.force_login(comms_staff)
    deadline = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("moderation:removal_new"),
        {
            "owner_name": "Kim",
            "owner_email": "kim@example.com",
            "content_description": "A post",
            "reason": "004 §6.5",
            "deadline": deadline,
            "item": "999",
        },
    )
    assert "no moderation item with that number" in response.content.decode()
    response = client.post(
        reverse("moderation:removal_new"),
        {
            "owner_name": "Kim",
            "owner_email": "kim@example.com",
            "content_description": "A post",
            "reason": "004 §6.5",
            "deadline": deadline,
        },
        follow=True,
    )
    assert "Removal request emailed to Kim" in response.content.decode()
    assert AuditEvent.objects.filter(action="portal.personal_data.viewed").count() == 1
