"""Properties of the Framavox (Loomio) import on generated exports of any size and
schema: any of them imports, a second run creates nothing, and one corrupted line,
wherever it is, makes the whole import refused with nothing written."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from cercle.core.models import JournalEntry, User
from cercle.decisions.loomio import mapping
from cercle.decisions.loomio.generate import write_export
from cercle.decisions.loomio.importer import ImportRefused, loomio_import
from cercle.decisions.models import (
    Comment,
    Group,
    GroupMembership,
    Outcome,
    PollOption,
    Proposal,
    Thread,
    Vote,
    VoteChoice,
)
from cercle.network.models import Person

MODELS = (
    User,
    Person,
    Group,
    GroupMembership,
    Thread,
    Comment,
    Proposal,
    PollOption,
    Vote,
    VoteChoice,
    Outcome,
    JournalEntry,
)
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
exports = st.tuples(
    st.integers(min_value=12, max_value=160),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(["newer", "older"]),
)


def snapshot() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def corrupt(line: str, how: str) -> bytes:
    data = json.loads(line)
    record = data["record"]
    imported = data["table"] in mapping.IMPORTED_TABLES
    if how == "truncate":
        return line[: len(line) // 2].encode()
    if how == "no_table":
        del data["table"]
    elif how == "record_not_object":
        data["record"] = [record]
    elif how == "not_utf8":
        return line.encode()[:-1] + b"\xff"
    elif not imported:  # content is only read for the tables Cercle imports
        del data["record"]
    elif how == "dangling_reference" and any(
        record.get(name) is not None for name, _t, _r in mapping.REFERENCES.get(data["table"], ())
    ):
        for name, _table, _required in mapping.REFERENCES[data["table"]]:
            if record.get(name) is not None:
                record[name] = 999_999_999_999
    elif how == "bad_date" and mapping.DATES[data["table"]]:
        record[mapping.DATES[data["table"]][0][0]] = "hier soir"
    else:
        record["id"] = "un"
    return json.dumps(data).encode()


class LoomioImportProperties(TestCase):
    @SETTINGS
    @given(exports)
    def test_any_generated_export_imports_and_a_second_run_creates_nothing(
        self, export: tuple[int, int, str]
    ) -> None:
        records, seed, schema = export
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.jsonl"
            counts = write_export(path, records=records, seed=seed, schema=schema)
            first = loomio_import(actor=None, path=path)
            for table, result in first.tables.items():
                assert result.created + result.skipped == counts.get(table, 0), table
            assert first.lines == records
            after_first = snapshot()
            second = loomio_import(actor=None, path=path)
            assert second.created == 0
            assert snapshot() == after_first

    @SETTINGS
    @given(
        exports,
        st.data(),
        st.sampled_from(
            [
                "truncate",
                "no_table",
                "record_not_object",
                "not_utf8",
                "dangling_reference",
                "bad_date",
                "bad_id",
            ]
        ),
    )
    def test_one_corrupted_line_refuses_the_whole_import(
        self, export: tuple[int, int, str], data: st.DataObject, how: str
    ) -> None:
        records, seed, schema = export
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.jsonl"
            write_export(path, records=records, seed=seed, schema=schema)
            lines = path.read_text(encoding="utf-8").splitlines()
            index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1), label="line")
            raw = [line.encode() for line in lines]
            raw[index] = corrupt(lines[index], how)
            path.write_bytes(b"\n".join(raw) + b"\n")
            before = snapshot()
            with pytest.raises(ImportRefused) as refused:
                loomio_import(actor=None, path=path)
            assert index + 1 in [error.line for error in refused.value.errors]
            assert snapshot() == before
