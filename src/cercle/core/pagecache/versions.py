"""Table versions: which tables a statement writes or reads, and the counters bumped after
each commit that wrote to them.

Every connection gets an execute wrapper (`track_writes`) when it opens. A statement
that writes (INSERT, UPDATE, DELETE) names its table; after the transaction commits,
that table's counter in `core_tableversion` goes up by one, in one statement per
transaction. A write in autocommit mode is counted at once, after the statement. A
statement that may write but whose table cannot be read off it (DDL, TRUNCATE, a
writing CTE) bumps the epoch `*`, on which everything depends.

Bumping *after* commit is what makes the counters honest: a reader that saw the old
counter read the data no later than the commit, so anything it cached is either already
new or keyed to a counter that is about to change. Counting too often is harmless (a
page is rendered again); only a missed count could show stale data. So a transaction's
tables are collected by one callback registered at the outermost level that wrote; a
savepoint rolled back inside it may leave its tables counted.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

EPOCH = "*"
TABLE = "core_tableversion"

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.IGNORECASE,
)
_READ_ONLY = (
    "SELECT",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "BEGIN",
    "COMMIT",
    "SET",
    "SHOW",
    "EXPLAIN",
    "PRAGMA",
    "VALUES",
    "VACUUM",
    "ANALYZE",
)
_WRITING_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Paused while `migrate` runs (the table may not exist yet); it bumps the epoch at the end.
_paused = False


def ignored_tables() -> frozenset[str]:
    """Tables whose writes do not change any page: the counters themselves, the sessions
    (checked row by row by the page cache) and the cache tables."""
    names = {TABLE, "django_session"}
    for config in settings.CACHES.values():
        if config.get("BACKEND", "").endswith("DatabaseCache"):
            names.add(config["LOCATION"])
    return frozenset(names)


@lru_cache(maxsize=1)
def known_tables() -> frozenset[str]:
    return (
        frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))
        - ignored_tables()
    )


def written_table(sql: str) -> str | None:
    """The table a statement writes, `*` when it may write an unknown table, or None."""
    head = sql.lstrip()[:10].upper()
    if head.startswith(_READ_ONLY):
        return None
    if head.startswith("WITH"):
        return EPOCH if _WRITING_WORD.search(sql) else None
    found = _WRITE.match(sql)
    if found is None:
        return EPOCH  # DDL, TRUNCATE, COPY…: count everything
    table = found.group(1)
    return None if table in ignored_tables() else table


def read_tables(sql: str) -> set[str]:
    """The known tables a statement names (quoted by the ORM or not, in raw SQL)."""
    return set(_WORD.findall(sql)) & known_tables()


class _Bump:
    """The after-commit callback of one transaction: bumps the tables it collected."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.tables: set[str] = set()

    def __call__(self) -> None:
        from django.db import connections

        bump(connections[self.alias], self.tables)


def bump(connection: BaseDatabaseWrapper, tables: Iterable[str]) -> None:
    """Add one to each table's counter (rows created at 1), in a fixed order."""
    names = sorted(set(tables))
    if not names or _paused:
        return
    values = ", ".join(["(%s, 1)"] * len(names))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (name, version) VALUES {values} "  # noqa: S608 (placeholders)
                f"ON CONFLICT (name) DO UPDATE SET version = {TABLE}.version + 1",
                names,
            )
    except DatabaseError:
        # After a commit, in autocommit: nothing to poison. Pages keep their short
        # lifetime (PAGE_CACHE_SECONDS) as the last guard.
        logger.exception("table versions not bumped: %s", names)


def note_write(connection: BaseDatabaseWrapper, table: str) -> None:
    if not connection.in_atomic_block:
        bump(connection, [table])
        return
    current = set(connection.savepoint_ids)
    for registered in connection.run_on_commit:  # (savepoint ids, callback, robust)
        sids, func = registered[0], registered[1]
        if isinstance(func, _Bump) and sids <= current:
            func.tables.add(table)
            return
    pending = _Bump(connection.alias)
    pending.tables.add(table)
    transaction.on_commit(pending, using=connection.alias, robust=True)


def track_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    if not _paused:
        table = written_table(sql)
        if table is not None:
            note_write(context["connection"], table)
    return result


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver: every connection tracks its writes."""
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_writes)


def pause(**kwargs: Any) -> None:
    """`pre_migrate`: migrations write tables that may not be counted yet."""
    global _paused
    _paused = True


def resume_and_bump_epoch(using: str = "default", **kwargs: Any) -> None:
    """`post_migrate`, and restores: every page computed before is stale.

    The epoch jumps to the clock in microseconds (or one more than it was): after a
    restore, the restored counters may be lower than some that pages were kept under,
    but no kept page can hold an epoch from the future."""
    global _paused
    _paused = False
    from django.db import connections

    floor = time.time_ns() // 1000
    try:
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (name, version) VALUES (%s, %s) "  # noqa: S608 (constant)
                f"ON CONFLICT (name) DO UPDATE SET version = CASE "
                f"WHEN {TABLE}.version + 1 > %s THEN {TABLE}.version + 1 ELSE %s END",
                [EPOCH, floor, floor, floor],
            )
    except DatabaseError:
        logger.exception("the epoch of table versions was not bumped")


def current(connection: BaseDatabaseWrapper, tables: Iterable[str] | None = None) -> dict[str, int]:
    """Counters of these tables (all when None); a table never written counts 0."""
    with connection.cursor() as cursor:
        if tables is None:
            cursor.execute(f"SELECT name, version FROM {TABLE}")  # noqa: S608 (constant)
        else:
            names = sorted(tables)
            marks = ", ".join(["%s"] * len(names))
            cursor.execute(
                f"SELECT name, version FROM {TABLE} WHERE name IN ({marks})",  # noqa: S608
                names,
            )
        return dict(cursor.fetchall())
