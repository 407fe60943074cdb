"""Bench-scale data shared by the benchmarks, each filler idempotent (skips what is there).

* ``fill_groups``: 300 groups, 50,000 memberships, 60,000 group requests over 18 months;
* ``fill_accounts``: 5,000 official accounts with two administrators each;
* ``fill_moderation``: 100,000 moderation items (with their suggestions) on five channels;
* ``fill_mentoring``: one programme with 2,000 mentor and 5,000 mentee applications, 1,500 pairs.

Django must be set up (and the database migrated) before any of these is called.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

GROUPS = 300
MEMBERS = 50_000
PEOPLE = 20_000
REQUESTS = 60_000
ACCOUNTS = 5_000
ITEMS = 100_000
MENTORS = 2_000
MENTEES = 5_000
PAIRS = 1_500

MODERATION_TEXTS = [
    "Congratulations to all our graduates this week!",
    "When does the library open during the holidays?",
    "The new timetable is a shambles and nobody consulted students.",
    "This is bullshit and you know it",
    "You're a fucking disgrace, all of you",
    "Great prizes! Click here to win bit.ly/3xYzAbc",
    "Contact her on jane.smith@gmail.com",
    "Ring him on 07700 900123 tonight",
    "I know where you live, watch your back",
    "No women allowed at this networking evening",
    "Buy now! Limited time offer on all our courses",
    "Please donate to my gofundme.com/f/help-me",
    "Support our charity appeal this Christmas",
    "Brilliant lecture today, thank you Dr Patel.",
    "Looking forward to the careers in fundraising panel next week.",
    "Is the alumni reunion on the 14th or the 15th?",
]
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def analyze(*tables: str) -> None:
    """After a bulk fill, what autovacuum would soon do (PostgreSQL only): the planner's
    statistics, and the visibility map that lets counts be answered from an index alone."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(tables) if tables else "VACUUM ANALYZE")


@dataclass(frozen=True)
class GroupsData:
    staff: Any
    chair: Any
    slug: str


def fill_groups() -> GroupsData:
    """300 groups, 50,000 memberships of 20,000 people, 60,000 requests over 18 months."""
    from django.utils import timezone

    from groups.models import AlumniGroup, GroupRequest, Membership
    from groups.services.groups import committee_appoint
    from portal.models import User
    from portal.roles import Role
    from portal.tests.factories import make_user

    slug = "bench-group-0"
    if AlumniGroup.objects.filter(slug=slug).exists() and GroupRequest.objects.count() >= REQUESTS:
        return GroupsData(
            User.objects.get(email="bench.staff@example.ac.uk"),
            User.objects.get(email="bench.chair@example.com"),
            slug,
        )
    rng = random.Random(7)
    staff = make_user(Role.ENGAGEMENT_STAFF, email="bench.staff@example.ac.uk")
    chair = make_user(Role.ALUMNUS, email="bench.chair@example.com")
    kinds = list(AlumniGroup.Kind.values)
    groups = AlumniGroup.objects.bulk_create(
        [
            AlumniGroup(name=f"Bench group {i}", slug=f"bench-group-{i}", kind=kinds[i % 4])
            for i in range(GROUPS)
        ]
    )
    committee_appoint(actor=staff, group_id=groups[0].pk, user_id=chair.pk, role="chair")
    people = User.objects.bulk_create(
        [
            User(email=f"bench.member{i}@example.com", first_name="Member", last_name=str(i))
            for i in range(PEOPLE)
        ],
        batch_size=5000,
    )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < MEMBERS:
        pairs.add((rng.randrange(GROUPS), rng.randrange(PEOPLE)))
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(
                group=groups[g],
                user=people[p],
                email_consent=rng.random() < 0.7,
                consent_changed_at=now,
            )
            for g, p in pairs
        ],
        batch_size=5000,
    )
    statuses = [
        (GroupRequest.Status.SENT, 0.6),
        (GroupRequest.Status.DECLINED, 0.1),
        (GroupRequest.Status.SUBMITTED, 0.1),
        (GroupRequest.Status.IN_PROGRESS, 0.1),
        (GroupRequest.Status.CHANGES_REQUESTED, 0.05),
        (GroupRequest.Status.SCHEDULED, 0.05),
    ]
    rows = []
    for i in range(REQUESTS):
        status = rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
        submitted = now - timedelta(minutes=rng.randrange(60 * 24 * 540))
        responded = submitted + timedelta(hours=rng.uniform(0.5, 90))
        due = submitted + timedelta(days=rng.choice([3, 4, 5]))
        answered = status != GroupRequest.Status.SUBMITTED
        rows.append(
            GroupRequest(
                group=groups[0] if i % 300 == 0 else groups[rng.randrange(GROUPS)],
                created_by=chair,
                kind=GroupRequest.Kind.NEWSLETTER,
                title=f"Request {i}",
                content="Bench content",
                status=status,
                submitted_at=submitted,
                due_at=None if status == GroupRequest.Status.CHANGES_REQUESTED else due,
                first_response_at=responded if answered else None,
                first_response_hours=round(rng.uniform(0.5, 30), 3) if answered else None,
                sent_at=due + timedelta(hours=rng.uniform(-60, 20))
                if status == GroupRequest.Status.SENT
                else None,
            )
        )
    GroupRequest.objects.bulk_create(rows, batch_size=5000)
    analyze()
    return GroupsData(staff, chair, slug)


