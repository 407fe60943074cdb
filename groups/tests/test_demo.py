"""The demo shows every state of the request queue and of group email (issue: a demo that shows everything)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from groups.models import Communication, Delivery, GroupRequest
from groups.selectors import due_mark

pytestmark = pytest.mark.django_db

A_WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def test_demo_has_due_today_overdue_scheduled_cancelled_and_failed() -> None:
    with time_machine.travel(A_WEDNESDAY_MORNING, tick=False):
        call_command("seed_demo", password="a-demo-passphrase-1")
        marks = {req.title: due_mark(req).label for req in GroupRequest.objects.all()}
    assert marks["Alumni quiz night"] == "Due today"
    assert marks["Careers breakfast"] == "Overdue"
    statuses = set(Communication.objects.values_list("status", flat=True))
    assert {Communication.Status.SCHEDULED, Communication.Status.CANCELLED} <= statuses
    cancelled = Communication.objects.get(status=Communication.Status.CANCELLED)
    assert cancelled.request.status == GroupRequest.Status.CHANGES_REQUESTED
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
    assert failed.count() == 2
    assert all("550" in delivery.error for delivery in failed)
