"""Escalations to closure: an escalated item stays "escalated" until the receiving team's reply
is recorded (who, when, outcome); replies are chased once per stage; incidents get an owner,
a severity and a due time on the working-day clock, filters, and a breach names its admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts_registry.models import OfficialAccount
from moderation.errors import DecisionConflictError, ModerationError
from moderation.jobs import escalation_reminders_sweep
from moderation.models import Escalation, Incident, Item
from moderation.selectors import IncidentFilters, incidents_filtered, item_timeline
from moderation.services.decisions import decision_reopen, item_decide
from moderation.services.escalations import escalation_record_reply
from moderation.services.incidents import incident_assign, incident_report, incident_transition
from moderation.services.items import ItemData, item_claim, item_create
from portal.models import AuditEvent, Reminder, User
from portal.roles import Role
from portal.tasks import deliver_pending_email
from portal.tests.factories import make_user
from portal.workdays import default_calendar

from .factories import make_account_admin


def escalate(actor: User, channel: OfficialAccount, outcome: str = "escalate_police") -> Item:
    item, _ = item_create(
        actor=actor, channel_id=channel.pk, data=ItemData(text="I will hurt you tomorrow")
    )
    item_decide(actor=actor, item_id=item.pk, outcome=outcome, reason="Threat of violence")
    item.refresh_from_db()
    return item


def reply(actor: User, escalation: Escalation, **overrides: object) -> Escalation:
    values: dict[str, object] = {
        "reply_from": "PC Smith, local police",
        "replied_at": timezone.now(),
        "reply_outcome": "Logged as crime 123; no action needed from us",
    }
    values.update(overrides)
    return escalation_record_reply(actor=actor, escalation_id=escalation.pk, **values)  # type: ignore[arg-type]


def test_escalated_item_stays_escalated_until_the_reply(
    channel: OfficialAccount, channel_admin: User, comms_staff: User
) -> None:
    item = escalate(channel_admin, channel)
    assert item.state == Item.State.ESCALATED and not item.is_open
    escalation = Escalation.objects.get(item=item)
    assert escalation.team == "police" and escalation.address.startswith("security@")
    assert escalation.reply_due_at > escalation.escalated_at and escalation.is_waiting
    with pytest.raises(DecisionConflictError):
        item_claim(actor=channel_admin, item_id=item.pk)
    with pytest.raises(DecisionConflictError):
        item_decide(actor=comms_staff, item_id=item.pk, outcome="keep", reason="fine")
    with pytest.raises(ModerationError, match="record it first"):
        decision_reopen(actor=comms_staff, item_id=item.pk, reason="look again")

    reply(channel_admin, escalation)
    item.refresh_from_db()
    escalation.refresh_from_db()
    assert item.state == Item.State.DECIDED
    assert escalation.reply_from == "PC Smith, local police"
    assert escalation.recorded_by == channel_admin and escalation.recorded_at
    event = AuditEvent.objects.for_object(item).get(action="moderation.item.escalation_replied")
    assert event.old == {"state": "escalated"} and event.new["state"] == "decided"
    assert event.new["outcome"].startswith("Logged as crime 123")

    titles = {(e.title, e.detail) for e in item_timeline(user=comms_staff, item=item).entries}
    assert any(t.startswith("Escalated “") and d == "To The police" for t, d in titles)
    assert any(
        t.startswith("Recorded the receiving team's reply") and d.startswith("PC Smith")
        for t, d in titles
    )


def test_reply_is_checked_and_recorded_once(
    channel: OfficialAccount, channel_admin: User, other_admin: User, comms_staff: User
) -> None:
    escalation = Escalation.objects.get(item=escalate(channel_admin, channel))
    with pytest.raises(ModerationError, match="who replied"):
        reply(channel_admin, escalation, reply_from=" ")
    with pytest.raises(ModerationError, match="decided"):
        reply(channel_admin, escalation, reply_outcome="")
    with pytest.raises(ModerationError, match="future"):
        reply(channel_admin, escalation, replied_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(ModerationError, match="before the escalation"):
        reply(channel_admin, escalation, replied_at=timezone.now() - timedelta(days=3))
    with pytest.raises(ModerationError, match="do not moderate"):
        reply(other_admin, escalation)
    assert Escalation.objects.get(pk=escalation.pk).is_waiting
    reply(comms_staff, escalation)
    with pytest.raises(ModerationError, match="already recorded"):
        reply(channel_admin, escalation)


def test_sweep_chases_once_per_stage_and_skips_replied(
    channel: OfficialAccount,
    channel_admin: User,
    comms_staff: User,
    django_capture_on_commit_callbacks,
) -> None:
    waiting = Escalation.objects.get(item=escalate(channel_admin, channel))
    answered = Escalation.objects.get(
        item=escalate(channel_admin, channel, "escalate_student_services")
    )
    reply(channel_admin, answered)
    deliver_pending_email()  # the escalation emails themselves go out before the sweeps run
    mail.outbox.clear()
    assert escalation_reminders_sweep(now=waiting.reply_due_at - timedelta(minutes=1)) == {
        "reply_due": 0,
        "comms": 0,
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = escalation_reminders_sweep(now=waiting.reply_due_at + timedelta(minutes=1))
    assert first == {"reply_due": 1, "comms": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([waiting.address, channel_admin.email])
    assert all("Reminder" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    later = waiting.comms_alert_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_reminders_sweep(now=later) == {"reply_due": 0, "comms": 1}
    assert [m.to for m in mail.outbox] == [[comms_staff.email]]
    assert escalation_reminders_sweep(now=later) == {"reply_due": 0, "comms": 0}
    assert Reminder.objects.filter(kind="moderation.escalation").count() == 2
    titles = [e.title for e in item_timeline(user=comms_staff, item=waiting.item).entries]  # type: ignore[arg-type]
    assert any(t.startswith("Chased the reply on") for t in titles)
    assert any(t.startswith("Alerted comms: still no reply") for t in titles)


def _incident(
    kind: str = Incident.Kind.POLICY_BREACH, channel: OfficialAccount | None = None
) -> Incident:
    return incident_report(
        actor=make_user(Role.STAFF),
        kind=kind,
        title="Trouble",
        description="Details",
        channel_id=channel.pk if channel else None,
    )


def test_incident_owner_severity_due_on_the_working_day_clock(comms_staff: User) -> None:
    incident = _incident()
    calendar = default_calendar()
    assert incident.severity == "medium"
    assert incident.due_at == calendar.add_working_days(incident.reported_at, 5)
    with pytest.raises(ModerationError, match="comms staff"):
        incident_assign(
            actor=comms_staff,
            incident_id=incident.pk,
            owner_id=make_user(Role.STAFF).pk,
            severity="high",
        )
    with pytest.raises(ModerationError, match="comms"):
        incident_assign(
            actor=make_user(Role.STAFF), incident_id=incident.pk, owner_id=None, severity="high"
        )
    incident = incident_assign(
        actor=comms_staff, incident_id=incident.pk, owner_id=comms_staff.pk, severity="critical"
    )
    assert incident.owner == comms_staff and incident.severity == "critical"
    assert incident.due_at == calendar.add_working_days(incident.reported_at, 1)
    incident_assign(
        actor=comms_staff, incident_id=incident.pk, owner_id=comms_staff.pk, severity="critical"
    )
    events = AuditEvent.objects.for_object(incident).filter(action="moderation.incident.assigned")
    assert events.count() == 1  # the second call changed nothing
    assert events.get().old["severity"] == "medium" and events.get().new["owner"] == comms_staff.pk
    assert _incident(Incident.Kind.SECURITY_BREACH).severity == "high"


def test_incident_filters(comms_staff: User, channel: OfficialAccount) -> None:
    breach = _incident(Incident.Kind.SECURITY_BREACH, channel)
    policy = _incident()
    incident_assign(
        actor=comms_staff, incident_id=policy.pk, owner_id=comms_staff.pk, severity="low"
    )
    incident_transition(actor=comms_staff, incident_id=breach.pk, to_state="triaged", note="")

    def listed(**kw: object) -> list[int]:
        filters = IncidentFilters(**kw)  # type: ignore[arg-type]
        return sorted(i.pk for i in incidents_filtered(user=comms_staff, filters=filters))

    assert listed(kind="security_breach") == [breach.pk]
    assert listed(state="triaged") == [breach.pk]
    assert listed(state="open") == sorted([breach.pk, policy.pk])
    assert listed(owner=comms_staff) == [policy.pk]
    assert listed(unowned=True) == [breach.pk]
    assert listed(channel_text=channel.handle) == [breach.pk]
    assert listed(channel_text=str(channel)) == [breach.pk]  # a picked suggestion

    client = Client()
    client.force_login(comms_staff)
    url = reverse("moderation:incident_list")
    page = client.get(url, {"owner": str(comms_staff.pk), "state": "open"})
    assert [i.pk for i in page.context["incidents"]] == [policy.pk]
    page = client.get(url, {"kind": "security_breach", "channel_q": channel.name})
    assert [i.pk for i in page.context["incidents"]] == [breach.pk]
    assert client.get(url, {"owner": "bogus"}).status_code == 200


def test_breach_page_names_the_admins_and_links_the_access_log(
    comms_staff: User, channel: OfficialAccount
) -> None:
    admin = make_account_admin(channel)
    breach = _incident(Incident.Kind.SECURITY_BREACH, channel)
    client = Client()
    client.force_login(comms_staff)
    page = client.get(reverse("moderation:incident_detail", kwargs={"pk": breach.pk}))
    body = page.content.decode()
    detail = reverse("accounts_registry:account_detail", kwargs={"pk": channel.pk})
    assert f'href="{detail}#h-log"' in body and f'href="{detail}#h-handovers"' in body
    assert "Review who has admin access" in body and admin.email in body


def test_incident_pages_assign_escalate_reply_close(
    client: Client, comms_staff: User, django_capture_on_commit_callbacks
) -> None:
    incident = _incident()
    client.force_login(comms_staff)
    detail = reverse("moderation:incident_detail", kwargs={"pk": incident.pk})
    client.post(
        reverse("moderation:incident_assign", kwargs={"pk": incident.pk}),
        {"owner": str(comms_staff.pk), "severity": "high"},
    )
    response = client.post(
        reverse("moderation:incident_assign", kwargs={"pk": incident.pk}),
        {"owner": "", "severity": "catastrophic"},
        follow=True,
    )
    assert "Nothing was changed" in response.content.decode()
    client.post(
        reverse("moderation:incident_transition", kwargs={"pk": incident.pk}),
        {"to_state": "escalated", "note": "Head of security", "team": "police"},
    )
    incident.refresh_from_db()
    assert incident.owner == comms_staff and incident.severity == "high"
    escalation = incident.escalations.get()
    assert escalation.team == "police" and escalation.to_whom == "Head of security"
    url = reverse("moderation:escalation_reply", kwargs={"pk": escalation.pk})
    bad = client.post(url, {"reply_from": "", "replied_at": "", "reply_outcome": ""}, follow=True)
    assert "The reply was not recorded" in bad.content.decode()
    when = timezone.localtime()
    client.post(
        url,
        {
            "reply_from": "J. Doe, security",
            "replied_at": when.strftime("%Y-%m-%dT%H:%M"),
            "reply_outcome": "Account secured",
        },
    )
    client.post(
        reverse("moderation:incident_transition", kwargs={"pk": incident.pk}),
        {"to_state": "closed", "note": "Done"},
    )
    incident.refresh_from_db()
    assert incident.state == "closed"
    body = client.get(detail).content.decode()
    for text in (
        "Set the owner and severity",
        "Escalated the incident",
        "J. Doe, security replied",
        "Closed the incident",
    ):
        assert text in body
