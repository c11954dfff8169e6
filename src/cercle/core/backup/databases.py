"""Saving and restoring the database itself: `pg_dump`/`pg_restore` on PostgreSQL, the
online backup API on SQLite. Each dump comes with the facts read in the same snapshot."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils.translation import gettext as _

from cercle.core.backup.facts import Facts, read_facts

DUMP_NAMES = {"postgresql": "database/cercle.dump", "sqlite": "database/cercle.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why, for the operator,
    and `code` names the reason for programs: damaged, vendor, newer, holds_data, exists,
    tool, unsupported."""

    def __init__(self, message: str, *, code: str = "failed") -> None:
        super().__init__(message)
        self.code = code


def vendor_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor},
            code="unsupported",
        )
    return vendor


# --- PostgreSQL -------------------------------------------------------------------------


def postgres_tool(name: str) -> str:
    """`pg_dump` or `pg_restore` from PATH, else from the newest /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise BackupError(
        _("%(tool)s was not found: install the PostgreSQL client (postgresql-client).")
        % {"tool": name},
        code="tool",
    )


def postgres_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for the configured database: the password never shows in `ps`."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for variable, key in (
        ("PGSSLMODE", "sslmode"),
        ("PGSSLROOTCERT", "sslrootcert"),
        ("PGSSLCERT", "sslcert"),
        ("PGSSLKEY", "sslkey"),
        ("PGSERVICE", "service"),
        ("PGPASSFILE", "passfile"),
    ):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _run_tool(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as error:
        raise BackupError(f"{command[0]}: {error}", code="tool") from error
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit %(code)s): %(error)s")
            % {
                "tool": Path(command[0]).name,
                "code": done.returncode,
                "error": done.stderr.strip()[-2000:],
            },
            code="tool",
        )


def _postgres_dump(target: Path, alias: str) -> Facts:
    """`pg_dump --format=custom` in a snapshot exported by a read-only transaction, whose
    facts are read in that same snapshot: the counts describe exactly the dump."""
    wrapper = connections.create_connection(alias)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]

            def run(sql: str) -> list[Any]:
                cursor.execute(sql)
                return list(cursor.fetchall())

            tables = set(wrapper.introspection.table_names(cursor))
            facts = read_facts(run, tables)
            _run_tool(
                [
                    postgres_tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-password",
                    f"--file={target}",
                ],
                postgres_env(wrapper.settings_dict),
            )
            cursor.execute("COMMIT")
    finally:
        wrapper.close()
    return facts


def _postgres_restore(dump: Path, alias: str) -> None:
    """`pg_restore --clean --if-exists --no-owner` in one transaction: all or nothing."""
    connections[alias].close()
    _run_tool(
        [
            postgres_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={connections[alias].settings_dict['NAME']}",
            str(dump),
        ],
        postgres_env(connections[alias].settings_dict),
    )


# --- SQLite -----------------------------------------------------------------------------


def _sqlite_source(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_dump(target: Path, alias: str) -> Facts:
    """SQLite's online backup API: a consistent copy while others keep writing."""
    copy = sqlite3.connect(target)
    try:
        _sqlite_source(alias).backup(copy)
        # One self-contained file, without a -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        tables = {
            row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        facts = read_facts(lambda sql: copy.execute(sql).fetchall(), tables)
    finally:
        copy.close()
    return facts


def _sqlite_restore(copy_path: Path, alias: str) -> None:
    """Copy the archived file into the configured database with the backup API: one write
    transaction, so other connections see either the old database or the restored one
    (and no stale -wal file survives, as it could beside a replaced file)."""
    source = sqlite3.connect(f"file:{copy_path}?mode=ro", uri=True)
    try:
        connections[alias].close()
        source.backup(_sqlite_source(alias))
    except sqlite3.Error as error:
        raise BackupError(_("SQLite refused the restore: %(error)s") % {"error": error}) from error
    finally:
        source.close()
        connections[alias].close()


# --- Both -------------------------------------------------------------------------------


def dump_database(target: Path, alias: str = "default") -> Facts:
    if vendor_of(alias) == "postgresql":
        return _postgres_dump(target, alias)
    return _sqlite_dump(target, alias)


def restore_database(dump: Path, vendor: str, alias: str = "default") -> None:
    if vendor == "postgresql":
        _postgres_restore(dump, alias)
    else:
        _sqlite_restore(dump, alias)


def live_facts(alias: str = "default") -> Facts:
    """The facts of the configured database as it is now."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))

        def run(sql: str) -> list[Any]:
            cursor.execute(sql)
            return list(cursor.fetchall())

        return read_facts(run, tables)
