"""The heart of 002 §4-5: exactly the allowed fields of a partner reach the other partner.

Every field of both applications (matching-only preferences and unshared bio/LinkedIn included)
holds a unique marker. We render every page, email and export a partner can reach and assert
that exactly the allowed markers appear; after the programme's end date (or a withdrawal), none.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring import tasks
from mentoring.jobs import meeting_reminders_sweep
from mentoring.models import MenteeApplication, MentorApplication, Partnership, Programme
from mentoring.services.partnerships import (
    meeting_log,
    partnership_withdraw,
    unavailability_record,
)
from mentoring.sharing import mentee_card_for_mentor, mentor_card_for_mentee, partner_card_for
from mentoring.tests.factories import (
    make_mentee,
    make_mentor,
    make_programme,
    match,
    pair,
)
from portal.models import AuditEvent, OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

# Marker -> field, per person. Sectors and support areas are codes; their labels are the markers.
MENTOR = {
    "name": "Mzqname Alpha",
    "email": "mzqemail@alumni-mail.example.com",
    "courses": "Mzqcourse Studies",
    "graduation_year": "1987",
    "country": "Mzqcountryland",
    "job_role": "Mzqjob Officer",
    "bio": "Mzqbio text of the mentor",
    "linkedin": "https://www.linkedin.com/in/mzqlinkedin",
    "sectors": "Energy &amp; environment",  # the mentor's sectors are never shared (not in §4)
    "account": "mzqaccount@",  # the mentor's sign-in address, not the application's
}
MENTEE = {
    "name": "Ezqname Beta",
    "email": "ezqemail@example.ac.uk",
    "msc_programme": "Ezqprogramme of Studies",
    "sectors": "Think tanks",
    "support_areas": "Working abroad",
    "linkedin": "https://www.linkedin.com/in/ezqlinkedin",
    "bio": "Ezqbio text of the student",
    "preferred_countries": "Ezqprefcountry",  # matching-only
    "country": "Ezqhomecountry",  # matching-only
    "account": "ezqaccount@",
}
MENTOR_ALWAYS = {"name", "email", "courses", "graduation_year", "country", "job_role"}
MENTEE_ALWAYS = {"name", "email", "msc_programme", "sectors", "support_areas"}


def _setup(shared: bool) -> tuple[Partnership, User, User]:
    today = timezone.localdate()
    programme = make_programme(
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=20),
        applications_close=today + datetime.timedelta(days=1),
    )
    mentor_user = make_user(Role.ALUMNUS, email="mzqaccount@example.org")
    mentee_user = make_user(Role.STUDENT, email="ezqaccount@example.ac.uk")
    make_mentor(
        programme=programme,
        user=mentor_user,
        name=MENTOR["name"],
        email=MENTOR["email"],
        courses=MENTOR["courses"],
        graduation_year=int(MENTOR["graduation_year"]),
        country=MENTOR["country"],
        job_role=MENTOR["job_role"],
        sectors=["energy", "policy"],
        bio=MENTOR["bio"],
        share_bio=shared,
        linkedin=MENTOR["linkedin"],
        share_linkedin=shared,
        capacity=3,
    )
    make_mentee(
        programme=programme,
        user=mentee_user,
        name=MENTEE["name"],
        university_email=MENTEE["email"],
        msc_programme=MENTEE["msc_programme"],
        sectors=["think_tanks", "policy"],
        support_areas=["working_abroad"],
        linkedin=MENTEE["linkedin"],
        share_linkedin=shared,
        bio=MENTEE["bio"],
        share_bio=shared,
        preferred_countries=MENTEE["preferred_countries"],
        meeting_mode="either",
        country=MENTEE["country"],
    )
    (partnership,) = match(programme)
    return partnership, mentor_user, mentee_user


def _pages(client: Client, user: User, partnership: Partnership, *, mentor: bool) -> str:
    """Every page and export a partner can reach, concatenated."""
    client.force_login(user)
    pk = partnership.pk
    names = [
        reverse("portal:dashboard"),
        reverse("mentoring:home"),
        reverse("mentoring:programme", args=[partnership.programme_id]),
        reverse("mentoring:partnership", args=[pk]),
        reverse("mentoring:partner_vcard", args=[pk]),
        reverse("mentoring:meeting_log", args=[pk]),
        reverse("mentoring:email_frequency", args=[pk]),
        reverse("mentoring:survey", args=[pk, "mid"]),
        reverse("mentoring:concern_new"),
        reverse("mentoring:concern_submitted"),
        reverse("mentoring:unavailability_add" if mentor else "mentoring:withdraw", args=[pk]),
        reverse("mentoring:mentor_application", args=[partnership.mentor_application_id])
        if mentor
        else reverse("mentoring:mentee_application", args=[partnership.mentee_application_id]),
    ]
    out = []
    for url in names:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), url
        out.append(response.content.decode())
    return "\n".join(out)


def _emails_in(rows: Iterable[OutboundEmail]) -> str:
    return "\n".join(f"{e.subject}\n{e.body_text}\n{e.body_html}" for e in rows)


def _emails_to(address: str) -> str:
    return _emails_in(OutboundEmail.objects.filter(to=address))


def _check(text: str, markers: dict[str, str], allowed: set[str]) -> None:
    shown = {key for key, marker in markers.items() if marker in text}
    assert shown == allowed, f"shown {sorted(shown)}, allowed {sorted(allowed)}"


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "not-shared"])
def test_each_side_sees_exactly_the_policy_fields(client: Client, shared: bool) -> None:
    partnership, mentor_user, mentee_user = _setup(shared)
    optional = {"bio", "linkedin"} if shared else set()
    # Reach the states whose emails show the partner: reminder, a logged meeting, unavailability.
    assert meeting_reminders_sweep() == 1
    meeting_log(
        actor=mentee_user,
        partnership_id=partnership.pk,
        held_on=timezone.localdate() - datetime.timedelta(days=3),
        mode="video",
    )
    today = timezone.localdate()
    unavailability_record(
        actor=mentor_user,
        partnership_id=partnership.pk,
        starts_on=today + datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=45),
    )

    seen_by_mentee = _pages(client, mentee_user, partnership, mentor=False)
    seen_by_mentee += _emails_to(MENTEE["email"]) + _emails_to(mentee_user.email)
    _check(seen_by_mentee, MENTOR, MENTOR_ALWAYS | optional)

    seen_by_mentor = _pages(client, mentor_user, partnership, mentor=True)
    _check(seen_by_mentor + _emails_to(MENTOR["email"]), MENTEE, MENTEE_ALWAYS | optional)

    # The mentee withdraws: the mentor's notice names the student, and nothing else of them.
    partnership_withdraw(actor=mentee_user, partnership_id=partnership.pk, reason="Ezqprefcountry")
    withdrawal = OutboundEmail.objects.filter(
        to=MENTOR["email"], category="mentoring.withdrawal"
    ).get()
    _check(withdrawal.body_text, MENTEE, {"name"})
    # ... and from then on neither partner's pages show the other.
    partnership.refresh_from_db()
    _check(_pages(client, mentee_user, partnership, mentor=False), MENTOR, set())
    _check(_pages(client, mentor_user, partnership, mentor=True), MENTEE, set())


def test_after_the_end_date_nothing_is_shown(client: Client) -> None:
    partnership, mentor_user, mentee_user = _setup(shared=True)
    assert mentor_card_for_mentee(partnership) and mentee_card_for_mentor(partnership)
    after = partnership.programme.ends_on + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(after, datetime.time(12)), tick=False):
        assert partnership.status == Partnership.Status.ACTIVE  # the nightly job has not run
        assert mentor_card_for_mentee(partnership) == {}
        assert mentee_card_for_mentor(partnership) == {}
        page = _pages(client, mentee_user, partnership, mentor=False)
        _check(page, MENTOR, set())
        assert "This partnership has ended" in page
        _check(_pages(client, mentor_user, partnership, mentor=True), MENTEE, set())
        vcard = client.get(reverse("mentoring:partner_vcard", args=[partnership.pk]))
        assert vcard.status_code == 404
        # The nightly job ends the partnership and invites both to the end survey and to
        # future programmes: those emails carry nothing about the former partner either.
        before = set(OutboundEmail.objects.values_list("pk", flat=True))
        tasks.send_meeting_reminders()
        late = OutboundEmail.objects.exclude(pk__in=before)
        assert set(late.values_list("category", flat=True)) == {
            "mentoring.future_invitation",
            "mentoring.survey_invitation",
        }
        _check(_emails_in(late.filter(to=MENTEE["email"])), MENTOR, set())
        _check(_emails_in(late.filter(to=MENTOR["email"])), MENTEE, set())


def test_cards_hold_exactly_the_policy_keys() -> None:
    partnership, _mentor, _mentee = _setup(shared=False)
    assert set(mentor_card_for_mentee(partnership)) == MENTOR_ALWAYS
    assert set(mentee_card_for_mentor(partnership)) == MENTEE_ALWAYS
    partnership.mentor_application.share_bio = True
    partnership.mentee_application.share_linkedin = True
    assert set(mentor_card_for_mentee(partnership)) == MENTOR_ALWAYS | {"bio"}
    assert set(mentee_card_for_mentor(partnership)) == MENTEE_ALWAYS | {"linkedin"}


def test_viewing_the_partner_card_is_audited(client: Client) -> None:
    partnership, _mentor_user, mentee_user = _setup(shared=True)
    client.force_login(mentee_user)
    client.get(reverse("mentoring:partnership", args=[partnership.pk]))
    event = AuditEvent.objects.for_object(partnership.mentor_application).get(
        action="portal.personal_data.viewed"
    )
    assert event.actor == mentee_user
    assert set(event.new["fields"]) == MENTOR_ALWAYS | {"bio", "linkedin"}


@given(
    share_bio=st.booleans(),
    share_linkedin=st.booleans(),
    has_bio=st.booleans(),
    has_linkedin=st.booleans(),
    days_after_end=st.integers(min_value=-200, max_value=200),
    status=st.sampled_from(list(Partnership.Status)),
)
@settings(max_examples=60, deadline=None)
def test_projection_keys_follow_the_rules(
    share_bio: bool,
    share_linkedin: bool,
    has_bio: bool,
    has_linkedin: bool,
    days_after_end: int,
    status: Partnership.Status,
) -> None:
    """In memory, no database: the keys depend only on share flags, presence and liveness."""
    end = datetime.date(2026, 4, 30)
    programme = Programme(starts_on=datetime.date(2025, 12, 1), ends_on=end)
    extras = {
        "bio": "Some bio" if has_bio else "",
        "share_bio": share_bio,
        "linkedin": "https://www.linkedin.com/in/x" if has_linkedin else "",
        "share_linkedin": share_linkedin,
    }
    mentor = MentorApplication(
        name="M", email="m@example.com", courses="A, B", graduation_year=2010, country="FR",
        job_role="R", sectors=["policy"], capacity=2, **extras,
    )  # fmt: skip
    mentee = MenteeApplication(
        name="E", university_email="e@example.ac.uk", msc_programme="P", sectors=["law"],
        support_areas=["interviews"], preferred_countries="X", country="Y", **extras,
    )  # fmt: skip
    partnership = Partnership(
        programme=programme, mentor_application=mentor, mentee_application=mentee, status=status
    )
    today = end + datetime.timedelta(days=days_after_end)
    optional = {k for k in ("bio", "linkedin") if extras[k] and extras[f"share_{k}"]}
    live = status == Partnership.Status.ACTIVE and days_after_end <= 0
    assert set(mentor_card_for_mentee(partnership, today=today)) == (
        MENTOR_ALWAYS | optional if live else set()
    )
    assert set(mentee_card_for_mentor(partnership, today=today)) == (
        MENTEE_ALWAYS | optional if live else set()
    )


def test_no_card_for_anyone_but_the_partners() -> None:
    """Whatever queryset a page used, a stranger or a scheme admin gets no partner card."""
    partnership = pair()
    for outsider in (
        make_user(Role.STUDENT),
        make_user(Role.ALUMNUS),
        make_user(Role.SCHEME_ADMIN),
    ):
        card, _labels = partner_card_for(outsider, partnership)
        assert card == {}
    assert not AuditEvent.objects.filter(action="portal.personal_data.viewed").exists()
    mentor_sees, _ = partner_card_for(partnership.mentor_application.user, partnership)
    mentee_sees, _ = partner_card_for(partnership.mentee_application.user, partnership)
    assert mentor_sees["name"] == partnership.mentee_application.name
    assert mentee_sees["name"] == partnership.mentor_application.name


def test_pages_take_partner_cards_only_through_partner_card_for() -> None:
    """No view builds a card itself: the projections are called from sharing, services, jobs."""
    import ast
    from pathlib import Path

    projections = {"mentor_card_for_mentee", "mentee_card_for_mentor"}
    app = Path(__file__).resolve().parents[1]
    offending = []
    for path in sorted((app / "views").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            named = {node.id} if isinstance(node, ast.Name) else set()
            named |= {node.attr} if isinstance(node, ast.Attribute) else set()
            if isinstance(node, ast.ImportFrom):
                named |= {alias.name for alias in node.names}
            if named & projections:
                offending.append(f"{path.name}:{getattr(node, 'lineno', '?')}")
    assert not offending, offending
