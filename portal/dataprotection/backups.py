"""Backups that restore: PostgreSQL custom-format dumps, SQLite online backups.

``backup_create`` writes one file; ``backup_restore`` loads it into an EMPTY database (it
refuses one that already has tables, so a restore never mixes two databases). PostgreSQL uses
``pg_dump --format=custom`` and ``pg_restore``, whose major version must be at least the
server's; SQLite uses the online backup API (a consistent copy while the site runs).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.errors import DomainError


class BackupError(DomainError):
    """A backup or restore that cannot go ahead; the message says why."""


def _target(database_url: str | None) -> dict[str, Any]:
    if database_url:
        config: dict[str, Any] = dict(dj_database_url.parse(database_url))
        return config
    return dict(settings.DATABASES["default"])


def _is_postgres(config: dict[str, Any]) -> bool:
    return "postgresql" in str(config["ENGINE"])


def _pg_env(config: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if config.get(key):
            env[var] = str(config[key])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return env


def _tool(name: str) -> str:
    """The absolute path of a PostgreSQL client tool on PATH."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    return found


def _major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    if match is None:
        raise BackupError(f"Cannot read a version from {text!r}.")
    return int(match.group(1))


def _check_client_version(tool: str, config: dict[str, Any]) -> None:
    """pg_dump/pg_restore older than the server cannot read its catalogue: refuse early."""
    try:
        # The PostgreSQL client tools, found on PATH; arguments are a list (no shell).
        client = subprocess.run(  # noqa: S603
            [_tool(tool), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BackupError(f"{tool} is not available: {exc}") from exc
    server = _psql_scalar(config, "SHOW server_version")
    if _major(client.split("(PostgreSQL)")[-1]) < _major(server):
        raise BackupError(f"{tool} ({client.strip()}) is older than the server ({server}).")


def _psql_scalar(config: dict[str, Any], sql: str) -> str:
    import psycopg2

    conn = psycopg2.connect(
        dbname=config["NAME"],
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else ""


def default_backup_path() -> Path:
    suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BACKUP_DIR) / f"portal-{stamp}.{suffix}"


def backup_create(*, output: Path | None = None, database_url: str | None = None) -> Path:
    """Back up the configured (or given) database to ``output``; returns the file written."""
    config = _target(database_url)
    path = Path(output) if output else default_backup_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if _is_postgres(config):
        _check_client_version("pg_dump", config)
        # The PostgreSQL client tools, found on PATH; arguments are a list (no shell).
        result = subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}", config["NAME"]],
            env=_pg_env(config),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return path
    target = sqlite3.connect(str(path))
    try:
        if database_url:
            source = sqlite3.connect(str(config["NAME"]))
            try:
                source.backup(target)
            finally:
                source.close()
        else:
            # The site's own connection: also right for an in-memory database (the tests).
            connection.ensure_connection()
            live = connection.connection
            assert isinstance(live, sqlite3.Connection)
            live.backup(target)
    finally:
        target.close()
    return path


def backup_restore(*, source: Path, database_url: str | None = None) -> None:
    """Restore ``source`` into the configured (or given) database, which must be empty."""
    config = _target(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    if _is_postgres(config):
        tables = _psql_scalar(
            config,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
        )
        if int(tables or 0):
            raise BackupError("The target database is not empty: restore into a new database.")
        _check_client_version("pg_restore", config)
        # The PostgreSQL client tools, found on PATH; arguments are a list (no shell).
        result = subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={config['NAME']}",
                str(source),
            ],
            env=_pg_env(config),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    target_path = str(config["NAME"])
    target = sqlite3.connect(target_path)
    try:
        count = target.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        if count and count[0]:
            raise BackupError("The target database is not empty: restore into a new database.")
        backup = sqlite3.connect(str(source))
        try:
            with target:
                backup.backup(target)
        finally:
            backup.close()
    finally:
        target.close()
