"""Incidents: reporting emails comms at once; triage, escalation, closure and the checklist."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.errors import ModerationError
from moderation.models import Incident, IncidentStep
from moderation.services.escalations import escalation_record_reply
from moderation.services.incidents import incident_report, incident_tick_step, incident_transition
from portal.models import AuditEvent, User
from portal.roles import Role
from portal.tests.factories import make_user


@pytest.fixture
def staff(db: None) -> User:
    return make_user(Role.STAFF)


def report(actor: User, kind: str = Incident.Kind.POLICY_BREACH) -> Incident:
    return incident_report(actor=actor, kind=kind, title="Trouble", description="Details")


def test_report_emails_every_comms_member_at_once(
    staff: User, django_capture_on_commit_callbacks
) -> None:
    comms = [make_user(Role.COMMS_STAFF), make_user(Role.COMMS_STAFF)]
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(staff, Incident.Kind.STAFF_HARASSMENT)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in comms)
    assert "Harassment of staff" in mail.outbox[0].subject
    assert AuditEvent.objects.for_object(incident).get().action == "moderation.incident.reported"


def test_alumni_cannot_report(alumnus: User) -> None:
    with pytest.raises(ModerationError):
        report(alumnus)


def test_lifecycle_each_step_audited(staff: User, comms_staff: User) -> None:
    incident = report(staff)
    with pytest.raises(ModerationError, match="comms"):
        incident_transition(actor=staff, incident_id=incident.pk, to_state="triaged", note="")
    incident_transition(
        actor=comms_staff, incident_id=incident.pk, to_state="triaged", note="looking"
    )
    with pytest.raises(ModerationError, match="to whom"):
        incident_transition(
            actor=comms_staff, incident_id=incident.pk, to_state="escalated", note=""
        )
    incident_transition(
        actor=comms_staff, incident_id=incident.pk, to_state="escalated", note="Senior management"
    )
    with pytest.raises(ModerationError, match="resolution"):
        incident_transition(actor=comms_staff, incident_id=incident.pk, to_state="closed", note="")
    with pytest.raises(ModerationError, match="Record the reply from Senior management"):
        incident_transition(
            actor=comms_staff, incident_id=incident.pk, to_state="closed", note="Resolved"
        )
    escalation_record_reply(
        actor=comms_staff,
        escalation_id=incident.escalations.get().pk,
        reply_from="Pro-Vice-Chancellor's office",
        replied_at=timezone.now(),
        reply_outcome="Noted, no further action",
    )
    incident = incident_transition(
        actor=comms_staff, incident_id=incident.pk, to_state="closed", note="Resolved"
    )
    assert (
        incident.state == "closed"
        and incident.escalated_to == "Senior management"
        and incident.closed_at
    )
    with pytest.raises(ModerationError, match="cannot become"):
        incident_transition(
            actor=comms_staff, incident_id=incident.pk, to_state="triaged", note="again"
        )
    assert list(
        AuditEvent.objects.for_object(incident).order_by("id").values_list("action", flat=True)
    ) == [
        "moderation.incident.reported",
        "moderation.incident.triaged",
        "moderation.incident.escalated",
        "moderation.escalation.opened",
        "moderation.incident.escalation_replied",
        "moderation.incident.closed",
    ]


def test_security_breach_checklist(staff: User, comms_staff: User) -> None:
    incident = report(staff, Incident.Kind.SECURITY_BREACH)
    incident_tick_step(
        actor=comms_staff, incident_id=incident.pk, step="log_out_all", note="done via X settings"
    )
    with pytest.raises(ModerationError, match="already ticked"):
        incident_tick_step(actor=comms_staff, incident_id=incident.pk, step="log_out_all")
    with pytest.raises(ModerationError, match="Finish the checklist"):
        incident_transition(
            actor=comms_staff, incident_id=incident.pk, to_state="closed", note="ok"
        )
    incident_tick_step(actor=comms_staff, incident_id=incident.pk, step="change_passwords")
    incident_tick_step(actor=comms_staff, incident_id=incident.pk, step="review_admins")
    step = IncidentStep.objects.get(incident=incident, step="log_out_all")
    assert step.done_by == comms_staff and step.done_at and step.note == "done via X settings"
    incident_transition(
        actor=comms_staff, incident_id=incident.pk, to_state="closed", note="secured"
    )
    with pytest.raises(ModerationError):
        incident_tick_step(actor=comms_staff, incident_id=incident.pk, step="bogus")


def test_checklist_only_for_security_breaches(staff: User, comms_staff: User) -> None:
    incident = report(staff)
    with pytest.raises(ModerationError, match="Only security"):
        incident_tick_step(actor=comms_staff, incident_id=incident.pk, step="log_out_all")


def test_pages(client: Client, staff: User, comms_staff: User) -> None:
    client.force_login(staff)
    response = client.post(
        reverse("moderation:incident_new"),
        {"kind": "security_breach", "title": "Hacked", "description": "Strange posts"},
        follow=True,
    )
    assert "the comms team has been emailed" in response.content.decode()
    incident = Incident.objects.get()
    assert list(client.get(reverse("moderation:incident_list")).context["incidents"]) == [incident]
    client.force_login(comms_staff)
    url = reverse(
        "moderation:incident_step", kwargs={"pk": incident.pk, "step": "change_passwords"}
    )
    client.post(url, {"note": "rotated"})
    client.post(
        reverse("moderation:incident_transition", kwargs={"pk": incident.pk}),
        {"to_state": "triaged"},
    )
    page = client.get(
        reverse("moderation:incident_detail", kwargs={"pk": incident.pk})
    ).content.decode()
    assert "Done:</strong> Change the passwords" in page and "Triaged" in page


def test_database_ticks_a_checklist_step_once(
    postgres_only: None, staff: User, comms_staff: User
) -> None:
    """Behind the service's "already ticked": with the service bypassed, the constraint refuses
    a second tick of the same step."""
    from django.db import IntegrityError, transaction

    incident = report(staff, Incident.Kind.SECURITY_BREACH)
    IncidentStep.objects.create(incident=incident, step="log_out_all", done_by=comms_staff)
    with pytest.raises(IntegrityError, match="moderation_step_once"), transaction.atomic():
        IncidentStep.objects.create(incident=incident, step="log_out_all", done_by=comms_staff)
    assert IncidentStep.objects.filter(incident=incident).count() == 1
