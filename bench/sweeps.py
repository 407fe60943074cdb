"""Benchmark: every beat task with 100,000 open objects, run twice.

Each scenario fills its table with ``OPEN`` open objects of which ``NEW`` are newly due (the
rest were reminded by earlier runs: the steady state of a large university), then runs the beat
task twice: the first run sends what is new, the second has nothing to do. Queries and seconds
of each run are recorded (statements as the database sees them, BEGIN and COMMIT included); an
idle run must be O(1) queries and a sending run O(batches).

Run: ``.venv/bin/python bench/sweeps.py`` (PostgreSQL database ``bench_sweeps`` on 127.0.0.1,
created, migrated and emptied of earlier bench rows; override with DATABASE_URL).
Writes ``bench/results/sweeps.json``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_sweeps"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 32)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("PORTAL_TESTING", "1")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
# No broker: what the sweeps queue after commit is published nowhere (the outbox keeps it).
os.environ["CELERY_BROKER_URL"] = "memory://"

from bench.support import ensure_postgres_database  # noqa: E402

OPEN = int(os.environ.get("BENCH_OPEN", "100000"))
NEW = OPEN // 100
RESULTS = ROOT / "bench" / "results" / "sweeps.json"


def measure(run: Callable[[], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
    return {"queries": len(captured), "seconds": round(seconds, 4), "result": result}


def reminded(kind: str, model: Any, pairs: list[tuple[int, str]]) -> None:
    """Mark ``pairs`` as reminded already, as earlier runs would have (bulk, no claims)."""
    from django.contrib.contenttypes.models import ContentType

    from portal.models import Reminder

    target_type = ContentType.objects.get_for_model(model)
    Reminder.objects.bulk_create(
        [
            Reminder(kind=kind, target_type=target_type, target_id=str(pk), period=period)
            for pk, period in pairs
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )


def clones(model: Any, original: Any, count: int, vary: Callable[[Any, int], None]) -> list[Any]:
    copies = []
    for n in range(count):
        copy = model.objects.get(pk=original.pk)
        copy.pk = None
        vary(copy, n)
        copies.append(copy)
    return list(model.objects.bulk_create(copies, batch_size=5000))


# --- Scenarios ---------------------------------------------------------------------------------


def groups_sla(now: datetime) -> Callable[[], Any]:
    import time_machine

    from groups.models import GroupRequest
    from groups.tasks import send_sla_reminders
    from groups.tests.factories import details, make_committee, make_group, make_member
    from portal.roles import Role
    from portal.tests.factories import make_user

    make_user(Role.ENGAGEMENT_MANAGER)
    group = make_group(name="Bench SLA group", slug="bench-sla")
    committee = make_committee(group)
    make_member(group)
    from groups.services.requests import request_submit

    with time_machine.travel(now - timedelta(days=10), tick=False):
        first = request_submit(actor=committee, group_id=group.pk, details=details())

    def vary(copy: Any, n: int) -> None:
        copy.due_at = now - timedelta(hours=1 + n % 500)

    made = [*clones(GroupRequest, first, OPEN - 1, vary), first]
    reminded("groups.sla.overdue", GroupRequest, [(r.pk, f"stage-{r.stage}") for r in made[NEW:]])
    return lambda: send_sla_reminders()


def groups_plans(today: date) -> Callable[[], Any]:
    from groups.jobs import plan_reminder_sweep
    from groups.models import AlumniGroup, CommitteeMembership
    from groups.tests.factories import make_committee, make_group

    group = make_group(name="Bench plan group", slug="bench-plan-0")
    make_committee(group)
    seat = CommitteeMembership.objects.get(group=group)

    def vary(copy: Any, n: int) -> None:
        copy.name, copy.slug = f"Bench plan group {n + 1}", f"bench-plan-{n + 1}"

    made = [group, *clones(AlumniGroup, group, OPEN - 1, vary)]
    CommitteeMembership.objects.bulk_create(
        [
            CommitteeMembership(
                group=g, user_id=seat.user_id, role=seat.role, started_at=seat.started_at
            )
            for g in made[1:]
        ],
        batch_size=5000,
    )
    reminded("groups.plan.reminder", AlumniGroup, [(g.pk, str(today.year)) for g in made[NEW:]])
    return lambda: plan_reminder_sweep(today=today)


def groups_dispatch(now: datetime) -> Callable[[], Any]:
    from groups.jobs import communication_dispatch_sweep
    from groups.models import Communication, Delivery, Membership
    from groups.services.communications import communication_create
    from groups.services.requests import request_schedule
    from groups.tests.factories import make_committee, make_group, make_member, make_request
    from portal.models import User
    from portal.roles import Role
    from portal.tests.factories import make_user

    group = make_group(name="Bench dispatch group", slug="bench-dispatch")
    committee = make_committee(group)
    staff = make_user(Role.ENGAGEMENT_STAFF)
    make_member(group)
    request = make_request(group, committee)
    request_schedule(actor=staff, request_id=request.pk, scheduled_for=now + timedelta(days=20))
    communication = communication_create(
        actor=staff, request_id=request.pk, subject="Later", body="Scheduled for later."
    )
    assert communication.status == Communication.Status.SCHEDULED
    users = User.objects.bulk_create(
        [User(email=f"bench.member{n}@example.com") for n in range(OPEN)], batch_size=5000
    )
    members = Membership.objects.bulk_create(
        [Membership(group=group, user=u, email_consent=True) for u in users], batch_size=5000
    )
    Delivery.objects.bulk_create(
        [
            Delivery(communication=communication, membership=m, recipient_id=m.user_id, batch=n)
            for n, m in enumerate(members)
        ],
        batch_size=5000,
    )
    return lambda: communication_dispatch_sweep(now=now)


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


def accounts_inactivity(now: datetime) -> Callable[[], Any]:
    import time_machine

    from accounts_registry.models import AdminAssignment, OfficialAccount
    from accounts_registry.tasks import run_inactivity_checks
    from accounts_registry.tests.factories import active_account, make_cast

    with time_machine.travel(now - timedelta(days=200), tick=False):
        cast = make_cast()
        account = active_account(cast)
    assignment = AdminAssignment.objects.filter(account=account).first()

    def vary(copy: Any, n: int) -> None:
        copy.handle = f"bench_inactive_{n}"
        # The old ones were reminded 10 days ago, inside the 30-day grace; the new are due.
        copy.inactivity_reminded_at = now - timedelta(days=10) if n >= NEW else None

    made = clones(OfficialAccount, account, OPEN, vary)
    OfficialAccount.objects.filter(pk=account.pk).update(inactivity_reminded_at=now)
    if assignment is not None:
        AdminAssignment.objects.bulk_create(
            [AdminAssignment(account=a, user_id=assignment.user_id) for a in made[:NEW]]
        )
    return lambda: run_inactivity_checks()


def accounts_audits(today: date) -> Callable[[], Any]:
    import time_machine

    from accounts_registry.jobs import audit_due_days
    from accounts_registry.models import AnnualAudit, OfficialAccount
    from accounts_registry.tasks import run_annual_audits
    from accounts_registry.tests.factories import active_account, make_cast

    with time_machine.travel(datetime(today.year - 1, 1, 2, 9, tzinfo=UTC), tick=False):
        cast = make_cast()
        account = active_account(cast)

    def vary(copy: Any, n: int) -> None:
        copy.handle = f"bench_audit_{n}"

    made = [account, *clones(OfficialAccount, account, OPEN - 1, vary)]
    # Audits opened for all but the new ones, due in five days (inside the reminder window).
    audits = AnnualAudit.objects.bulk_create(
        [
            AnnualAudit(account=a, year=today.year, due_on=today + timedelta(days=5))
            for a in made[NEW:]
        ],
        batch_size=5000,
    )
    reminded("accounts_registry.audit.reminder", AnnualAudit, [(a.pk, str(a.year)) for a in audits])
    assert audit_due_days() > 5
    return lambda: run_annual_audits()


def mentoring_daily(today: date) -> Callable[[], Any]:
    from mentoring.jobs import daily_sweep
    from mentoring.models import MenteeApplication, MentorApplication, Partnership
    from mentoring.tests.factories import make_mentee, make_mentor, make_programme

    programmes = 100
    per = OPEN // programmes
    start = today - timedelta(days=55)  # the first meeting was due on day 50; mid survey later
    first = make_programme(
        name="Bench programme 0", starts_on=start, ends_on=start + timedelta(days=150)
    )
    mentor = make_mentor(programme=first)
    mentee = make_mentee(programme=first)
    from portal.models import User

    mentor_users = [
        mentor.user,
        *User.objects.bulk_create(
            [User(email=f"bench.mentor{n}@example.com") for n in range(1, per)]
        ),
    ]
    mentee_users = [
        mentee.user,
        *User.objects.bulk_create(
            [User(email=f"bench.mentee{n}@example.com") for n in range(1, per)]
        ),
    ]
    pairs: list[Partnership] = []
    for p in range(programmes):
        programme = (
            first
            if p == 0
            else make_programme(
                name=f"Bench programme {p}", starts_on=start, ends_on=start + timedelta(days=150)
            )
        )

        def mentor_copy(copy: Any, n: int, programme: Any = programme) -> None:
            copy.programme, copy.user, copy.email = (
                programme,
                mentor_users[n],
                mentor_users[n].email,
            )

        def mentee_copy(copy: Any, n: int, programme: Any = programme) -> None:
            copy.programme, copy.user = programme, mentee_users[n]
            copy.university_email = mentee_users[n].email

        if p == 0:
            mentors = [
                mentor,
                *clones(MentorApplication, mentor, per - 1, lambda c, n: mentor_copy(c, n + 1)),
            ]
            mentees = [
                mentee,
                *clones(MenteeApplication, mentee, per - 1, lambda c, n: mentee_copy(c, n + 1)),
            ]
        else:
            mentors = clones(MentorApplication, mentor, per, mentor_copy)
            mentees = clones(MenteeApplication, mentee, per, mentee_copy)
        pairs += Partnership.objects.bulk_create(
            [
                Partnership(programme=programme, mentor_application=m, mentee_application=e)
                for m, e in zip(mentors, mentees, strict=True)
            ],
            batch_size=5000,
        )
    reminded("mentoring.meeting_behind", Partnership, [(p.pk, "meeting-1") for p in pairs[NEW:]])
    return lambda: daily_sweep()


def moderation_removals(now: datetime) -> Callable[[], Any]:
    from moderation.jobs import REMINDER_KIND, removal_reminders_sweep
    from moderation.models import RemovalRequest
    from moderation.services.removals import removal_request_create
    from portal.roles import Role
    from portal.tests.factories import make_user

    comms = make_user(Role.COMMS_STAFF)
    first = removal_request_create(
        actor=comms,
        owner_name="Owner",
        owner_email="owner@example.com",
        content_description="A photo",
        reason="Personal data (001 §4.7.4.8)",
        deadline=now + timedelta(hours=10),
    )

    def vary(copy: Any, n: int) -> None:
        copy.owner_email = f"owner{n}@example.com"

    made = [first, *clones(RemovalRequest, first, OPEN - 1, vary)]
    reminded(REMINDER_KIND, RemovalRequest, [(r.pk, "before") for r in made[NEW:]])
    return lambda: removal_reminders_sweep(now=now)


def moderation_targets(now: datetime) -> Callable[[], Any]:
    from moderation.jobs import TARGET_REMINDER_KIND, response_target_sweep
    from moderation.models import Item
    from moderation.services.items import ItemData, item_create
    from moderation.tests.factories import make_account_admin, make_channel
    from portal.roles import Role
    from portal.tests.factories import make_user

    comms = make_user(Role.COMMS_STAFF)
    channels = [make_channel() for _ in range(50)]
    for channel in channels:
        make_account_admin(channel)
    first, _ = item_create(actor=comms, channel_id=channels[0].pk, data=ItemData(text="Hello"))

    def vary(copy: Any, n: int) -> None:
        # Past the due time, not yet at the comms alert: the first stage is what is at stake.
        copy.channel = channels[n % len(channels)]
        copy.due_at, copy.alert_at = now - timedelta(minutes=5), now + timedelta(hours=1)

    made = clones(Item, first, OPEN, vary)
    Item.objects.filter(pk=first.pk).delete()
    reminded(TARGET_REMINDER_KIND, Item, [(i.pk, "admins") for i in made[NEW:]])
    return lambda: response_target_sweep(now=now)


def main() -> None:
    ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    now = timezone.now()
    today = timezone.localdate(now)
    scenarios: dict[str, tuple[str, Callable[[], Callable[[], Any]]]] = {
        "deliver-outbox": ("outbox emails", outbox),
        "groups-sla-reminders": ("requests on the team's clock", lambda: groups_sla(now)),
        "groups-dispatch-communications": (
            "queued deliveries of a scheduled email",
            lambda: groups_dispatch(now),
        ),
        "groups-annual-plan-reminders": (
            "groups without a plan",
            lambda: groups_plans(date(today.year + 1, 1, 10)),
        ),
        "accounts-inactivity": ("silent accounts", lambda: accounts_inactivity(now)),
        "accounts-annual-audits": ("open audits", lambda: accounts_audits(today)),
        "mentoring-meeting-reminders": ("active pairs behind", lambda: mentoring_daily(today)),
        "moderation-removal-reminders": ("removal requests", lambda: moderation_removals(now)),
        "moderation-response-targets": (
            "open items past their target",
            lambda: moderation_targets(now),
        ),
    }
    only = set(sys.argv[1:])
    results: dict[str, Any] = {}
    for name, (objects, setup) in scenarios.items():
        if only and name not in only:
            continue
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        run = setup()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        fill = time.perf_counter() - started
        with time_machine.travel(now, tick=True):
            first = measure(run)
            second = measure(run)
        results[name] = {
            "open_objects": OPEN,
            "objects": objects,
            "newly_due": NEW,
            "fill_seconds": round(fill, 1),
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "first_run": first,
            "second_run": second,
        }
        print(name, json.dumps(results[name], default=str), flush=True)
        # Written after each scenario, merged with the file's others when only some were run.
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        existing = json.loads(RESULTS.read_text()) if RESULTS.exists() and only else {}
        existing.update(results)
        RESULTS.write_text(json.dumps(existing, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
