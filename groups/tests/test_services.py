"""Groups, committees, membership and consent, annual plans, presences and their disclaimers."""

from __future__ import annotations

import pytest
from django.test import override_settings

from groups.disclaimers import disclaimer_for, social_disclaimer, website_disclaimer
from groups.errors import GroupsError
from groups.models import AnnualPlan, ConsentEvent, OutsidePresence
from groups.permissions import is_committee_member
from groups.services.groups import (
    committee_appoint,
    committee_end,
    consent_give,
    consent_withdraw,
    group_create,
    group_update,
    membership_join,
    membership_leave,
)
from groups.services.plans import plan_accept, plan_request_changes, plan_save, plan_submit
from groups.services.presences import presence_confirm_disclaimer, presence_flag, presence_register
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_user(Role.ENGAGEMENT_STAFF)


def test_group_create_and_update_are_staff_only(staff, alumnus):
    with pytest.raises(GroupsError):
        group_create(actor=alumnus, name="Paris Alumni", kind="regional")
    group = group_create(actor=staff, name="Paris Alumni", kind="regional", place="Paris")
    assert group.slug == "paris-alumni"
    with pytest.raises(GroupsError):
        group_create(actor=staff, name="paris alumni", kind="regional")
    group_update(actor=staff, group_id=group.pk, changes={"status": "dormant"})
    event = AuditEvent.objects.for_object(group)[0]
    assert event.action == "groups.group.updated" and event.new == {"status": "dormant"}


def test_committee_seat_grants_and_ending_revokes_permission(group, staff, alumnus):
    seat = committee_appoint(actor=staff, group_id=group.pk, user_id=alumnus.pk, role="chair")
    assert is_committee_member(alumnus, group)
    # Changing the role keeps the one seat.
    again = committee_appoint(actor=staff, group_id=group.pk, user_id=alumnus.pk, role="treasurer")
    assert again.pk == seat.pk and again.role == "treasurer"
    with pytest.raises(GroupsError):
        committee_end(actor=alumnus, seat_id=seat.pk)
    committee_end(actor=staff, seat_id=seat.pk)
    assert not is_committee_member(alumnus, group)
    with pytest.raises(GroupsError):
        committee_end(actor=staff, seat_id=seat.pk)
    assert {e.action for e in AuditEvent.objects.for_object(seat)} == {
        "groups.committee.appointed",
        "groups.committee.role_changed",
        "groups.committee.ended",
    }


def test_committee_needs_an_alumnus(group, staff):
    with pytest.raises(GroupsError):
        committee_appoint(
            actor=staff, group_id=group.pk, user_id=make_user(Role.STUDENT).pk, role="chair"
        )


def test_consent_is_explicit_time_stamped_and_withdrawable(group, alumnus, student):
    with pytest.raises(GroupsError):
        membership_join(actor=student, group_id=group.pk)
    membership = membership_join(actor=alumnus, group_id=group.pk)
    assert not membership.email_consent  # joining is not consenting
    consent_give(actor=alumnus, membership_id=membership.pk)
    consent_withdraw(actor=alumnus, membership_id=membership.pk)
    consent_give(actor=alumnus, membership_id=membership.pk)
    membership.refresh_from_db()
    assert membership.email_consent and membership.consent_changed_at is not None
    history = list(membership.consent_events.order_by("at", "id").values_list("given", flat=True))
    assert history == [True, False, True]
    assert "emails about Alumni Group of Kenya" in membership.consent_events.first().wording
    other = make_user(Role.ALUMNUS)
    with pytest.raises(GroupsError):
        consent_withdraw(actor=other, membership_id=membership.pk)
    membership_leave(actor=alumnus, membership_id=membership.pk)
    membership.refresh_from_db()
    assert membership.left_at is not None and not membership.email_consent
    assert membership.consent_events.first().source == ConsentEvent.Source.LEFT


