"""Reading a Loomio group export line by line.

Loomio's `GroupExportService.export` writes one JSON object per line:
`{"table": "<table name>", "record": {<the row as Rails' as_json gives it>}}`.
The file is never loaded whole: `read_lines` yields one parsed line at a time, and a
line that cannot be read becomes a `LineError` carrying its number (1-based).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class LineError:
    """A line the import refuses, by number, with a message for a person."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Line:
    number: int
    table: str
    record: dict[str, Any]


class LineUnreadable(Exception):
    def __init__(self, error: LineError) -> None:
        super().__init__(str(error))
        self.error = error


def _parse(number: int, raw: bytes) -> Line:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LineUnreadable(LineError(number, _("the line is not UTF-8 text"))) from None
    try:
        data = json.loads(text)
    except ValueError:
        raise LineUnreadable(LineError(number, _("the line is not valid JSON"))) from None
    if not isinstance(data, dict):
        raise LineUnreadable(LineError(number, _("the line is not a JSON object")))
    table = data.get("table")
    if not isinstance(table, str) or not table:
        raise LineUnreadable(LineError(number, _("the line has no “table”")))
    record = data.get("record")
    if not isinstance(record, dict):
        raise LineUnreadable(LineError(number, _("the line has no “record” object")))
    return Line(number, table, record)


def read_lines(
    path: Path | str, *, tables: frozenset[str] | None = None, digest: Any = None
) -> Iterator[Line | LineError]:
    """Every non-blank line of the file, parsed, or the error that stops it.

    With `tables`, lines of other tables are skipped before being parsed when their
    text cannot be of those tables (a cheap check on the raw bytes); `digest`, a hashlib
    object, is fed every byte of the file.
    """
    needles = [f'"{name}"'.encode() for name in tables] if tables is not None else None
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if digest is not None:
                digest.update(raw)
            if not raw.strip():
                continue
            if needles is not None and not any(needle in raw for needle in needles):
                continue
            try:
                line = _parse(number, raw)
            except LineUnreadable as exc:
                yield exc.error
                continue
            if tables is not None and line.table not in tables:
                continue
            yield line


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
