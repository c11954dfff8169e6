"""The journal is append-only and hash-chained; tampering is found and named."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import JournalEntry, JournalHead
from tests.factories.core import journal_entries, raw_sql

pytestmark = pytest.mark.django_db


def _three_entries() -> list[JournalEntry]:
    return journal_entries(3, Visibility.PUBLIC)


_raw = raw_sql


def test_entries_chain_each_to_the_previous_hash() -> None:
    first, second, third = _three_entries()
    start = JournalEntry.objects.order_by("seq").first()
    assert start is not None
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert journal.verify().ok


def test_an_entry_cannot_be_saved_twice_or_deleted() -> None:
    entry = _three_entries()[0]
    entry.verb = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_verify_names_an_edited_entry() -> None:
    entries = _three_entries()
    target = entries[1]
    _raw(
        "UPDATE core_journalentry SET payload = %s WHERE id = %s",
        ['{"amount": "99.00"}', target.pk],
    )
    result = journal.verify()
    assert not result.ok
    assert result.bad_seq == target.seq
    assert "edited" in result.reason


def test_verify_names_a_deleted_entry() -> None:
    entries = _three_entries()
    target = entries[1]
    _raw("DELETE FROM core_journalentry WHERE id = %s", [target.pk])
    result = journal.verify()
    assert not result.ok
    assert result.bad_seq == target.seq


def test_verify_notices_when_the_newest_entry_is_removed() -> None:
    entries = _three_entries()
    _raw("DELETE FROM core_journalentry WHERE id = %s", [entries[-1].pk])
    result = journal.verify()
    assert not result.ok
    assert result.bad_seq == entries[-1].seq


def test_verify_names_reordered_entries() -> None:
    entries = _three_entries()
    a, b = entries[0], entries[1]
    # Swap the positions of two rows (through a free number, for the unique constraint).
    _raw("UPDATE core_journalentry SET seq = %s WHERE id = %s", [10_000, a.pk])
    _raw("UPDATE core_journalentry SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _raw("UPDATE core_journalentry SET seq = %s WHERE id = %s", [b.seq, a.pk])
    result = journal.verify()
    assert not result.ok
    assert result.bad_seq == a.seq


def test_verify_journal_command_exits_non_zero_and_names_the_entry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    entries = _three_entries()
    call_command("verify_journal")
    assert "OK" in capsys.readouterr().out
    _raw("UPDATE core_journalentry SET verb = %s WHERE id = %s", ["forged", entries[2].pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_journal")
    assert exit_info.value.code != 0
    assert f"#{entries[2].seq}" in capsys.readouterr().err


def test_the_head_follows_the_newest_entry() -> None:
    entries = _three_entries()
    head = JournalHead.objects.get()
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)


@pytest.mark.parametrize("value", [1e20, -0.0, 1.0, 0.1, 1.5e-7, 2**70, "12.50"])
def test_numbers_in_the_payload_read_back_as_hashed(value: object) -> None:
    """Whatever the database does with JSON numbers (jsonb: 1e20 → 100000000000000000000),
    the stored payload re-hashes to the same value."""
    journal.record(actor=None, verb="n", object_type="t", object_id="1", payload={"v": value})
    stored = JournalEntry.objects.get(verb="n")
    assert stored.payload["v"] == value
    assert journal.verify().ok


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_payload_that_is_not_json_is_refused_and_nothing_is_written(value: float) -> None:
    """NaN and infinities have no JSON form: recording them fails before any write."""
    with pytest.raises(ValueError, match="JSON"):
        journal.record(actor=None, verb="n", object_type="t", object_id="1", payload={"v": value})
    assert not JournalEntry.objects.filter(verb="n").exists()
    assert journal.verify().ok
