"""Browser journey of a group email that follows its request.

A committee asks for an event email for a dinner in Nairobi; staff preview it, send a test to
themselves, schedule it, then ask for changes: nothing goes out. The committee resubmits and
staff send the corrected version, which members receive with the event's local time and venue.
Every page is checked by axe-core and at 390 px (``axe_check``).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from groups.jobs import communication_dispatch_sweep
from groups.models import Communication, Delivery, GroupRequest
from groups.tests.factories import make_committee, make_group, make_member
from groups.tests.test_e2e import switch_user
from portal.mail import email_as_sent
from portal.models import OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_scheduled_email_follows_its_request(page, sign_in, axe_check):
    group = make_group(name="Alumni Group of Kenya", slug="kenya")
    committee = make_committee(group)
    staff = make_user(Role.ENGAGEMENT_STAFF)
    colleague = make_user(Role.ENGAGEMENT_STAFF)
    members = [make_member(group) for _ in range(3)]
    day = (timezone.localdate() + timedelta(days=20)).isoformat()

    # The committee asks for an event email; the times are the venue's clock in Nairobi.
    sign_in(page, committee)
    page.goto("/groups/g/kenya/requests/new/")
    axe_check(page)
    page.get_by_label("What do you need?").select_option("event_email")
    page.get_by_label("Title").fill("Nairobi alumni dinner")
    page.get_by_label("Text to publish").fill("Join us for dinner with the Vice-Chancellor.")
    page.get_by_label("Event starts").fill(f"{day}T18:30")
    page.get_by_label("Event ends").fill(f"{day}T21:00")
    page.get_by_label("Time zone of the event's times").select_option("Africa/Nairobi")
    page.get_by_label("Venue").fill("Serena Hotel, Nairobi")
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_url(re.compile(r"/groups/g/kenya/requests/\d+/$"))
    axe_check(page)
    req = GroupRequest.objects.get()
    assert req.event_timezone == "Africa/Nairobi"
    assert req.event_start is not None and req.event_start.utcoffset() == timedelta(0)
    assert req.event_start.hour == 15 and req.event_start.minute == 30  # 18:30 in Nairobi

    # Staff start it, preview it and send a test to themselves.
    switch_user(page, sign_in, staff)
    page.goto(f"/groups/staff/requests/{req.pk}/")
    page.get_by_role("button", name="Start work on this request").click()
    page.get_by_text("You are now working on this request.").wait_for()
    page.get_by_text("Schedule", exact=True).first.click()
    later = timezone.localtime() + timedelta(days=2)
    page.get_by_label("Send or publish at").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule", exact=True).click()
    page.get_by_text("Request scheduled.").wait_for()
    page.get_by_role("link", name="Compose and send the email").click()
    axe_check(page)
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_label("Plain-text preview of the email")
    preview.wait_for()
    text = preview.inner_text()
    assert "18:30 to 21:00 (Africa/Nairobi)" in text and "Serena Hotel, Nairobi" in text
    axe_check(page)
    page.get_by_role("button", name="Send a test to me").click()
    page.get_by_text(f"A test copy was sent to {staff.email}").wait_for()
    tests = OutboundEmail.objects.filter(to=staff.email)
    assert tests.count() == 1 and "18:30" in tests.get().body_text
    assert not OutboundEmail.objects.filter(to__in=[m.user.email for m in members]).exists()

    # Scheduled for later: the email waits.
    page.get_by_role("button", name=re.compile("Send to 3 members")).click()
    page.wait_for_url(re.compile(rf"/groups/staff/requests/{req.pk}/$"))
    axe_check(page)
    first = Communication.objects.get()
    assert first.status == Communication.Status.SCHEDULED

    # Changes asked for: the scheduled email is cancelled, and nothing goes out at its time.
    page.get_by_text("Ask for changes", exact=True).first.click()
    page.get_by_label("What should the committee change?").fill("Please add the dress code.")
    page.get_by_role("button", name="Ask for changes").click()
    page.get_by_text("Changes requested; the clock is paused").wait_for()
    first.refresh_from_db()
    assert first.status == Communication.Status.CANCELLED
    communication_dispatch_sweep(now=timezone.now() + timedelta(days=3))
    assert not OutboundEmail.objects.filter(category="groups.communication").exists()
    assert set(first.deliveries.values_list("status", flat=True)) == {Delivery.Status.CANCELLED}

    # The committee resubmits; staff send the corrected version now, once.
    switch_user(page, sign_in, committee)
    page.goto(f"/groups/g/kenya/requests/{req.pk}/")
    page.get_by_role("link", name="Make the changes and resubmit").click()
    page.get_by_label("Text to publish").fill("Join us for dinner. Dress code: smart casual.")
    page.get_by_role("button", name="Resubmit request").click()
    page.get_by_text("Your changes have been sent").wait_for()
    axe_check(page)

    switch_user(page, sign_in, colleague)
    page.goto(f"/groups/staff/requests/{req.pk}/")
    page.get_by_role("button", name="Start work on this request").click()
    page.get_by_text("You are now working on this request.").wait_for()
    page.get_by_role("link", name="Compose and send the corrected email").click()
    assert "smart casual" in page.get_by_label("Email text").input_value()  # the corrected text
    page.get_by_role("button", name=re.compile("Send to 3 members")).click()
    page.wait_for_url(re.compile(rf"/groups/staff/requests/{req.pk}/$"))
    axe_check(page)
    sent = OutboundEmail.objects.filter(category="groups.communication")
    assert sorted(sent.values_list("to", flat=True)) == sorted(m.user.email for m in members)
    body = email_as_sent(sent.first()).body_text  # type: ignore[arg-type]
    assert "18:30 to 21:00 (Africa/Nairobi)" in body and "Serena Hotel, Nairobi" in body
    assert "smart casual" in body
    assert Communication.objects.exclude(status=Communication.Status.CANCELLED).count() == 1
