"""Sweep bench scenarios of the platform: the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bench.sweeps.common import NEW, OPEN, clones


def outbox() -> Callable[[], Any]:
    from django.utils import timezone

    from portal.mail import email_build
    from portal.models import OutboundEmail
    from portal.tasks import deliver_pending_email

    template = email_build(to="x@example.com", subject="Bench", body_text="Hello")
    rows = []
    for n in range(OPEN):
        email = OutboundEmail(
            to=f"r{n}@example.com",
            subject=template.subject,
            body_text=template.body_text,
            body_html=template.body_html,
            category="bench",
        )
        if n >= NEW:
            email.status, email.sent_at, email.attempts = "sent", timezone.now(), 1
        rows.append(email)
    OutboundEmail.objects.bulk_create(rows, batch_size=5000)
    return lambda: deliver_pending_email()


def retention(now: datetime) -> Callable[[], Any]:
    """``OPEN`` records held under the retention rules, a fifth under each: outbox copies,
    sign-in sessions, group emails to members who left, applications of an ended mentoring
    programme, decided moderation items. Under each rule a hundredth is newly due; the rest
    were cleared by earlier runs (sessions: not yet expired), so a run has ``NEW`` to clear."""
    from django.conf import settings
    from django.contrib.sessions.models import Session

    from groups.models import Communication, Delivery, Membership
    from groups.tests.factories import make_group, make_request
    from mentoring.models import MenteeApplication, MentorApplication
    from mentoring.tests.factories import make_mentee, make_mentor, make_programme
    from moderation.jobs import RETAINED_TEXT
    from moderation.models import Decision, Item
    from moderation.tests.factories import make_channel
    from portal.dataprotection.retention import retention_sweep
    from portal.models import OutboundEmail, User
    from portal.roles import Role
    from portal.tests.factories import make_user

    per = OPEN // 5
    due = per // 100
    staff = make_user(Role.COMMS_STAFF)
    users = User.objects.bulk_create(
        [User(email=f"bench.person{n}@example.com") for n in range(per)], batch_size=5000
    )

    # The outbox: sent long ago.
    old_sent = now - timedelta(days=settings.RETENTION_OUTBOX_DAYS + 10)
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                to=f"r{n}@example.com" if n < due else "",
                subject="Bench",
                body_text="Hello" if n < due else "",
                status=OutboundEmail.Status.SENT,
                sent_at=old_sent,
                created_at=old_sent,
                attempts=1,
                category="bench",
            )
            for n in range(per)
        ],
        batch_size=5000,
    )

    # Sessions: the first expired, the others current.
    Session.objects.bulk_create(
        [
            Session(
                session_key=f"bench-session-{n:08d}",
                session_data="x",
                expire_date=now - timedelta(hours=1) if n < due else now + timedelta(days=7),
            )
            for n in range(per)
        ],
        batch_size=5000,
    )

    # Group emails (recent, so not the outbox rule's) to members who left long ago.
    left = now - timedelta(days=31 * (settings.RETENTION_UNSUBSCRIBED_MONTHS + 1))
    group = make_group(name="Bench retention group", slug="bench-retention")
    communication = Communication.objects.create(
        request=make_request(group), subject="News", body="Hello", created_by=staff
    )
    members = Membership.objects.bulk_create(
        [Membership(group=group, user=u, left_at=left) for u in users], batch_size=5000
    )
    emails = OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                to=m.user.email if n < due else "",
                subject="News",
                body_text="Hello" if n < due else "",
                status=OutboundEmail.Status.SENT,
                sent_at=now,
                attempts=1,
                category="groups.communication",
            )
            for n, m in enumerate(members)
        ],
        batch_size=5000,
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                communication=communication,
                recipient_id=m.user_id,
                membership=m,
                batch=n // 200,
                status=Delivery.Status.SENT,
                email=e,
            )
            for n, (m, e) in enumerate(zip(members, emails, strict=True))
        ],
        batch_size=5000,
    )

    # Applications of a programme that ended long ago: half mentors, half mentees.
    long_ago = now.date() - timedelta(days=31 * (settings.RETENTION_MENTORING_MONTHS + 2))
    ended = make_programme(
        name="Bench ended programme",
        starts_on=long_ago - timedelta(days=120),
        ends_on=long_ago,
        applications_open=long_ago - timedelta(days=200),
        applications_close=long_ago - timedelta(days=130),
    )
    mentor, mentee = make_mentor(programme=ended), make_mentee(programme=ended)
    half = per // 2

    def mentor_copy(copy: Any, n: int) -> None:
        copy.user = users[n]
        copy.email = users[n].email if n < due // 2 else ""

    def mentee_copy(copy: Any, n: int) -> None:
        copy.user = users[half + n]
        copy.university_email = users[half + n].email if n < due // 2 else ""

    clones(MentorApplication, mentor, half - 1, mentor_copy)
    clones(MenteeApplication, mentee, half - 1, mentee_copy)
    MentorApplication.objects.filter(pk=mentor.pk).update(email="")
    MenteeApplication.objects.filter(pk=mentee.pk).update(university_email="")

    # Moderation items decided long ago.
    channel = make_channel()
    decided = now - timedelta(days=31 * (settings.RETENTION_MODERATION_MONTHS + 1))
    items = Item.objects.bulk_create(
        [
            Item(
                channel=channel,
                text=f"Old comment {n}" if n < due else RETAINED_TEXT,
                author_handle=f"@author{n}" if n < due else "",
                state=Item.State.DECIDED,
            )
            for n in range(per)
        ],
        batch_size=5000,
    )
    Decision.objects.bulk_create(
        [
            Decision(
                item=item,
                outcome=Decision.Outcome.KEEP,
                reason="Fine",
                decided_by=staff,
                decided_at=decided,
            )
            for item in items
        ],
        batch_size=5000,
    )
    return lambda: retention_sweep()
