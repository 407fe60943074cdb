"""The retention schedule (issue 12, item 3): every sweep set-based and idempotent."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.models import Communication, Delivery, Membership
from groups.tests.factories import make_group, make_member, make_request
from mentoring.models import MenteeApplication, MentorApplication
from mentoring.tests.factories import make_mentee, make_mentor, make_programme
from moderation.models import Decision, Item
from moderation.tests.factories import make_channel
from portal.dataprotection.retention import all_rules, months_before, retention_sweep
from portal.models import OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _old_world() -> dict[str, Any]:
    """One record due under every rule, and one of each kind that is not due yet."""
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=31 * (settings.RETENTION_MENTORING_MONTHS + 2))
    ended = make_programme(
        starts_on=long_ago - datetime.timedelta(days=120),
        ends_on=long_ago,
        applications_open=long_ago - datetime.timedelta(days=200),
        applications_close=long_ago - datetime.timedelta(days=130),
    )
    old_mentor = make_mentor(programme=ended, bio="OLD-MENTOR-BIO")
    old_mentee = make_mentee(programme=ended, bio="OLD-MENTEE-BIO")
    current_mentor = make_mentor(programme=make_programme(), bio="CURRENT-BIO")

    channel = make_channel()
    staff = make_user(Role.COMMS_STAFF)
    old_item = Item.objects.create(channel=channel, text="OLD-COMMENT", author_handle="@oldie")
    recent_item = Item.objects.create(channel=channel, text="NEW-COMMENT", author_handle="@new")
    decided = timezone.now() - datetime.timedelta(
        days=31 * (settings.RETENTION_MODERATION_MONTHS + 1)
    )
    for item, at in ((old_item, decided), (recent_item, timezone.now())):
        Decision.objects.create(
            item=item, outcome=Decision.Outcome.KEEP, reason="fine", decided_by=staff, decided_at=at
        )
    Item.objects.filter(pk__in=[old_item.pk, recent_item.pk]).update(state=Item.State.DECIDED)

    group = make_group()
    request = make_request(group)
    gone = make_member(group)
    stays = make_member(group)
    communication = Communication.objects.create(
        request=request, subject="News", body="Hello", created_by=staff
    )
    left = timezone.now() - datetime.timedelta(
        days=31 * (settings.RETENTION_UNSUBSCRIBED_MONTHS + 1)
    )
    for membership in (gone, stays):
        email = OutboundEmail.objects.create(
            to=membership.user.email, subject="News", body_text="Hello", status="sent"
        )
        Delivery.objects.create(
            communication=communication,
            recipient=membership.user,
            membership=membership,
            batch=0,
            email=email,
        )
    Membership.objects.filter(pk=gone.pk).update(left_at=left, email_consent=False)
    old_sent = OutboundEmail.objects.create(to="someone@example.org", subject="Old", body_text="x")
    OutboundEmail.objects.filter(pk=old_sent.pk).update(
        status="sent",
        created_at=timezone.now() - datetime.timedelta(days=settings.RETENTION_OUTBOX_DAYS + 1),
    )
    return {
        "old_mentor": old_mentor,
        "old_mentee": old_mentee,
        "current_mentor": current_mentor,
        "old_item": old_item,
        "recent_item": recent_item,
        "gone": gone,
        "stays": stays,
        "old_sent": old_sent,
    }


def test_sweeps_clear_what_is_due_and_a_second_run_clears_nothing() -> None:
    world = _old_world()
    Session.objects.create(session_key="expired-one", session_data="x", expire_date=timezone.now())
    dry = {f"{r.app}.{r.name}": r.sweep(dry_run=True) for r in all_rules()}
    assert dry == {
        "portal.outbox_retention_sweep": 1,
        "portal.expired_sessions_sweep": 1,
        "groups.unsubscribed_contacts_retention_sweep": 1,
        "mentoring.partner_details_retention_sweep": 2,
        "moderation.decided_items_retention_sweep": 1,
    }
    first = retention_sweep()
    assert first == dry
    assert retention_sweep() == dict.fromkeys(first, 0)  # idempotent

    mentor = MentorApplication.objects.get(pk=world["old_mentor"].pk)
    assert (mentor.email, mentor.bio, mentor.name) == ("", "", "Former mentor")
    assert MenteeApplication.objects.get(pk=world["old_mentee"].pk).bio == ""
    assert MentorApplication.objects.get(pk=world["current_mentor"].pk).bio == "CURRENT-BIO"
    old_item = Item.objects.get(pk=world["old_item"].pk)
    assert old_item.author_handle == "" and "OLD-COMMENT" not in old_item.text
    assert Item.objects.get(pk=world["recent_item"].pk).text == "NEW-COMMENT"
    gone_mail = Delivery.objects.get(membership=world["gone"]).email
    stays_mail = Delivery.objects.get(membership=world["stays"]).email
    assert gone_mail is not None and stays_mail is not None
    gone_mail.refresh_from_db()
    stays_mail.refresh_from_db()
    assert gone_mail.to == "" and stays_mail.to != ""
    assert Delivery.objects.count() == 2  # the rows stay


def test_months_before_clamps_to_the_months_end() -> None:
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_the_beat_runs_the_retention_task() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["data-protection-retention"]
    assert entry["task"] == "portal.tasks.retention_sweep"
    from portal.tasks import retention_sweep as task

    assert task.name == entry["task"]


def test_dry_run_page_lists_every_rule_and_changes_nothing() -> None:
    world = _old_world()
    client = Client()
    client.force_login(make_user(Role.DATA_PROTECTION_OFFICER))
    page = client.get(reverse("portal:dpo_retention"))
    assert page.status_code == 200
    for rule in all_rules():
        assert rule.setting.encode() in page.content
    assert MentorApplication.objects.get(pk=world["old_mentor"].pk).bio == "OLD-MENTOR-BIO"


def test_a_mailings_shared_text_goes_once_no_copy_needs_it() -> None:
    from portal.dataprotection.retention import outbox_retention_sweep
    from portal.models import OutboundContent

    old = timezone.now() - datetime.timedelta(days=settings.RETENTION_OUTBOX_DAYS + 1)
    done, waiting, recent = (
        OutboundContent.objects.create(subject=s, body_text=f"{s} text") for s in "ABC"
    )
    OutboundContent.objects.filter(pk__in=[done.pk, waiting.pk]).update(created_at=old)
    for content, status in ((done, "sent"), (waiting, "pending"), (recent, "sent")):
        OutboundEmail.objects.create(
            to="member@example.org", subject="x", body_text="", content=content, status=status
        )
    OutboundEmail.objects.filter(content__in=[done, waiting]).update(created_at=old)

    assert outbox_retention_sweep() == 1  # the sent old copy; the pending one is still to go
    assert set(OutboundContent.objects.values_list("subject", flat=True)) == {"B", "C"}
    assert outbox_retention_sweep() == 0
