"""Benchmark: every busy page through gunicorn and wrk, against a one-query baseline.

Fills PostgreSQL database ``bench_pages`` at bench scale (``bench.fillers``: 300 groups, 50,000
memberships, 60,000 group requests; 5,000 official accounts; 100,000 moderation items; 7,000
mentoring applications), skipping what is already there. Then starts ``gunicorn portal.wsgi -w 3``
on a free port of 127.0.0.1 (DEBUG off, Redis cache and broker on DB 13, the baseline view of
``PORTAL_BENCH_BASELINE`` mounted), signs each role in by making its session server-side (with
the second factor recorded for staff), and drives each page with ``wrk -c10 -t2 --latency``.

Per page: queries and bytes (once, through the test client), requests per second, p50 and p99,
and ratio = rps / the rps of the baseline run just before that page (the baseline is also run
first and last, for the record).

Run: ``.venv/bin/python bench/pages.py [--out NAME] [--seconds N] [page names...]``. Writes
``bench/results/NAME.json`` and ``NAME.txt`` (NAME defaults to ``pages``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_pages"
BENCH_ENV = {
    "DATABASE_URL": os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://postgres:postgres@127.0.0.1:5432/{BENCH_DB}"
    ),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    "CELERY_BROKER_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    "PORTAL_CACHE_PREFIX": "bench-pages",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 32,
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    # Plain static storage (no collectstatic manifest) and fast hashing for the bench users.
    "PORTAL_TESTING": "1",
    "PORTAL_BENCH_BASELINE": "1",
    # wrk asks the public lookup thousands of times a second from one address.
    "PORTAL_LOOKUP_LIMIT": "100000000/m",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(BENCH_ENV)

from bench import fillers  # noqa: E402
from bench.support import ensure_postgres_database, sign_in  # noqa: E402

STAFF_PAGE_LIMIT = 150 * 1024
WRK = "/usr/bin/wrk"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_user(email: str, *roles: Any, superuser: bool = False) -> Any:
    from portal.models import User
    from portal.tests.factories import make_user

    user = User.objects.filter(email=email).first()
    if user is None:
        user = make_user(*roles, email=email)
        if superuser:
            User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
            user.refresh_from_db()
    return user


def pages_to_measure() -> list[tuple[str, str, Any, bool]]:
    """(name, url, user or None, staff page) for every page, after filling the data."""
    from moderation.models import Item
    from portal.roles import Role

    groups = fillers.fill_groups()
    accounts = fillers.fill_accounts()
    moderation = fillers.fill_moderation()
    mentoring = fillers.fill_mentoring()
    item = Item.objects.filter(channel=moderation.channels[0], state="new").order_by("pk")[0]
    roles = {
        Role.ALUMNUS: groups.chair,
        Role.STUDENT: mentoring.mentee,
        Role.STAFF: bench_user("bench-admin0@example.ac.uk", Role.STAFF),
        Role.ENGAGEMENT_STAFF: groups.staff,
        Role.ENGAGEMENT_MANAGER: bench_user("bench.manager@example.ac.uk", Role.ENGAGEMENT_MANAGER),
        Role.COMMS_STAFF: moderation.moderator,
        Role.MARCOMMS_DIRECTOR: bench_user("bench.director@example.ac.uk", Role.MARCOMMS_DIRECTOR),
        Role.SCHEME_ADMIN: mentoring.admin,
        Role.PORTAL_ADMINISTRATOR: bench_user(
            "bench.padmin@example.ac.uk", Role.PORTAL_ADMINISTRATOR
        ),
        Role.DATA_PROTECTION_OFFICER: bench_user(
            "bench.dpo@example.ac.uk", Role.DATA_PROTECTION_OFFICER
        ),
    }
    superuser = bench_user("bench.super@example.ac.uk", Role.STAFF, superuser=True)
    programme = mentoring.programme.pk
    pages = [
        ("baseline", "/bench/baseline/", groups.staff, True),
        (
            "mentoring_admin_programme",
            f"/mentoring/manage/programmes/{programme}/",
            mentoring.admin,
            True,
        ),
        ("moderation_queue", "/moderation/", moderation.moderator, True),
        ("moderation_item", f"/moderation/items/{item.pk}/", moderation.moderator, True),
        ("sla_report", "/groups/staff/sla/", groups.staff, True),
        ("sla_report_csv", "/groups/staff/sla.csv", groups.staff, True),
        ("staff_request_queue", "/groups/staff/queue/", groups.staff, True),
        ("committee_request_list", f"/groups/g/{groups.slug}/committee/", groups.chair, False),
        ("account_directory", "/social/directory/", accounts.viewer, True),
    ]
    for role, user in roles.items():
        slug = role.name.lower()
        pages.append(
            (
                f"dashboard_{slug}",
                "/dashboard/",
                user,
                role != Role.ALUMNUS and role != Role.STUDENT,
            )
        )
    pages += [
        ("dashboard_mentor", "/dashboard/", mentoring.mentor, False),
        ("dashboard_superuser", "/dashboard/", superuser, True),
        ("public_home", "/", None, False),
        ("public_group_list", "/groups/", None, False),
        ("public_group_detail", "/groups/g/bench-group-1/", None, False),
        ("public_account_lookup", "/social/check/?platform=x&handle=unibench42", None, False),
        ("public_events", "/groups/events/", None, False),
        ("mentor_home", "/mentoring/", mentoring.mentor, False),
        ("mentee_home", "/mentoring/", mentoring.mentee, False),
    ]
    return pages


def session_cookie(user: Any, clients: dict[int, Any]) -> str:
    """A session made server-side for ``user`` (second factor recorded for staff)."""
    from django.conf import settings
    from django.test import Client

    if user.pk not in clients:
        client = Client()
        sign_in(client, user)
        clients[user.pk] = client
    return f"{settings.SESSION_COOKIE_NAME}={clients[user.pk].cookies[settings.SESSION_COOKIE_NAME].value}"


def count_once(client: Any, url: str) -> tuple[int, int, int]:
    """(status, queries, bytes) of one request through the test client, after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured), len(response.content)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return round(float(number) * _UNITS[unit], 2)


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests per second, p50, p99 and the non-2xx/3xx count from ``wrk --latency``."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {
        "rps": round(rps, 1),
        "p50_ms": to_ms(p50.group(1)) if p50 else None,
        "p99_ms": to_ms(p99.group(1)) if p99 else None,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def run_wrk(port: int, url: str, cookie: str | None, seconds: int) -> dict[str, Any]:
    """A short warm-up (every worker loads what the page needs), then the measured run."""
    header = ["-H", f"Cookie: {cookie}"] if cookie else []
    target = f"http://127.0.0.1:{port}{url}"
    warm = [WRK, "-c3", "-t1", "-d3s", "--timeout", "30s", *header, target]
    subprocess.run(warm, capture_output=True, check=True)
    drain(port)
    command = [WRK, "-c10", "-t2", f"-d{seconds}s", "--latency", "--timeout", "30s", *header]
    output = subprocess.run([*command, target], capture_output=True, text=True, check=True).stdout
    drain(port)
    return parse_wrk(output)


