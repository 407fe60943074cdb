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
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_groups"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from bench import fillers  # noqa: E402
from bench.support import ensure_postgres_database, percentile, sign_in  # noqa: E402

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 32)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("PORTAL_TESTING", "1")

GROUPS, MEMBERS, REQUESTS = fillers.GROUPS, fillers.MEMBERS, fillers.REQUESTS
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
    data = fillers.fill_groups()
    return data.staff, data.chair, data.slug


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
