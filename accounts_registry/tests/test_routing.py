"""Approvals that route themselves: only people free of conflict are asked, a slot nobody can
decide is reported to comms once, comms name a stand-in, and refusals say what was refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts_registry.errors import RegistryError
from accounts_registry.jobs import pending_approvals_sweep
from accounts_registry.models import AccountRequest, ApprovalDecision, StandInApprover
from accounts_registry.selectors import pending_request_rows, requests_awaiting
from accounts_registry.services.approvers import request_stand_in_name
from accounts_registry.services.requests import request_acknowledge, request_decide
from accounts_registry.tests.factories import acknowledged, make_approver, submitted
from portal.models import AuditEvent, OutboundEmail, Reminder
from portal.permissions import grant_object_role, grant_role, revoke_object_role
from portal.roles import Role
from portal.tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db
UNIT, MARCOMMS = ApprovalDecision.Slot.UNIT, ApprovalDecision.Slot.MARCOMMS
APPROVE = "portal.approve_account_requests"


def sent_to(category):
    return set(
        OutboundEmail.objects.filter(category=f"accounts_registry.{category}").values_list(
            "to", flat=True
        )
    )


def decide(user, request, slot, decision="approve", reason=""):
    return request_decide(
        actor=user, request_id=request.pk, slot=slot, decision=decision, reason=reason
    )


# --- 1. Only people who may decide are asked ---------------------------------------------------


def test_conflicted_office_holders_are_not_asked_to_decide(cast):
    grant_object_role(cast.requester, APPROVE, cast.unit)  # the requester approves for the unit
    director_admin = make_user(Role.MARCOMMS_DIRECTOR)  # a director named as administrator
    acknowledged(cast, administrator_ids=[cast.admin1.pk, director_admin.pk])
    asked = sent_to("request.decision_needed")
    assert asked == {cast.approver.email, cast.director.email}


def test_nobody_is_asked_before_every_administrator_acknowledged(cast):
    request = submitted(cast)
    request_acknowledge(actor=cast.admin1, request_id=request.pk)
    assert sent_to("request.decision_needed") == set()


# --- 2 and 4. Refusals name the reason and the action ------------------------------------------


@pytest.mark.parametrize(
    ("decision", "verb"),
    [("approve", "approved"), ("reject", "rejected")],
    ids=["approve", "reject"],
)
def test_refusal_says_what_could_not_be_done_and_why(cast, decision, verb):
    grant_object_role(cast.requester, APPROVE, cast.unit)
    request = acknowledged(cast)
    with pytest.raises(RegistryError) as refused:
        decide(cast.requester, request, UNIT, decision, reason="No.")
    assert str(refused.value) == (f"This request could not be {verb}: you requested this account.")
    with pytest.raises(RegistryError, match=f"could not be {verb}: you do not hold the office"):
        decide(cast.other_approver, request, UNIT, decision, reason="No.")


def test_refusal_after_the_other_slot_names_it(cast):
    both = make_approver(cast.unit)
    grant_role(both, Role.MARCOMMS_DIRECTOR)
    request = acknowledged(cast)
    decide(both, request, UNIT)
    with pytest.raises(
        RegistryError, match="could not be rejected: you already approved the other"
    ):
        decide(both, request, MARCOMMS, "reject", reason="No.")


def test_refusal_of_a_decided_request_says_so(cast):
    request = acknowledged(cast)
    decide(cast.approver, request, UNIT, "reject", reason="Not needed.")
    with pytest.raises(RegistryError, match="could not be approved: it has already been decided"):
        decide(cast.director, request, MARCOMMS)


@pytest.mark.parametrize(
    ("who", "sentence"),
    [
        ("requester", "You requested this account"),
        ("director_admin", "You are named as one of its administrators"),
        ("both", "You already approved the other slot"),
    ],
)
def test_a_conflicted_approver_sees_why_on_the_request(client, cast, who, sentence):
    grant_object_role(cast.requester, APPROVE, cast.unit)
    director_admin = make_user(Role.MARCOMMS_DIRECTOR)
    both = make_approver(cast.unit)
    grant_role(both, Role.MARCOMMS_DIRECTOR)
    request = acknowledged(cast, administrator_ids=[cast.admin1.pk, director_admin.pk])
    decide(both, request, UNIT)
    person = {"requester": cast.requester, "director_admin": director_admin, "both": both}[who]
    client.force_login(person)
    page = client.get(reverse("accounts_registry:request_detail", args=[request.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"{sentence}, so the decision must come from someone else" in html
    assert "Your decision as" not in html
    client.force_login(cast.director)
    html = client.get(reverse("accounts_registry:request_detail", args=[request.pk])).content
    assert b"You cannot decide" not in html and b"Your decision as" in html


# --- 3. No eligible approver: reported once, a stand-in named ---------------------------------


@pytest.fixture
def orphan(cast):
    """A request from a unit that has no approver at all."""
    unit = make_unit(name="Institute of Lonely Studies", slug="lonely")
    return submitted(cast, unit_id=unit.pk)


def test_a_slot_without_an_eligible_approver_is_reported_to_comms_once(cast, orphan):
    assert sent_to("request.no_approver") == {cast.comms.email}
    assert (
        AuditEvent.objects.for_object(orphan)
        .filter(action="accounts_registry.request.no_approver")
        .count()
        == 1
    )
    for named in orphan.administrators.select_related("user"):
        request_acknowledge(actor=named.user, request_id=orphan.pk)
    result = pending_approvals_sweep()
    assert result.reported == 0
    assert (
        OutboundEmail.objects.filter(category="accounts_registry.request.no_approver").count() == 1
    )
    rows = {row.request.pk: row for row in pending_request_rows()}
    assert rows[orphan.pk].no_approver == ["Head of unit"]


def test_the_requester_as_only_approver_leaves_the_slot_unfilled(cast):
    unit = make_unit(slug="solo")
    grant_object_role(cast.requester, APPROVE, unit)
    request = submitted(cast, unit_id=unit.pk)
    rows = {row.request.pk: row for row in pending_request_rows()}
    assert rows[request.pk].no_approver == ["Head of unit"]


def test_one_person_for_both_slots_is_reported(cast):
    both = make_user(Role.MARCOMMS_DIRECTOR)
    unit = make_unit(slug="dual")
    grant_object_role(both, APPROVE, unit)
    cast.director.is_active = False
    cast.director.save(update_fields=["is_active"])
    request = acknowledged(cast, unit_id=unit.pk)
    assert sent_to("request.no_approver") == {cast.comms.email}
    decide(both, request, MARCOMMS)
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.PENDING


def test_the_sweep_reports_an_approver_who_left(cast):
    request = acknowledged(cast)
    assert sent_to("request.no_approver") == set()
    revoke_object_role(cast.approver, APPROVE, cast.unit)
    assert pending_approvals_sweep().reported == 1
    assert pending_approvals_sweep().reported == 0
    assert sent_to("request.no_approver") == {cast.comms.email}
    assert Reminder.objects.filter(kind="accounts_registry.request.no_approver").count() == 1
    assert request.pk in {row.request.pk for row in pending_request_rows() if row.no_approver}


def name(cast, request, person, slot=UNIT, actor=None):
    return request_stand_in_name(
        actor=actor or cast.comms,
        request_id=request.pk,
        slot=slot,
        user_id=person.pk,
        reason="The unit has no head this term.",
    )


def test_comms_name_a_stand_in_who_is_told_and_may_decide(cast, orphan):
    stand_in = make_user(Role.STAFF)
    assert not requests_awaiting(user=stand_in).exists()
    named = name(cast, orphan, stand_in)
    assert named.slot == UNIT and named.named_by == cast.comms
    assert sent_to("request.stand_in_named") == {stand_in.email}
    event = AuditEvent.objects.for_object(orphan).get(
        action="accounts_registry.request.stand_in_named"
    )
    assert event.actor == cast.comms and event.new["stand_in"] == stand_in.email
    for named_admin in orphan.administrators.select_related("user"):
        request_acknowledge(actor=named_admin.user, request_id=orphan.pk)
    assert stand_in.email in sent_to("request.decision_needed")
    assert list(requests_awaiting(user=stand_in)) == [orphan]
    with pytest.raises(RegistryError, match="office"):
        decide(stand_in, orphan, MARCOMMS)
    decide(stand_in, orphan, UNIT)
    decide(cast.director, orphan, MARCOMMS)
    orphan.refresh_from_db()
    assert orphan.status == AccountRequest.Status.APPROVED


def test_a_stand_in_named_after_the_acknowledgements_is_asked_to_decide(cast):
    unit = make_unit(slug="late")
    request = acknowledged(cast, unit_id=unit.pk)
    stand_in = make_user(Role.STAFF)
    name(cast, request, stand_in)
    assert stand_in.email in sent_to("request.decision_needed")


@pytest.mark.parametrize("who", ["requester", "admin1"])
def test_a_conflicted_stand_in_is_refused(cast, orphan, who):
    with pytest.raises(RegistryError, match=r"requested this account|one of its administrators"):
        name(cast, orphan, getattr(cast, who))
    assert not StandInApprover.objects.exists()


def test_the_person_who_decided_the_other_slot_cannot_stand_in(cast):
    unit = make_unit(slug="other-slot")
    request = acknowledged(cast, unit_id=unit.pk)
    decide(cast.director, request, MARCOMMS)
    with pytest.raises(RegistryError, match="already decided the other slot"):
        name(cast, request, cast.director)


def test_one_person_stands_in_for_one_slot_only(cast, orphan):
    stand_in = make_user(Role.STAFF)
    name(cast, orphan, stand_in, UNIT)
    with pytest.raises(RegistryError, match="other slot"):
        name(cast, orphan, stand_in, MARCOMMS)
    with pytest.raises(RegistryError, match="already the stand-in"):
        name(cast, orphan, stand_in, UNIT)


def test_only_comms_name_stand_ins_and_only_on_pending_requests(cast, orphan):
    with pytest.raises(RegistryError, match="Only comms"):
        name(cast, orphan, make_user(Role.STAFF), actor=cast.director)
    with pytest.raises(RegistryError, match="member of staff"):
        name(cast, orphan, make_user(Role.ALUMNUS))
    decided = acknowledged(cast)
    decide(cast.approver, decided, UNIT, "reject", reason="No.")
    with pytest.raises(RegistryError, match="already been decided"):
        name(cast, decided, make_user(Role.STAFF))


def test_comms_name_a_stand_in_on_the_request_page(client, cast, orphan):
    stand_in = make_user(Role.STAFF, email="stand.in@example.ac.uk")
    client.force_login(cast.comms)
    url = reverse("accounts_registry:request_detail", args=[orphan.pk])
    html = client.get(url).content.decode()
    assert "No eligible approver" in html and 'id="stand-in"' in html
    post = reverse("accounts_registry:request_stand_in", args=[orphan.pk])
    response = client.post(post, {"slot": "unit", "email": "", "reason": ""}, follow=True)
    assert "Email address of the stand-in: This field is required." in response.content.decode()
    response = client.post(
        post, {"slot": "unit", "email": "nobody@example.ac.uk", "reason": "r"}, follow=True
    )
    assert "no active member of staff has the address nobody@example.ac.uk" in (
        response.content.decode()
    )
    response = client.post(
        post, {"slot": "unit", "email": "Stand.In@example.ac.uk", "reason": "r"}, follow=True
    )
    assert "is now the stand-in approver" in response.content.decode()
    assert StandInApprover.objects.get().user == stand_in
    client.force_login(stand_in)
    assert client.get(url).status_code == 200


# --- Reminders of pending approvals -----------------------------------------------------------


def test_reminders_go_to_unconflicted_deciders_once_after_five_working_days(cast):
    grant_object_role(cast.requester, APPROVE, cast.unit)
    request = acknowledged(cast)
    assert pending_approvals_sweep().reminded == 0
    later = timezone.now() + timedelta(days=9)
    assert pending_approvals_sweep(now=later).reminded == 2
    assert sent_to("request.decision_reminder") == {cast.approver.email, cast.director.email}
    assert pending_approvals_sweep(now=later).reminded == 0
    decide(cast.approver, request, UNIT)
    assert pending_approvals_sweep(now=later + timedelta(days=9)).reminded == 0
    assert (
        OutboundEmail.objects.filter(category="accounts_registry.request.decision_reminder").count()
        == 2
    )


def test_the_sweep_costs_the_same_for_any_number_of_requests(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def idle_run_queries():
        pending_approvals_sweep()  # sends what is due, then an idle run is measured
        with CaptureQueriesContext(connection) as run:
            pending_approvals_sweep()
        return len(run.captured_queries)

    for _ in range(2):
        acknowledged(cast)
    few = idle_run_queries()
    for _ in range(10):
        acknowledged(cast)
    assert idle_run_queries() == few


def test_an_approver_gone_by_the_last_acknowledgement_is_reported_then(cast):
    request = submitted(cast)
    assert sent_to("request.no_approver") == set()
    revoke_object_role(cast.approver, APPROVE, cast.unit)
    for named in request.administrators.select_related("user"):
        request_acknowledge(actor=named.user, request_id=request.pk)
    assert sent_to("request.no_approver") == {cast.comms.email}
    assert sent_to("request.decision_needed") == {cast.director.email}


def test_a_stand_in_role_is_in_the_subject_access_export(cast, orphan):
    from accounts_registry.api import personal_data

    stand_in = make_user(Role.STAFF)
    name(cast, orphan, stand_in)
    exported = personal_data(stand_in)["stand_in_approver"]
    assert exported[0]["request"] == orphan.proposed_name
    assert exported[0]["slot"] == "Head of unit"
