"""Benchmark the internal directory of official accounts with 5,000 accounts.

Run: cd /work/main && .venv/bin/python bench/accounts_registry_directory.py
Uses a throwaway PostgreSQL database (``bench_accounts_registry``, created if missing; override
with BENCH_DATABASE_URL), migrates it, bulk-creates 5,000 accounts with two admins each, then
times the directory page through django.test.Client (server time: middleware, view, queries,
template) against a one-query baseline that fetches the same page of rows with values_list.
Writes bench/results/accounts_registry_directory.txt.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_accounts_registry"
)
os.environ["DATABASE_URL"] = DB_URL

from bench import fillers  # noqa: E402
from bench.support import ensure_postgres_database, percentile, sign_in  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("PORTAL_TESTING", "1")  # fast password hashing for the bench users

N_ACCOUNTS = 5_000
RUNS = 60
WARMUP = 5


def main() -> None:
    ensure_postgres_database(DB_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from accounts_registry.models import AdminAssignment, OfficialAccount
    from accounts_registry.views.staff import DIRECTORY_PAGE_SIZE
    from portal.models import User

    AdminAssignment.objects.all().delete()
    OfficialAccount.objects.all().delete()
    User.objects.filter(email__startswith="bench-").delete()
    viewer = fillers.fill_accounts(N_ACCOUNTS).viewer
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")

    client = Client()
    sign_in(client, viewer)
    url = "/social/directory/"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    view_queries = len(captured)

    def time_view() -> float:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200
        return elapsed * 1000

    def time_baseline() -> float:
        start = time.perf_counter()
        rows = list(
            OfficialAccount.objects.order_by("platform", "handle").values_list(
                "id", "name", "handle", "platform", "status", "unit__name"
            )[:DIRECTORY_PAGE_SIZE]
        )
        elapsed = time.perf_counter() - start
        assert len(rows) == DIRECTORY_PAGE_SIZE
        return elapsed * 1000

    for _ in range(WARMUP):
        time_view()
        time_baseline()
    view_ms = [time_view() for _ in range(RUNS)]
    base_ms = [time_baseline() for _ in range(RUNS)]
    report = "\n".join(
        [
            "accounts_registry directory benchmark",
            f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            f"cores: {os.cpu_count()}",
            f"database: {connection.vendor}",
            f"dataset: {N_ACCOUNTS} accounts, {2 * N_ACCOUNTS} current admin assignments, "
            f"page size {DIRECTORY_PAGE_SIZE}",
            f"runs: {RUNS} (after {WARMUP} warm-up)",
            f"directory view queries per request: {view_queries} (incl. session, user, roles, 2FA)",
            f"directory page (Client, server time): median {statistics.median(view_ms):.1f} ms, "
            f"p95 {percentile(view_ms, 0.95):.1f} ms",
            f"baseline (one values_list query for the page): median "
            f"{statistics.median(base_ms):.2f} ms, p95 {percentile(base_ms, 0.95):.2f} ms",
            "",
        ]
    )
    out = ROOT / "bench" / "results" / "accounts_registry_directory.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