def test_annual_plan_cycle(group, committee, staff, other_committee):
    with pytest.raises(GroupsError):
        plan_save(
            actor=other_committee,
            group_id=group.pk,
            year=2027,
            objectives="x",
            activities={},
            communication_plan="",
        )
    plan = plan_save(
        actor=committee,
        group_id=group.pk,
        year=2027,
        objectives="",
        activities={},
        communication_plan="",
    )
    with pytest.raises(GroupsError):  # empty plans cannot be submitted
        plan_submit(actor=committee, plan_id=plan.pk)
    plan = plan_save(
        actor=committee,
        group_id=group.pk,
        year=2027,
        objectives="Grow",
        activities={"3": "Dinner", "4": " "},
        communication_plan="Emails",
    )
    assert plan.activities == {"3": "Dinner"}
    with pytest.raises(GroupsError):  # not yet submitted
        plan_accept(actor=staff, plan_id=plan.pk)
    plan_submit(actor=committee, plan_id=plan.pk)
    with pytest.raises(GroupsError):
        plan_save(
            actor=committee,
            group_id=group.pk,
            year=2027,
            objectives="y",
            activities={},
            communication_plan="",
        )
    with pytest.raises(GroupsError):
        plan_accept(actor=committee, plan_id=plan.pk)
    with pytest.raises(GroupsError):
        plan_request_changes(actor=staff, plan_id=plan.pk, comments="")
    plan = plan_request_changes(actor=staff, plan_id=plan.pk, comments="Add months")
    assert plan.status == AnnualPlan.Status.CHANGES_REQUESTED
    plan_submit(actor=committee, plan_id=plan.pk)
    plan = plan_accept(actor=staff, plan_id=plan.pk, comments="Good")
    assert plan.status == AnnualPlan.Status.ACCEPTED and plan.reviewed_by == staff
    assert [e.action for e in AuditEvent.objects.for_object(plan).order_by("at", "id")] == [
        "groups.plan.created",
        "groups.plan.edited",
        "groups.plan.submitted",
        "groups.plan.changes_requested",
        "groups.plan.submitted",
        "groups.plan.accepted",
    ]


SEED_WEBSITE = (
    "The Alumni Group of Kenya is an autonomous group for alumni of the London School of "
    "Economics and Political Science and operates independently of the School. Responsibility "
    "for this website, and any and all activities associated with it, are the full "
    "responsibility of the group and its organising committee. This website is not maintained, "
    "monitored, or in any way under the control of the London School of Economics and "
    "Political Science."
)
SEED_SOCIAL = (
    "The Alumni Group of Kenya takes full responsibility for this page/ group, which is not "
    "operated by, under the authority of, or in association with, The London School of "
    "Economics and Political Science."
)


@pytest.mark.parametrize(
    "institution",
    [
        "London School of Economics and Political Science",
        "The London School of Economics and Political Science",
    ],
)
def test_disclaimers_reproduce_the_seed_verbatim(group, institution):
    with override_settings(INSTITUTION_NAME=institution):
        assert website_disclaimer(group) == SEED_WEBSITE
        assert social_disclaimer(group) == SEED_SOCIAL


@override_settings(INSTITUTION_NAME="The University")
def test_disclaimers_use_the_configured_institution(group):
    assert website_disclaimer(group).endswith("under the control of the University.")
    assert social_disclaimer(group).endswith("in association with, The University.")


def test_presences_messaging_apps_are_private(group, committee, staff):
    with pytest.raises(GroupsError):  # a WhatsApp group is not a "social page"
        presence_register(
            actor=committee, group_id=group.pk, kind="social", platform="whatsapp", name="Chat"
        )
    chat = presence_register(
        actor=committee,
        group_id=group.pk,
        kind="messaging",
        platform="whatsapp",
        name="Chat",
        url="https://chat.whatsapp.com/invite",
    )
    assert chat.is_private and chat.url == "" and disclaimer_for(chat) == ""
    with pytest.raises(GroupsError):
        presence_confirm_disclaimer(actor=committee, presence_id=chat.pk)
    page = presence_register(
        actor=committee,
        group_id=group.pk,
        kind="social",
        platform="linkedin",
        name="LinkedIn group",
        url="https://linkedin.com/groups/1",
    )
    assert disclaimer_for(page).startswith("The Alumni Group of Kenya takes full responsibility")
    with pytest.raises(GroupsError):
        presence_confirm_disclaimer(actor=staff, presence_id=page.pk)
    page = presence_confirm_disclaimer(actor=committee, presence_id=page.pk)
    assert page.disclaimer_confirmed_by == committee
    with pytest.raises(GroupsError):
        presence_flag(actor=committee, presence_id=page.pk, reason="x")
    page = presence_flag(actor=staff, presence_id=page.pk, reason="Uses the logo")
    assert page.flagged
    assert OutsidePresence.objects.count() == 2
