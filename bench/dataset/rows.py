"""Writing generated rows fast: explicit ids, COPY on PostgreSQL, executemany on SQLite.

Rows are plain dicts keyed by attribute name (`person_id`, not `person`); a missing
field takes its model default. Ids are given here (the next free ones), so rows can
point at each other before anything is written, and sequences are moved past them.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


def next_id(model: type[models.Model]) -> int:
    """The first id free after the table's highest one."""
    top = model._default_manager.aggregate(m=models.Max("pk"))["m"]
    return int(top or 0) + 1


class Ids:
    """Hands out consecutive ids for one table."""

    def __init__(self, model: type[models.Model]) -> None:
        self.next = next_id(model)

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def uuid_from(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the generator's seeded random source."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _defaults(model: type[models.Model], rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.default is NOT_PROVIDED:
            continue
        if field.default is uuid.uuid4:
            out[field.attname] = None  # drawn per row, from the seed
        elif callable(field.default):
            out[field.attname] = field.default()
        else:
            out[field.attname] = field.default
    return out


def write(model: type[models.Model], rows: Iterable[dict[str, Any]], rng: random.Random) -> int:
    """Insert the rows (each with its `id`), then move the id sequence past them."""
    meta = model._meta
    fields = list(meta.concrete_fields)
    columns = [field.column for field in fields]
    defaults = _defaults(model, rng)
    uuid_fields = {f.attname for f in fields if f.default is uuid.uuid4}
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    count = 0
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)

    def values(row: dict[str, Any]) -> list[Any]:
        out = []
        for field in fields:
            name = field.attname
            if name in row:
                value = row[name]
            elif name in uuid_fields:
                value = uuid_from(rng)
            elif name in defaults:
                value = defaults[name]
            elif field.null:
                value = None
            elif isinstance(field, models.CharField | models.TextField):
                value = ""
            else:
                raise KeyError(f"{meta.label}.{name} has no value and no default")
            out.append(value)
        return out

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            json_positions = [i for i, f in enumerate(fields) if f.attname in json_fields]
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    vals = values(row)
                    for i in json_positions:
                        vals[i] = Jsonb(vals[i])
                    copy.write_row(vals)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (model names)
            batch: list[list[Any]] = []
            for row in rows:
                vals = values(row)
                batch.append(
                    [f.get_db_prep_save(v, connection) for f, v in zip(fields, vals, strict=True)]
                )
                count += 1
                if len(batch) >= 2000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    reset_sequence(model)
    return count


def reset_sequence(model: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's rowids follow the highest id by themselves
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def put(ctx: Any, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Write the rows and record how many, and how long it took, under the table's name."""
    import time

    start = time.perf_counter()
    n = write(model, rows, ctx.rng)
    ctx.add(model._meta.db_table, n, time.perf_counter() - start)
