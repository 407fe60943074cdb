"""What pending means: every gate, on every path (services, views, admin, the app's API)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from alumni.api import (
    is_verified_alumnus,
    record_facts,
    statuses_of,
    verification_status,
)
from alumni.matching import Details
from alumni.services.verification import (
    verification_start,
    verification_verify_with_evidence,
)
from alumni.tests.factories import make_pending, make_record, verification_of
from groups.errors import GroupsError
from groups.models import CommitteeMembership, Membership
from groups.services.groups import committee_appoint, consent_give, membership_join
from groups.tests.factories import make_group
from mentoring.errors import MentoringError
from mentoring.models import MatchConstraint, MentorApplication
from mentoring.services.applications import mentor_application_submit
from mentoring.services.matching import (
    match_constraint_set,
    match_run_confirm,
    match_run_create,
)
from mentoring.tests.factories import make_mentee, make_mentor, make_programme
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

MENTOR_DATA = {
    "name": "P",
    "email": "p@example.com",
    "courses": "Typed course",
    "graduation_year": 1999,
    "country": "Kenya",
    "job_role": "Analyst",
    "sectors": ["policy"],
    "capacity": 1,
    **{code: True for code, _ in MentorApplication.COMMITMENTS},
}


def _verify(person: User) -> None:
    verification_verify_with_evidence(
        actor=make_user(Role.ENGAGEMENT_STAFF),
        verification_id=verification_of(person).pk,
        evidence="Certificate seen",
    )


def test_the_api_answers_per_status() -> None:
    pending, verified, student = make_pending(), make_user(Role.ALUMNUS), make_user(Role.STUDENT)
    assert (verification_status(pending), is_verified_alumnus(pending)) == ("pending", False)
    assert (verification_status(verified), is_verified_alumnus(verified)) == ("verified", True)
    assert verification_status(student) is None and not is_verified_alumnus(student)
    assert statuses_of([pending.pk, verified.pk]) == {
        pending.pk: "pending",
        verified.pk: "verified",
    }


def test_a_pending_graduate_cannot_join_or_consent_until_verified() -> None:
    group = make_group()
    person = make_pending()
    with pytest.raises(GroupsError, match="Only verified graduates can join") as caught:
        membership_join(actor=person, group_id=group.pk, consent=True)
    assert caught.value.link is not None and caught.value.link[0] == "/alumni/verification/"
    assert not Membership.objects.filter(user=person).exists()
    _verify(person)
    person = User.objects.get(pk=person.pk)  # a fresh request
    membership = membership_join(actor=person, group_id=group.pk)
    assert membership.left_at is None and not membership.email_consent


def test_a_member_who_became_pending_cannot_give_consent() -> None:
    group = make_group()
    member = make_user(Role.ALUMNUS)
    membership = membership_join(actor=member, group_id=group.pk)
    verification = verification_of(member)
    type(verification).objects.filter(pk=verification.pk).update(status="pending")
    member = User.objects.get(pk=member.pk)
    with pytest.raises(GroupsError, match="agree to a group's emails"):
        consent_give(actor=member, membership_id=membership.pk)


def test_a_pending_graduate_cannot_be_appointed_to_a_committee() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    person = make_pending()
    with pytest.raises(GroupsError, match="verified graduates"):
        committee_appoint(actor=staff, group_id=make_group().pk, user_id=person.pk, role="chair")
    assert not CommitteeMembership.objects.filter(user=person).exists()


def test_a_pending_graduate_cannot_apply_as_a_mentor() -> None:
    programme = make_programme()
    person = make_pending()
    with pytest.raises(MentoringError, match="Only verified graduates can apply as mentors"):
        mentor_application_submit(actor=person, programme_id=programme.pk, data=MENTOR_DATA)
    assert not MentorApplication.objects.filter(user=person).exists()


def test_a_verified_mentor_application_takes_programme_and_year_from_the_record() -> None:
    record = make_record(programmes="MSc Development Studies", graduation_years="2010;2012")
    person = make_user(Role.ALUMNUS, graduate_verified=False)
    verification_start(
        user_id=person.pk,
        details=Details(
            given_names="Ada",
            family_name="Lovelace",
            graduation_year=2012,
            programme="Development Studies",
            birth_year=1990,
        ),
    )
    person = User.objects.get(pk=person.pk)
    assert record_facts(person) is not None
    application = mentor_application_submit(
        actor=person, programme_id=make_programme().pk, data=MENTOR_DATA
    )
    assert application.courses == "MSc Development Studies"
    assert application.graduation_year == 2012
    assert record.pk == verification_of(person).record_id


def _pending_mentor(programme: object) -> MentorApplication:
    application = make_mentor(programme=programme)
    verification = verification_of(application.user)
    type(verification).objects.filter(pk=verification.pk).update(status="pending")
    return application


def test_matching_leaves_out_and_refuses_an_unverified_mentor() -> None:
    admin = make_user(Role.SCHEME_ADMIN)
    programme = make_programme()
    mentee = make_mentee(programme=programme)
    unverified = _pending_mentor(programme)
    run = match_run_create(actor=admin, programme_id=programme.pk)
    assert run.mentor_count == 0 and not run.pairs.exists()
    with pytest.raises(MentoringError, match="Mentors must be verified graduates"):
        match_constraint_set(
            actor=admin,
            programme_id=programme.pk,
            mentee_application_id=mentee.pk,
            mentor_application_id=unverified.pk,
            kind=MatchConstraint.Kind.PIN,
        )


def test_confirming_refuses_a_mentor_who_stopped_being_verified() -> None:
    admin = make_user(Role.SCHEME_ADMIN)
    programme = make_programme()
    make_mentee(programme=programme)
    mentor = make_mentor(programme=programme)
    run = match_run_create(actor=admin, programme_id=programme.pk)
    assert run.pairs.count() == 1
    verification = verification_of(mentor.user)
    type(verification).objects.filter(pk=verification.pk).update(status="pending")
    with pytest.raises(MentoringError, match=mentor.name):
        match_run_confirm(actor=admin, match_run_id=run.pk)
    assert not programme.partnerships.exists()


# --- Views ------------------------------------------------------------------------------------


def test_the_group_page_explains_and_links_and_a_join_post_is_refused(client: Client) -> None:
    group = make_group()
    person = make_pending()
    client.force_login(person)
    page = client.get(reverse("groups:group", args=[group.slug])).content.decode()
    assert "Only verified graduates can join" in page
    assert 'href="/alumni/verification/"' in page
    assert "Join " + group.name not in page
    response = client.post(reverse("groups:join", args=[group.slug]), {"consent": "1"})
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "Only verified graduates can join" in message
    assert '<a href="/alumni/verification/">' in message
    assert not Membership.objects.filter(user=person).exists()


def test_the_mentor_form_refuses_a_pending_graduate_with_the_reason(client: Client) -> None:
    programme = make_programme()
    person = make_pending()
    client.force_login(person)
    page = client.get(reverse("mentoring:programme", args=[programme.pk])).content.decode()
    assert "Only verified graduates can apply as mentors" in page
    assert 'href="/alumni/verification/"' in page
    assert reverse("mentoring:apply_mentor", args=[programme.pk]) not in page
    response = client.post(reverse("mentoring:apply_mentor", args=[programme.pk]), MENTOR_DATA)
    refused = response.content.decode()
    assert "Only verified graduates can apply as mentors" in refused
    assert '<a href="/alumni/verification/">' in refused
    assert not MentorApplication.objects.filter(user=person).exists()


def test_scheme_admins_see_each_mentors_verification_status(client: Client) -> None:
    admin = make_user(Role.SCHEME_ADMIN)
    programme = make_programme()
    make_mentor(programme=programme, name="Vera Verified")
    _pending_mentor(programme)
    client.force_login(admin)
    page = client.get(reverse("mentoring:admin_programme", args=[programme.pk])).content.decode()
    assert "Pending verification" in page and ">Verified<" in page


def test_the_admin_cannot_seat_a_pending_graduate(client: Client) -> None:
    superuser = make_user(Role.ENGAGEMENT_STAFF, is_staff=True, is_superuser=True)
    group = make_group()
    member = make_user(Role.ALUMNUS)
    committee_appoint(actor=superuser, group_id=group.pk, user_id=member.pk, role="chair")
    seat = CommitteeMembership.objects.get(user=member)
    verification = verification_of(member)
    type(verification).objects.filter(pk=verification.pk).update(status="pending")
    client.force_login(superuser)
    url = reverse("admin:groups_committeemembership_change", args=[seat.pk])
    response = client.post(url, {"role": CommitteeMembership.Role.TREASURER}, follow=True)
    assert "verified graduates" in response.content.decode()
    seat.refresh_from_db()
    assert seat.role == CommitteeMembership.Role.CHAIR
