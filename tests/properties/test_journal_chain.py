"""Properties of the hash-chained journal.

For any sequence of recorded entries the chain verifies, and changing any single stored
field that the chain covers, in any entry, makes `verify()` fail at exactly that entry.
Each example runs in a transaction that is rolled back, so examples do not see each other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import JournalEntry, User
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

# Every stored column of an entry; the row's own id is not part of the record's content.
CHAINED_FIELDS = [
    "seq",
    "uuid",
    "actor",
    "subject",
    "verb",
    "object_type",
    "object_id",
    "object_label",
    "payload",
    "content_digest",
    "digest_salt",
    "redacted",
    "visibility",
    "created_at",
    "prev_hash",
    "hash",
]

# Text a form or a service can hand over: no lone surrogates, no NUL (forms refuse it).
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=20,
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
    | st.decimals(
        allow_nan=False, allow_infinity=False, places=2, max_value=10**9, min_value=-(10**9)
    )
)
payloads = st.dictionaries(
    text,
    st.recursive(
        json_scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
        max_leaves=6,
    ),
    max_size=4,
)
entry_specs = st.fixed_dictionaries(
    {
        "actor": st.sampled_from([None, 0, 1]),
        "subject": st.sampled_from([None, 0, 1]),
        "verb": text.filter(bool),
        "object_type": text,
        "object_id": text,
        "payload": payloads,
        "visibility": st.sampled_from(list(Visibility)),
    }
)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def record_all(specs: list[dict[str, Any]]) -> list[JournalEntry]:
    users = [UserFactory(), UserFactory()]

    def who(index: int | None) -> User | None:
        return None if index is None else users[index]

    return [
        journal.record(
            actor=who(spec["actor"]),
            subject=who(spec["subject"]),
            verb=spec["verb"],
            object_type=spec["object_type"],
            object_id=spec["object_id"],
            payload=spec["payload"],
            visibility=spec["visibility"],
        )
        for spec in specs
    ]


def _other_hex(value: str) -> str:
    return ("1" if value[:1] != "1" else "2") + value[1:]


def flipped(entry: JournalEntry, field: str) -> Any:
    """A different value for one field of an entry."""
    other_user = User.objects.exclude(pk=getattr(entry, f"{field}_id", None)).first()
    visibilities = list(Visibility.values)
    changes: dict[str, Any] = {
        "seq": lambda: entry.seq + 1_000_000,
        "uuid": uuid4,
        "actor": lambda: None if entry.actor_id else other_user.pk,  # type: ignore[union-attr]
        "subject": lambda: None if entry.subject_id else other_user.pk,  # type: ignore[union-attr]
        "verb": lambda: entry.verb + "x",
        "object_type": lambda: entry.object_type + "x",
        "object_id": lambda: entry.object_id + "x",
        "object_label": lambda: entry.object_label + "x",
        "payload": lambda: (
            {**entry.payload, "flipped": True} if "flipped" not in entry.payload else {}
        ),
        "content_digest": lambda: _other_hex(entry.content_digest),
        "digest_salt": lambda: _other_hex(entry.digest_salt),
        "redacted": lambda: not entry.redacted,
        "visibility": lambda: visibilities[
            (visibilities.index(entry.visibility) + 1) % len(visibilities)
        ],
        "created_at": lambda: entry.created_at + timedelta(microseconds=1),
        "prev_hash": lambda: ("1" if entry.prev_hash[0] != "1" else "2") + entry.prev_hash[1:],
        "hash": lambda: ("1" if entry.hash[0] != "1" else "2") + entry.hash[1:],
    }
    return changes[field]()


def write_raw(entry: JournalEntry, field_name: str, value: Any) -> None:
    """Change a stored column behind the model's back, as someone with database access."""
    field = JournalEntry._meta.get_field(field_name)
    db_value = field.get_db_prep_save(value, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE core_journalentry SET {field.column} = %s WHERE id = %s",  # noqa: S608
            [db_value, entry.pk],
        )