def drain(port: int) -> None:
    """Wait until the workers have finished what wrk left queued (requests of closed
    connections are still served): three probes answered at once mean three idle workers."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        started = time.monotonic()
        for _ in range(3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=300):
                pass
        if time.monotonic() - started < 0.5:
            return
        time.sleep(1)


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "portal.wsgi",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env={**os.environ, **BENCH_ENV},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()


def dataset() -> dict[str, int]:
    from accounts_registry.models import OfficialAccount
    from groups.models import AlumniGroup, GroupRequest, Membership
    from mentoring.models import MenteeApplication, MentorApplication
    from moderation.models import Item

    return {
        "groups": AlumniGroup.objects.count(),
        "memberships": Membership.objects.count(),
        "group_requests": GroupRequest.objects.count(),
        "official_accounts": OfficialAccount.objects.count(),
        "moderation_items": Item.objects.count(),
        "mentoring_applications": MentorApplication.objects.count()
        + MenteeApplication.objects.count(),
    }


def table(report: dict[str, Any]) -> str:
    lines = [
        "page benchmark (bench/pages.py): gunicorn -w 3, wrk -c10 -t2 "
        f"-d{report['seconds']}s, PostgreSQL, Redis",
        f"date: {report['date']}; cores: {report['cores']}; load average at start "
        f"{report['load_average_start']}, at end {report['load_average_end']}",
        "dataset: " + ", ".join(f"{k} {v:,}" for k, v in report["dataset"].items()),
        f"baseline rps: first {report['baseline_rps_first']}, last {report['baseline_rps_last']}, "
        f"mean {report['baseline_rps']}; each ratio uses the baseline run just before its page",
        "",
        f"{'page':<34}{'status':>6}{'queries':>8}{'KB':>8}{'rps':>9}{'p50 ms':>10}"
        f"{'p99 ms':>10}{'ratio':>7}  note",
    ]
    for name, row in report["pages"].items():
        notes = []
        if row["staff"] and row["bytes"] > STAFF_PAGE_LIMIT:
            notes.append("staff page over 150 KB")
        if row["non_2xx"] or row["timeouts"]:
            notes.append(f"{row['non_2xx']} non-2xx, {row['timeouts']} timeouts")
        if row["ratio"] < 0.33:
            notes.append("below 0.33")
        lines.append(
            f"{name:<34}{row['status']:>6}{row['queries']:>8}{row['bytes'] / 1024:>8.1f}"
            f"{row['rps']:>9}{row['p50_ms']!s:>10}{row['p99_ms']!s:>10}{row['ratio']:>7.3f}  "
            + "; ".join(notes)
        )
    return "\n".join(lines) + "\n"


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Before and after, page by page: ratio, rps, p50, queries and size."""
    lines = [
        f"before: {before['date']}, baseline {before['baseline_rps']} rps, load "
        f"{before['load_average_start']} -> {before['load_average_end']}",
        f"after:  {after['date']}, baseline {after['baseline_rps']} rps, load "
        f"{after['load_average_start']} -> {after['load_average_end']}",
        "",
        f"{'page':<34}{'ratio':>14}{'rps':>16}{'p50 ms':>20}{'queries':>10}{'KB':>16}",
    ]
    for name, new in after["pages"].items():
        old = before["pages"].get(name)
        if old is None:
            continue
        lines.append(
            f"{name:<34}{old['ratio']:>6.3f} -> {new['ratio']:<5.3f}"
            f"{old['rps']:>7} -> {new['rps']:<6}{old['p50_ms']!s:>9} -> {new['p50_ms']!s:<8}"
            f"{old['queries']:>4} -> {new['queries']:<3}"
            f"{old['bytes'] / 1024:>7.1f} -> {new['bytes'] / 1024:<6.1f}"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="pages")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("only", nargs="*")
    args = parser.parse_args()
    # Stopped from outside: unwind through the ``finally`` that stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    ensure_postgres_database(BENCH_ENV["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    pages = pages_to_measure()
    fill_seconds = round(time.perf_counter() - started, 1)
    from django.test import Client

    clients: dict[int, Any] = {}
    anonymous = Client()
    prepared = []
    for name, url, user, staff in pages:
        if args.only and name not in args.only and name != "baseline":
            continue
        cookie = session_cookie(user, clients) if user is not None else None
        client = clients[user.pk] if user is not None else anonymous
        status, queries, size = count_once(client, url)
        if status != 200:
            print(f"warning: {name} {url} answered {status}", flush=True)
        prepared.append((name, url, cookie, staff, status, queries, size))
    load_start = [round(x, 2) for x in os.getloadavg()]
    port = free_port()
    server = start_gunicorn(port)
    results: dict[str, Any] = {}
    try:
        baseline = next(p for p in prepared if p[0] == "baseline")
        for name, url, cookie, staff, status, queries, size in prepared:
            # The baseline again just before each page: on a shared machine the load moves
            # within one run, and the ratio compares the page with its neighbour in time.
            beside = (
                run_wrk(port, baseline[1], baseline[2], max(3, args.seconds // 2))["rps"]
                if name != "baseline"
                else None
            )
            figures = run_wrk(port, url, cookie, args.seconds)
            results[name] = {"url": url, "staff": staff, "status": status, "queries": queries}
            results[name] |= {"bytes": size, **figures, "baseline_rps_beside": beside}
            print(name, json.dumps(results[name]), flush=True)
        last = run_wrk(port, baseline[1], baseline[2], args.seconds)
    finally:
        stop(server)
    first_rps = results["baseline"]["rps"]
    baseline_rps = round((first_rps + last["rps"]) / 2, 1)
    for row in results.values():
        row["ratio"] = round(row["rps"] / (row["baseline_rps_beside"] or baseline_rps), 3)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "load_average_start": load_start,
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "seconds": args.seconds,
        "fill_seconds": fill_seconds,
        "dataset": dataset(),
        "baseline_rps_first": first_rps,
        "baseline_rps_last": last["rps"],
        "baseline_rps": baseline_rps,
        "pages": results,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.out}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / f"{args.out}.txt").write_text(table(report))
    print(table(report))
    before = out / "pages_before.json"
    if args.out != "pages_before" and before.exists():
        comparison = compare(json.loads(before.read_text()), report)
        (out / f"{args.out}_compare.txt").write_text(comparison)
        print(comparison)


if __name__ == "__main__":
    main()
