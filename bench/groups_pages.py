"""Benchmark: the groups staff queue, SLA report and committee request list at scale.

300 groups, 50,000 memberships, 60,000 requests over 18 months. Each page is fetched through
the full Django stack (middleware, session, templates) with the test client; a one-query
baseline view is measured in the same run for comparison.

Run: ``.venv/bin/python bench/groups_pages.py`` (uses PostgreSQL database ``bench_groups`` on
127.0.0.1, created and migrated if needed; override with DATABASE_URL). Writes
``bench/results/groups_pages.json`` and ``bench/results/groups_pages.txt``.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_groups"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from bench.support import ensure_postgres_database, percentile, sign_in  # noqa: E402

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 32)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("PORTAL_TESTING", "1")

GROUPS = 300
MEMBERS = 50_000
PEOPLE = 20_000
REQUESTS = 60_000
RUNS = 30
WARMUP = 3


def baseline(request):  # type: ignore[no-untyped-def]
    """One query, a tiny template-free response: the floor of the stack."""
    from django.http import HttpResponse

    from groups.models import AlumniGroup

    return HttpResponse(str(AlumniGroup.objects.count()))


def build_urlconf() -> None:
    """Serve the portal's URLs plus the baseline view from this module."""
    from django.urls import path

    import portal.urls

    module = sys.modules[__name__]
    module.urlpatterns = [path("bench/baseline/", baseline), *portal.urls.urlpatterns]  # type: ignore[attr-defined]


def fill() -> tuple[object, object, str]:
    from django.utils import timezone

    from groups.models import AlumniGroup, GroupRequest, Membership
    from groups.services.groups import committee_appoint
    from portal.models import User
    from portal.roles import Role
    from portal.tests.factories import make_user

    if AlumniGroup.objects.count() >= GROUPS and GroupRequest.objects.count() >= REQUESTS:
        staff = User.objects.get(email="bench.staff@example.ac.uk")
        chair = User.objects.get(email="bench.chair@example.com")
        return staff, chair, "bench-group-0"
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
                first_response_at=None if status == GroupRequest.Status.SUBMITTED else responded,
                first_response_hours=None
                if status == GroupRequest.Status.SUBMITTED
                else round(rng.uniform(0.5, 30), 3),
                sent_at=due + timedelta(hours=rng.uniform(-60, 20))
                if status == GroupRequest.Status.SENT
                else None,
            )
        )
    GroupRequest.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return staff, chair, "bench-group-0"


def measure(client: object, url: str) -> dict[str, float]:
    timings = []
    for run in range(WARMUP + RUNS):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if run >= WARMUP:
            timings.append(elapsed)
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "runs": RUNS,
    }


def main() -> None:
    ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    build_urlconf()
    settings.ROOT_URLCONF = __name__
    from django.urls import clear_url_caches

    clear_url_caches()
    started = time.perf_counter()
    staff, chair, slug = fill()
    fill_seconds = round(time.perf_counter() - started, 1)

    staff_client, chair_client = Client(), Client()
    sign_in(staff_client, staff)
    sign_in(chair_client, chair)
    results = {
        "baseline_one_query": measure(staff_client, "/bench/baseline/"),
        "staff_queue": measure(staff_client, "/groups/staff/queue/"),
        "staff_queue_overdue_filter": measure(staff_client, "/groups/staff/queue/?due=overdue"),
        "sla_report": measure(staff_client, "/groups/staff/sla/"),
        "sla_report_csv": measure(staff_client, "/groups/staff/sla.csv"),
        "committee_request_list": measure(chair_client, f"/groups/g/{slug}/committee/"),
    }
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "dataset": {"groups": GROUPS, "memberships": MEMBERS, "requests": REQUESTS},
        "fill_seconds": fill_seconds,
        "results": results,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "groups_pages.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        "groups pages benchmark (bench/groups_pages.py)",
        f"date: {report['date']}; cores: {report['cores']}; database: {report['database']}",
        f"dataset: {GROUPS} groups, {MEMBERS} memberships, {REQUESTS} requests (18 months)",
        f"server time through the full Django stack, {RUNS} runs after {WARMUP} warm-up:",
    ]
    for name, figures in results.items():
        lines.append(
            f"  {name:<28} median {figures['median_ms']:>8} ms   p95 {figures['p95_ms']:>8} ms"
        )
    (out / "groups_pages.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
