"""Backups that restore (issue 12, item 4): back up a seeded database, restore it into a fresh
one, compare every table's row count and a sample of records."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.dataprotection.backups import BackupError, backup_create, backup_restore
from portal.tests.dataprotection_fixtures import make_subject

SAMPLES = {
    "portal_user": "SELECT id, email, first_name, last_name FROM portal_user ORDER BY id",
    "portal_auditevent": "SELECT id, action, actor_label, target_label FROM portal_auditevent"
    " ORDER BY id",
    "groups_consentevent": "SELECT id, membership_id, given FROM groups_consentevent ORDER BY id",
    "mentoring_menteeapplication": "SELECT id, name, bio FROM mentoring_menteeapplication"
    " ORDER BY id",
}


def _pg_url(name: str) -> str:
    s = connection.settings_dict
    password = s.get("PASSWORD") or ""
    auth = f"{s['USER']}:{password}@" if password else f"{s['USER']}@"
    return f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _pg_connect(name: str) -> Any:
    import psycopg2

    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname=name,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s.get("PASSWORD") or None,
    )
    conn.autocommit = True
    return conn


def _pg_snapshot(name: str) -> dict[str, Any]:
    conn = _pg_connect(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            samples = {}
            for key, sql in SAMPLES.items():
                cursor.execute(sql)
                samples[key] = cursor.fetchall()
    finally:
        conn.close()
    return {"counts": counts, "samples": samples}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backup needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_a_fresh_database(tmp_path: Path) -> None:
    make_subject()
    source = str(connection.settings_dict["NAME"])
    fresh = f"{source}_restored"
    admin = _pg_connect("postgres")
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
            cursor.execute(f'CREATE DATABASE "{fresh}"')
        path = backup_create(output=tmp_path / "portal.dump", database_url=_pg_url(source))
        assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
        backup_restore(source=path, database_url=_pg_url(fresh))
        before, after = _pg_snapshot(source), _pg_snapshot(fresh)
        assert after == before
        assert before["counts"]["portal_auditevent"] > 0
        assert before["samples"]["mentoring_menteeapplication"]
        with pytest.raises(BackupError, match="not empty"):
            backup_restore(source=path, database_url=_pg_url(fresh))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def _sqlite_snapshot(conn: sqlite3.Connection) -> dict[str, Any]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
    ]
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    samples = {key: conn.execute(sql).fetchall() for key, sql in SAMPLES.items()}
    return {"counts": counts, "samples": samples}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant needs SQLite")
@pytest.mark.django_db(transaction=True)  # the online backup waits for open write transactions
def test_sqlite_backup_restores_into_a_fresh_database(tmp_path: Path) -> None:
    make_subject()
    path = backup_create(output=tmp_path / "portal.sqlite3")
    fresh = tmp_path / "fresh.sqlite3"
    backup_restore(source=path, database_url=f"sqlite:///{fresh}")
    live = connection.connection
    assert isinstance(live, sqlite3.Connection)
    restored = sqlite3.connect(str(fresh))
    try:
        before, after = _sqlite_snapshot(live), _sqlite_snapshot(restored)
    finally:
        restored.close()
    assert after == before and before["counts"]["portal_auditevent"] > 0
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(source=path, database_url=f"sqlite:///{fresh}")


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "nothing.dump"))
