"""Benchmark: every beat task with 100,000 open objects, run twice.

Each scenario fills its table with ``OPEN`` open objects of which ``NEW`` are newly due (the
rest were reminded by earlier runs: the steady state of a large university), then runs the beat
task twice: the first run sends what is new, the second has nothing to do. Queries and seconds
of each run are recorded (statements as the database sees them, BEGIN and COMMIT included); an
idle run must be O(1) queries and a sending run O(batches). The scenarios are in one module
per app beside this one.

Run: ``.venv/bin/python -m bench.sweeps [task ...]`` (PostgreSQL database ``bench_sweeps`` on
127.0.0.1, created, migrated and emptied of earlier bench rows; override with DATABASE_URL).
Writes ``bench/results/sweeps.json``; naming tasks runs only those and merges their results
into the file.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
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
from bench.sweeps.accounts_sweeps import (  # noqa: E402
    accounts_advice,
    accounts_audits,
    accounts_inactivity,
    accounts_training,
)
from bench.sweeps.alumni_sweeps import alumni_verifications  # noqa: E402
from bench.sweeps.common import NEW, OPEN, measure  # noqa: E402
from bench.sweeps.groups_sweeps import groups_dispatch, groups_plans, groups_sla  # noqa: E402
from bench.sweeps.mentoring_sweeps import mentoring_daily  # noqa: E402
from bench.sweeps.moderation_sweeps import (  # noqa: E402
    moderation_escalations,
    moderation_removals,
    moderation_targets,
)
from bench.sweeps.platform_sweeps import outbox, retention  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "sweeps.json"


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
        "alumni-verification-reminders": (
            "pending graduate verifications",
            lambda: alumni_verifications(now),
        ),
        "accounts-training-expiry": (
            "administrators' training records",
            lambda: accounts_training(today),
        ),
        "accounts-advice-overdue": ("open advice requests", lambda: accounts_advice(now)),
        "moderation-escalation-reminders": (
            "escalations awaiting a reply",
            lambda: moderation_escalations(now),
        ),
        "moderation-response-targets": (
            "open items past their target",
            lambda: moderation_targets(now),
        ),
        "data-protection-retention": (
            "records under the retention rules (a fifth per rule)",
            lambda: retention(now),
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
