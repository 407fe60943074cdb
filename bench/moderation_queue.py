"""Benchmark: the moderation queue page with 100,000 items, and screening throughput.

Run: ``.venv/bin/python bench/moderation_queue.py`` (uses PostgreSQL database
``bench_moderation`` on 127.0.0.1, created and migrated if needed; override with DATABASE_URL).
Writes ``bench/results/moderation_queue.txt``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_moderation"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from bench import fillers  # noqa: E402
from bench.support import ensure_postgres_database, percentile, sign_in  # noqa: E402

# Production-like request handling (no DEBUG query log), minus HTTPS redirects and the static
# manifest, which a benchmark run without collectstatic does not have.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 32)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("PORTAL_TESTING", "1")

ITEMS = 100_000
RUNS = 60
WARMUP = 5
SCREEN_TEXTS = 5_000

SAMPLE_TEXTS = fillers.MODERATION_TEXTS


def main() -> None:
    ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts_registry.models import OfficialAccount
    from moderation.models import Item, Suggestion
    from moderation.services.items import ItemData, items_import
    from portal.screening import RuleSet, screen_many

    # A large university's registry (5,000 accounts) besides the five busy channels: none of
    # them may cost the queue page anything (the channel filter is a search box).
    fillers.fill_accounts()
    data = fillers.fill_moderation(ITEMS)
    user, channels = data.moderator, data.channels

    client = Client()
    sign_in(client, user)
    url = reverse("moderation:queue")

    def timed(path: str, params: dict[str, str]) -> tuple[list[float], int, int]:
        for _ in range(WARMUP):
            assert client.get(path, params).status_code == 200
        samples = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(path, params)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            size = len(client.get(path, params).content)
        return samples, len(ctx.captured_queries), size

    scenarios = {
        "open queue, page 1": {},
        "open queue, one channel": {"channel": str(channels[2].pk)},
        "open queue, channel search 'bench_2'": {"channel_q": "bench_2"},
        "open queue, past target, due soonest": {"past_target": "on", "sort": "due"},
        "all states, page 100": {"state": "all", "page": "100"},
    }
    results = {name: timed(url, params) for name, params in scenarios.items()}

    baseline = []
    open_items = Item.objects.filter(state__in=Item.OPEN_STATES).order_by(
        "-priority", "created_at", "id"
    )
    for _ in range(WARMUP):
        list(open_items.values_list("pk", "text", "priority")[:50])
    for _ in range(RUNS):
        start = time.perf_counter()
        list(open_items.values_list("pk", "text", "priority")[:50])
        baseline.append((time.perf_counter() - start) * 1000)
    plan = open_items[:50].explain().splitlines()

    rng = random.Random(7)
    texts = [f"{rng.choice(SAMPLE_TEXTS)} #{n}" for n in range(SCREEN_TEXTS)]
    screen_many(texts[:10], rule_set=RuleSet.MODERATION)  # load the model once
    start = time.perf_counter()
    screen_many(texts, rule_set=RuleSet.MODERATION)
    screen_rate = SCREEN_TEXTS / (time.perf_counter() - start)

    import_channel = channels[0]
    rows = [ItemData(text=t, external_id=f"imp-{time.time_ns()}-{n}") for n, t in enumerate(texts)]
    start = time.perf_counter()
    result = items_import(
        actor=user, channel_id=import_channel.pk, rows=rows, source=Item.Source.API
    )
    import_rate = len(result.created) / (time.perf_counter() - start)
    start = time.perf_counter()
    again = items_import(
        actor=user, channel_id=import_channel.pk, rows=rows, source=Item.Source.API
    )
    reimport_ms = (time.perf_counter() - start) * 1000
    Item.objects.filter(pk__in=result.created).delete()

    lines = [
        "Moderation queue benchmark (bench/moderation_queue.py)",
        f"date: {timezone.now():%Y-%m-%d %H:%M %Z}",
        f"cores: {os.cpu_count()}; load average at the end: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (other test suites share this machine: figures are noisy)",
        f"database: {connection.vendor} {getattr(connection, 'pg_version', '')}",
        f"dataset: {Item.objects.count():,} items ({Item.objects.filter(state__in=Item.OPEN_STATES).count():,} open), "
        f"{Suggestion.objects.count():,} suggestions, {len(channels)} channels with items, "
        f"{OfficialAccount.objects.count():,} accounts in the registry",
        f"runs: {RUNS} per scenario after {WARMUP} warm-up requests; server time = Django test client "
        "round trip (middleware, session, permissions, queries, template)",
        "",
    ]
    for name, (samples, queries, size) in results.items():
        lines.append(
            f"queue page [{name}]: median {statistics.median(samples):.1f} ms, "
            f"p95 {percentile(samples, 0.95):.1f} ms, {queries} queries, {size / 1024:.0f} KB"
        )
    lines += [
        f"baseline (one query: first 50 open items in queue order): median "
        f"{statistics.median(baseline):.2f} ms, p95 {percentile(baseline, 0.95):.2f} ms",
        "plan of the page query: " + " / ".join(p.strip() for p in plan[:3]),
        "",
        f"screening throughput (screen_many, {SCREEN_TEXTS:,} texts): {screen_rate:,.0f} items/s",
        f"import throughput (items_import incl. screening, {SCREEN_TEXTS:,} rows): {import_rate:,.0f} items/s",
        f"re-import of the same {SCREEN_TEXTS:,} rows: {again.summary} in {reimport_ms:.0f} ms",
    ]
    out = ROOT / "bench" / "results" / "moderation_queue.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