@dataclass(frozen=True)
class AccountsData:
    viewer: Any
    first_account: Any


def fill_accounts(count: int = ACCOUNTS) -> AccountsData:
    """``count`` official accounts in 20 units, two of 40 staff administrators on each."""
    from accounts_registry.models import AdminAssignment, OfficialAccount
    from portal.models import OrgUnit, User
    from portal.roles import Role
    from portal.tests.factories import make_user

    viewer = User.objects.filter(email="bench-comms@example.ac.uk").first()
    if viewer is not None and OfficialAccount.objects.filter(handle="unibench0").exists():
        return AccountsData(viewer, OfficialAccount.objects.get(handle="unibench0"))
    units = [
        OrgUnit.objects.get_or_create(
            slug=f"bench-unit-{i}", defaults={"name": f"Bench unit {i}", "kind": "school"}
        )[0]
        for i in range(20)
    ]
    viewer = viewer or make_user(Role.COMMS_STAFF, email="bench-comms@example.ac.uk")
    admins = [make_user(Role.STAFF, email=f"bench-admin{i}@example.ac.uk") for i in range(40)]
    platforms = [choice for choice, _ in OfficialAccount.Platform.choices]
    accounts = OfficialAccount.objects.bulk_create(
        OfficialAccount(
            unit=units[i % len(units)],
            platform=platforms[i % len(platforms)],
            handle=f"unibench{i}",
            name=f"University bench account {i}",
            followers=i * 7,
        )
        for i in range(count)
    )
    AdminAssignment.objects.bulk_create(
        AdminAssignment(account=account, user=admins[(i + k) % len(admins)])
        for i, account in enumerate(accounts)
        for k in (0, 1)
    )
    analyze()
    return AccountsData(viewer, accounts[0])


@dataclass(frozen=True)
class ModerationData:
    moderator: Any
    channels: list[Any]


def fill_moderation(count: int = ITEMS) -> ModerationData:
    """``count`` items (states mixed, newest first) on five X channels, with their suggestions."""
    from django.utils import timezone

    from accounts_registry.models import OfficialAccount
    from moderation.models import Item, Suggestion
    from moderation.services.items import priority_for, suggest_many
    from portal.models import OrgUnit, User
    from portal.permissions import grant_role, roles_of
    from portal.roles import Role
    from portal.twofactor import has_totp, totp_enrol

    unit, _ = OrgUnit.objects.get_or_create(
        slug="bench-unit", defaults={"name": "Bench unit", "kind": OrgUnit.Kind.SCHOOL}
    )
    channels = [
        OfficialAccount.objects.get_or_create(
            platform=OfficialAccount.Platform.X,
            handle=f"bench_{n}",
            defaults={"unit": unit, "name": f"Bench {n}", "followers": 10 ** (n + 1)},
        )[0]
        for n in range(5)
    ]
    user = User.objects.filter(email="bench.comms@example.ac.uk").first()
    if user is None:
        user = User.objects.create_user(email="bench.comms@example.ac.uk", password="x" * 20)
    for role in (Role.STAFF, Role.COMMS_STAFF):
        if role not in roles_of(user):
            grant_role(user, role)
    if not has_totp(user):
        totp_enrol(user, BENCH_TOTP_SECRET)

    have = Item.objects.filter(channel__in=channels).count()
    if have >= count:
        return ModerationData(user, channels)
    rng = random.Random(42)
    pool = suggest_many(MODERATION_TEXTS)
    now = timezone.now()
    batch: list[Item] = []
    picks: list[int] = []
    for n in range(have, count):
        k = rng.randrange(len(MODERATION_TEXTS))
        channel = channels[n % len(channels)]
        state = rng.choice(["new", "new", "new", "claimed", "decided", "decided", "reopened"])
        batch.append(
            Item(
                channel=channel,
                text=MODERATION_TEXTS[k],
                external_id=f"bench-{n}",
                source=Item.Source.API,
                state=state,
                created_at=now - timedelta(minutes=n),
                priority=priority_for((s.category.severity for s in pool[k]), channel.followers),
            )
        )
        picks.append(k)
    created = Item.objects.bulk_create(batch, batch_size=5000)
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                item_id=item.pk,
                category=s.category,
                rule_code=s.rule_code,
                label=s.label,
                evidence=s.evidence,
                start=s.start,
                end=s.end,
            )
            for item, k in zip(created, picks, strict=True)
            for s in pool[k]
        ],
        batch_size=5000,
    )
    analyze("moderation_item", "moderation_suggestion")
    return ModerationData(user, channels)