@settings(max_examples=60, deadline=None)
@given(specs=st.lists(entry_specs, min_size=1, max_size=6))
def test_any_recorded_sequence_verifies(specs: list[dict[str, Any]]) -> None:
    """Whatever services record, the chain re-computes and covers every entry."""
    with rolled_back():
        entries = record_all(specs)
        result = journal.verify()
        assert result.ok, result
        assert result.checked == JournalEntry.objects.count()
        assert entries[-1].seq == result.checked
        for entry in entries:
            stored = JournalEntry.objects.get(pk=entry.pk)
            assert journal.compute_hash(stored) == entry.hash


@settings(max_examples=150, deadline=None)
@given(
    specs=st.lists(entry_specs, min_size=1, max_size=6),
    target=st.integers(min_value=0, max_value=5),
    field=st.sampled_from(CHAINED_FIELDS),
)
def test_changing_any_stored_field_is_found_at_that_entry(
    specs: list[dict[str, Any]], target: int, field: str
) -> None:
    """One changed column in one entry makes verify() fail, naming that entry's seq."""
    with rolled_back():
        entries = record_all(specs)
        entry = entries[target % len(entries)]
        write_raw(entry, field, flipped(entry, field))
        result = journal.verify()
        assert not result.ok, (field, result)
        assert result.bad_seq == entry.seq, (field, result)


# Erasure: entries name people (in the label through the object, or in the payload);
# erasing any one of them keeps the chain valid, and tampering afterwards is still found.
PEOPLE = [("Héloïse", "Vantrimont"), ("Barnabé", "Quessaud"), ("Ondine", "Sarraillé")]
naming_specs = st.lists(
    st.fixed_dictionaries(
        {
            "person": st.sampled_from(range(len(PEOPLE))),
            "as_object": st.booleans(),
            "note": text,
            "payload": payloads,
        }
    ),
    min_size=1,
    max_size=5,
)


def record_naming(specs: list[dict[str, Any]]) -> list[Any]:
    from tests.factories.network import PersonFactory

    people = [PersonFactory(first_name=first, last_name=last) for first, last in PEOPLE]
    for spec in specs:
        person = people[spec["person"]]
        payload = {**spec["payload"], "note": f"{spec['note']} {person.full_name}"}
        if spec["as_object"]:
            journal.record(actor=person.user, verb="t.seen", obj=person, payload=payload)
        else:
            journal.record(
                actor=None, verb="t.named", object_type="t", object_id="1", payload=payload
            )
    return people


@settings(max_examples=25, deadline=None)
@given(specs=naming_specs, erased=st.sampled_from(range(len(PEOPLE))))
def test_erasing_any_person_keeps_the_chain_valid(specs: list[dict[str, Any]], erased: int) -> None:
    from cercle.core.privacy.erasure import person_erase

    with rolled_back():
        people = record_naming(specs)
        person_erase(actor=None, user=people[erased].user)
        result = journal.verify()
        assert result.ok, result
        last_name = PEOPLE[erased][1]
        for entry in JournalEntry.objects.all():
            assert last_name not in entry.object_label
            assert last_name not in json.dumps(entry.payload, ensure_ascii=False)


@settings(max_examples=40, deadline=None)
@given(
    specs=naming_specs,
    erased=st.sampled_from(range(len(PEOPLE))),
    target=st.integers(min_value=0, max_value=10),
    field=st.sampled_from(CHAINED_FIELDS),
)
def test_tampering_after_an_erasure_is_found_at_that_entry(
    specs: list[dict[str, Any]], erased: int, target: int, field: str
) -> None:
    from cercle.core.privacy.erasure import person_erase

    with rolled_back():
        people = record_naming(specs)
        person_erase(actor=None, user=people[erased].user)
        entries = list(JournalEntry.objects.order_by("seq"))
        entry = entries[target % len(entries)]
        write_raw(entry, field, flipped(entry, field))
        result = journal.verify()
        assert not result.ok, (field, entry.redacted, result)
        assert result.bad_seq == entry.seq, (field, entry.redacted, result)
