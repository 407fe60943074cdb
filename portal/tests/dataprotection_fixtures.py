"""A person with a sentinel in every kind of record the portal holds, for export and erasure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from accounts_registry.models import AdminAssignment
from groups.models import Membership, RequestMessage
from groups.services.groups import consent_withdraw, membership_join
from groups.tests.factories import make_group, make_request
from mentoring.models import Concern, Partnership
from mentoring.tests.factories import make_mentee, make_mentor, make_programme, match
from moderation.models import Incident
from moderation.tests.factories import make_channel
from portal.models import OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

EMAIL = "quentin.zabriskie@example.org"
FIRST, LAST = "Quentin", "Zabriskie"
SENTINELS = {
    "message": "SENTINEL-MESSAGE-7731",
    "concern": "SENTINEL-CONCERN-4410",
    "incident": "SENTINEL-INCIDENT-5521",
    "bio": "SENTINEL-MENTEE-BIO-3308",
    "access": "SENTINEL-ACCESS-LOG-6402",
    "sso": "SENTINEL-SSO-SUBJECT-8817",
}
PARTNER_UNSHARED = ("PARTNER-UNSHARED-BIO-991", "https://www.linkedin.com/in/unshared-mentor")
PARTNER_NAME = "Marguerite Oyelaran-Fitch"


@dataclass
class Subject:
    person: User
    membership: Membership
    partnership: Partnership


def make_subject() -> Subject:
    """Quentin: a student mentee, a group member who withdrew consent, a request's author of a
    message, a concern raiser, an incident reporter, a former account admin, an email recipient,
    a university single sign-on identity."""
    person = make_user(Role.STUDENT, Role.ALUMNUS, email=EMAIL, first_name=FIRST, last_name=LAST)
    group = make_group()
    membership = membership_join(actor=person, group_id=group.pk, consent=True)
    consent_withdraw(actor=person, membership_id=membership.pk)
    request = make_request(group)
    RequestMessage.objects.create(
        request=request, author=person, from_staff=False, body=SENTINELS["message"]
    )
    programme = make_programme()
    make_mentor(
        programme=programme,
        name=PARTNER_NAME,
        bio=PARTNER_UNSHARED[0],
        share_bio=False,
        linkedin=PARTNER_UNSHARED[1],
        share_linkedin=False,
    )
    make_mentee(
        programme=programme,
        user=person,
        name=f"{FIRST} {LAST}",
        university_email=EMAIL,
        bio=SENTINELS["bio"],
        share_bio=True,
    )
    (partnership,) = match(programme)
    Concern.objects.create(
        programme=programme,
        reporter=person,
        text=SENTINELS["concern"],
        status=Concern.Status.CLOSED,
    )
    Incident.objects.create(
        kind=Incident.Kind.POLICY_BREACH,
        title="Rude reply",
        description=SENTINELS["incident"],
        reported_by=person,
    )
    AdminAssignment.objects.create(
        account=make_channel(),
        user=person,
        reason=SENTINELS["access"],
        revoked_at=timezone.now() - datetime.timedelta(days=3),
    )
    OutboundEmail.objects.create(
        to=person.email,
        subject="Your mentoring partner",
        body_text=f"Dear {FIRST} {LAST}, your mentor is {PARTNER_NAME}.",
        status=OutboundEmail.Status.SENT,
    )
    # A university sign-in identity: its subject and the claims the provider sent are held.
    SocialAccount.objects.create(
        user=person,
        provider="university",
        uid=SENTINELS["sso"],
        extra_data={"email": EMAIL, "name": f"{FIRST} {LAST}", "sub": SENTINELS["sso"]},
    )
    return Subject(person=person, membership=membership, partnership=partnership)