def clones(model: Any, original: Any, count: int, vary: Callable[[Any, int], None]) -> list[Any]:
    """``count`` copies of ``original`` (a saved row), each changed by ``vary(copy, n)``."""
    import copy as copying

    from django.db.models.base import ModelState

    copies = []
    for n in range(count):
        row = copying.copy(original)
        row._state = ModelState()
        row.pk = None
        vary(row, n)
        copies.append(row)
    return list(model.objects.bulk_create(copies, batch_size=2000))


@dataclass(frozen=True)
class MentoringData:
    admin: Any
    programme: Any
    mentor: Any
    mentee: Any


def fill_mentoring() -> MentoringData:
    """One programme: 2,000 mentor and 5,000 mentee applications, 1,500 active partnerships."""
    from mentoring.models import MenteeApplication, MentorApplication, Partnership, Programme
    from mentoring.models.applications import ApplicationStatus
    from mentoring.tests.factories import make_mentee, make_mentor, make_programme
    from portal.models import User
    from portal.roles import Role
    from portal.tests.factories import make_user

    name = "Bench mentoring programme"
    programme = Programme.objects.filter(name=name).first()
    if programme is not None and programme.mentee_applications.count() >= MENTEES:
        first = programme.partnerships.order_by("pk").select_related(
            "mentor_application__user", "mentee_application__user"
        )[0]
        return MentoringData(
            User.objects.get(email="bench.scheme@example.ac.uk"),
            programme,
            first.mentor_application.user,
            first.mentee_application.user,
        )
    admin = make_user(Role.SCHEME_ADMIN, email="bench.scheme@example.ac.uk")
    programme = make_programme(name=name)
    mentor = make_mentor(programme=programme)
    mentee = make_mentee(programme=programme)
    mentor_users = [
        mentor.user,
        *User.objects.bulk_create(
            [User(email=f"bench.mentor{n}@example.com") for n in range(1, MENTORS)], batch_size=5000
        ),
    ]
    mentee_users = [
        mentee.user,
        *User.objects.bulk_create(
            [User(email=f"bench.mentee{n}@example.com") for n in range(1, MENTEES)], batch_size=5000
        ),
    ]
    rng = random.Random(11)

    def pick_status() -> str:
        return ApplicationStatus.WITHDRAWN if rng.random() < 0.1 else ApplicationStatus.SUBMITTED

    def mentor_copy(copy: Any, n: int) -> None:
        user = mentor_users[n + 1]
        copy.user, copy.email, copy.name = user, user.email, f"Mentor {n + 1:05d}"
        copy.status = pick_status()

    def mentee_copy(copy: Any, n: int) -> None:
        user = mentee_users[n + 1]
        copy.user, copy.university_email, copy.name = user, user.email, f"Mentee {n + 1:05d}"
        copy.status = pick_status()

    mentors = [mentor, *clones(MentorApplication, mentor, MENTORS - 1, mentor_copy)]
    mentees = [mentee, *clones(MenteeApplication, mentee, MENTEES - 1, mentee_copy)]
    Partnership.objects.bulk_create(
        [
            Partnership(programme=programme, mentor_application=m, mentee_application=e)
            for m, e in zip(mentors[:PAIRS], mentees[:PAIRS], strict=True)
        ],
        batch_size=5000,
    )
    analyze()
    return MentoringData(admin, programme, mentor.user, mentee.user)
