"""Helpers shared by the benchmarks: a throwaway PostgreSQL database, percentiles, sign-in."""

from __future__ import annotations

from typing import Any


def ensure_postgres_database(url: str) -> None:
    """Create the database named at the end of ``url`` if it is missing (PostgreSQL only)."""
    if not url.startswith("postgres"):
        return
    import psycopg2
    from psycopg2 import sql

    base, name = url.rstrip("/").rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile, ``fraction`` in [0, 1] (0.95 for p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def sign_in(client: Any, user: Any) -> None:
    """Sign ``client`` in as ``user`` the way a real staff sign-in ends: with the second factor.

    The staff middleware refuses a session without a completed second factor in it, so a bare
    ``force_login`` would measure the redirect to the sign-in page instead of the page.
    """
    from portal.permissions import is_staff_member
    from portal.tests.factories import TEST_TOTP_SECRET, record_second_factor
    from portal.twofactor import has_totp, totp_enrol

    client.force_login(user)
    if is_staff_member(user):
        if not has_totp(user):
            totp_enrol(user, TEST_TOTP_SECRET)
        record_second_factor(client, user)
