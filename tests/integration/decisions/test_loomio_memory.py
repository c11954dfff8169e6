"""The import streams: its memory does not follow the file's size."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from cercle.decisions.loomio.generate import write_export
from cercle.decisions.loomio.importer import loomio_import
from cercle.decisions.models import Comment, Vote

pytestmark = pytest.mark.django_db

RECORDS = 20_000
# The bound: 8 MiB of peak traced memory for a 20,000-record file of about 6.3 MB.
# Parsing that file whole takes about 34 MB (5.5 times its size); what the import keeps
# is one batch of 500 lines (and the rows and SQL made of them) plus the maps from
# Loomio ids to primary keys: about 5 to 6 MiB here, measured.
PEAK_BOUND = 8 * 1024 * 1024


def test_a_20000_record_import_keeps_peak_memory_bounded(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    counts = write_export(path, records=RECORDS, seed=7)
    size = path.stat().st_size
    started = time.monotonic()
    tracemalloc.start()
    try:
        report = loomio_import(actor=None, path=path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started
    assert report.lines == RECORDS
    assert Comment.objects.count() == counts["comments"]
    assert Vote.objects.count() == counts["stances"]
    print(f"\n{RECORDS} records, {size} bytes, peak {peak} bytes, {elapsed:.1f} s")
    assert peak < PEAK_BOUND
    assert peak < size * 2  # the file parsed whole would take 5.5 times its size
