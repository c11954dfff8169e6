"""verify_journal finds an edited, deleted, inserted or re-ordered entry and names it.

Each kind of tampering is checked twice: on `journal.verify()` and on the command
`manage.py verify_journal` (exit code and message naming the first bad entry).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import uuid4

import pytest
from django.core.management import call_command

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import JournalEntry, JournalHead
from tests.factories.core import journal_entries, raw_sql

pytestmark = pytest.mark.django_db


def _five_entries() -> list[JournalEntry]:
    return journal_entries(5, Visibility.MEMBERS)


_raw = raw_sql


def _shift_up_from(seq: int) -> None:
    """Make room at `seq` (one row at a time from the end, for the unique constraint)."""
    for entry in JournalEntry.objects.filter(seq__gte=seq).order_by("-seq"):
        _raw("UPDATE core_journalentry SET seq = %s WHERE id = %s", [entry.seq + 1, entry.pk])


def _forged(seq: int, prev_hash: str) -> JournalEntry:
    """An entry that looks like the journal's own: right seq, right predecessor, own hash."""
    entry = JournalEntry(
        seq=seq,
        uuid=uuid4(),
        verb="thing.forged",
        object_type="test.thing",
        object_id="x",
        payload={"amount": "1000.00"},
        visibility=Visibility.MEMBERS,
        created_at=JournalEntry.objects.get(seq=seq + 1).created_at - timedelta(microseconds=1),
        prev_hash=prev_hash,
    )
    entry.hash = journal.compute_hash(entry)
    return entry


def _insert(entry: JournalEntry) -> None:
    JournalEntry.objects.bulk_create([entry])  # save() is for the journal only


def edit(entries: list[JournalEntry]) -> int:
    _raw(
        "UPDATE core_journalentry SET payload = %s WHERE id = %s",
        ['{"amount": "99.00", "n": 2}', entries[2].pk],
    )
    return entries[2].seq


def delete(entries: list[JournalEntry]) -> int:
    _raw("DELETE FROM core_journalentry WHERE id = %s", [entries[2].pk])
    return entries[2].seq


def delete_last(entries: list[JournalEntry]) -> int:
    _raw("DELETE FROM core_journalentry WHERE id = %s", [entries[-1].pk])
    return entries[-1].seq


def insert(entries: list[JournalEntry]) -> int:
    """A new row slipped in before the third, the later rows moved up, hashes left alone."""
    seq = entries[2].seq
    _shift_up_from(seq)
    _insert(_forged(seq, entries[1].hash))
    return seq


def insert_and_rechain(entries: list[JournalEntry]) -> int:
    """The same, with every later hash recomputed: only the head disagrees then."""
    seq = entries[2].seq
    _shift_up_from(seq)
    _insert(_forged(seq, entries[1].hash))
    prev = JournalEntry.objects.get(seq=seq).hash
    for entry in JournalEntry.objects.filter(seq__gt=seq).order_by("seq"):
        entry.prev_hash = prev
        new_hash = journal.compute_hash(entry)
        _raw(
            "UPDATE core_journalentry SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, new_hash, entry.pk],
        )
        prev = new_hash
    # The chain is whole again; the head still names the old last entry. verify() names
    # the first entry beyond it: where the insertion was cannot be told any more.
    return entries[-1].seq + 1


def append_without_head(entries: list[JournalEntry]) -> int:
    last = entries[-1]
    forged = JournalEntry(
        seq=last.seq + 1,
        verb="thing.forged",
        object_type="test.thing",
        object_id="x",
        created_at=last.created_at + timedelta(seconds=1),
        prev_hash=last.hash,
    )
    forged.hash = journal.compute_hash(forged)
    _insert(forged)
    return last.seq + 1


def reorder(entries: list[JournalEntry]) -> int:
    a, b = entries[1], entries[2]
    _raw("UPDATE core_journalentry SET seq = %s WHERE id = %s", [10_000, a.pk])
    _raw("UPDATE core_journalentry SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _raw("UPDATE core_journalentry SET seq = %s WHERE id = %s", [b.seq, a.pk])
    return a.seq


TAMPERINGS: dict[str, tuple[Callable[[list[JournalEntry]], int], str]] = {
    "edited": (edit, "was edited"),
    "deleted": (delete, "missing"),
    "deleted last": (delete_last, "removed"),
    "inserted": (insert, "was inserted"),
    "inserted, chain recomputed": (insert_and_rechain, "added outside the journal"),
    "appended behind the head": (append_without_head, "added outside the journal"),
    "re-ordered": (reorder, "does not follow"),
}


@pytest.mark.parametrize("kind", list(TAMPERINGS))
def test_verify_names_the_first_tampered_entry(kind: str) -> None:
    tamper, reason = TAMPERINGS[kind]
    entries = _five_entries()
    assert journal.verify().ok
    bad_seq = tamper(entries)
    result = journal.verify()
    assert not result.ok
    assert result.bad_seq == bad_seq, result
    assert reason in result.reason


@pytest.mark.parametrize("kind", list(TAMPERINGS))
def test_verify_journal_command_fails_and_names_the_tampered_entry(
    kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper, reason = TAMPERINGS[kind]
    entries = _five_entries()
    call_command("verify_journal")
    assert f"OK: {entries[-1].seq} entries" in capsys.readouterr().out
    bad_seq = tamper(entries)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_journal")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"Journal broken at entry #{bad_seq}:" in err
    assert reason in err


def test_a_rewritten_head_and_chain_is_not_detectable_from_inside() -> None:
    """The limit, stated: whoever rewrites every later row and the head forges history.

    Only a head hash kept outside the database (decision 0003) shows it.
    """
    entries = _five_entries()
    anchored = JournalHead.objects.get().hash
    insert_and_rechain(entries)
    last = JournalEntry.objects.order_by("-seq").first()
    assert last is not None
    JournalHead.objects.filter(id=1).update(seq=last.seq, hash=last.hash)
    assert journal.verify().ok
    assert JournalHead.objects.get().hash != anchored
