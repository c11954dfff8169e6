"""The journal: an append-only, hash-chained record of what services did.

Services call `record()` inside their transaction. `verify()` re-computes the chain and
names the first entry that was edited, deleted, inserted or moved.

The chain covers an entry's personal-bearing content (`object_label`, `payload`) through
its `content_digest`, not directly: erasing a person rewrites that content (`redact()`),
keeps the digest, and lists the rewritten entries in a `person.erased` entry, so the
chain still verifies and a rewrite that no erasure lists is still found (decision 0015).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from cercle.core.enums import Visibility
from cercle.core.models import JournalEntry, JournalHead, User

GENESIS_HASH = "0" * 64
ERASURE_VERB = "person.erased"


def _canonical(value: Any) -> str:
    """The one JSON text that is hashed; NaN and infinities are refused (not JSON)."""
    return json.dumps(
        value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def _stable_numbers(value: Any) -> Any:
    """Whole floats become ints, so the payload reads back as it was hashed.

    PostgreSQL's jsonb keeps numbers as decimals: it gives 1e20 back as
    100000000000000000000 and -0.0 as 0, which would make `verify()` see an edit.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _stable_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stable_numbers(item) for item in value]
    return value


def content_digest(entry: JournalEntry) -> str:
    """The hash of the content that may name a person, as it is stored now."""
    content = _canonical(
        {"salt": entry.digest_salt, "object_label": entry.object_label, "payload": entry.payload}
    )
    return hashlib.sha256(content.encode()).hexdigest()


def compute_hash(entry: JournalEntry) -> str:
    """The hash of an entry's fields, its content digest and the hash before it.

    The one way to hash an entry. An entry without a digest yet (one built for a bulk
    insert) gets it here, from its current content.
    """
    if not entry.content_digest:
        entry.content_digest = content_digest(entry)
    created = entry.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    content = _canonical(
        {
            "seq": entry.seq,
            "uuid": str(entry.uuid),
            "actor": entry.actor_id,
            "subject": entry.subject_id,
            "verb": entry.verb,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "content_digest": entry.content_digest,
            "visibility": entry.visibility,
            "created_at": created,
            "prev_hash": entry.prev_hash,
        }
    )
    return hashlib.sha256(content.encode()).hexdigest()


def clean_payload(payload: dict[str, Any] | None) -> Any:
    """The payload as it will read back from the database (JSON round trip)."""
    return _stable_numbers(json.loads(_canonical(payload or {})))


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    payload: dict[str, Any] | None = None,
    visibility: Visibility | str = Visibility.MEMBERS,
    subject: User | None = None,
) -> JournalEntry:
    """Append an entry. Must run inside the caller's transaction (services do)."""
    if obj is not None:
        object_type = object_type_of(obj)
        object_id = str(getattr(obj, "uuid", None) or getattr(obj, "slug", None) or obj.pk)
        label = str(obj)[:255]
    else:
        label = ""
    # Round-trip through JSON so the stored payload is exactly what was hashed.
    stored_payload = clean_payload(payload)
    with transaction.atomic():
        head, _ = JournalHead.objects.select_for_update().get_or_create(id=1)
        entry = JournalEntry(
            seq=head.seq + 1,
            actor=actor if actor is not None and actor.pk else None,
            subject=subject,
            verb=verb,
            object_type=object_type,
            object_id=object_id,
            object_label=label,
            payload=stored_payload,
            digest_salt=secrets.token_hex(16),
            visibility=str(visibility),
            created_at=timezone.now(),
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(entry)
        entry.save()
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def redact(
    *,
    actor: User | None,
    entries: Iterable[JournalEntry],
    rewrite: Callable[[str, Any], tuple[str, Any]],
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    payload: dict[str, Any] | None = None,
    subject: User | None = None,
) -> JournalEntry:
    """Rewrite the personal content of entries and record the erasure that lists them.

    `rewrite(object_label, payload)` returns the new label and payload. Only entries it
    changes are redacted; each keeps its chained digest, loses its salt, and is listed with
    the digest of its new content in the `person.erased` entry recorded last, so `verify()`
    can tell an erasure from an edit. Must run inside the caller's transaction.
    """
    listed: dict[str, str] = {}
    with transaction.atomic():
        for entry in entries:
            if entry.verb == ERASURE_VERB:
                continue  # erasure entries list sequence numbers and digests, no names
            label, new_payload = rewrite(entry.object_label, entry.payload)
            label, new_payload = label[:255], clean_payload(new_payload)
            if label == entry.object_label and new_payload == entry.payload:
                continue
            if not entry.content_digest:
                entry.content_digest = content_digest(entry)
            entry.object_label, entry.payload, entry.digest_salt = label, new_payload, ""
            # The one sanctioned rewrite of a stored entry: the model refuses save().
            JournalEntry.objects.filter(pk=entry.pk).update(
                object_label=label,
                payload=new_payload,
                digest_salt="",
                content_digest=entry.content_digest,
                redacted=True,
            )
            listed[str(entry.seq)] = content_digest(entry)
        return record(
            actor=actor,
            verb=ERASURE_VERB,
            obj=obj,
            object_type=object_type,
            object_id=object_id,
            payload={**(payload or {}), "redacted": listed},
            visibility=Visibility.MEMBERS,
            subject=subject,
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""


def _erasure_listing() -> dict[int, tuple[int, str]]:
    """For each redacted seq: the latest erasure entry listing it, and the digest listed.

    Read before the walk; the erasure entries themselves are then checked in the chain.
    """
    listing: dict[int, tuple[int, str]] = {}
    erasures = JournalEntry.objects.filter(verb=ERASURE_VERB).order_by("seq")
    for seq, payload in erasures.values_list("seq", "payload").iterator(chunk_size=200):
        redacted = payload.get("redacted") if isinstance(payload, dict) else None
        for key, digest in (redacted or {}).items() if isinstance(redacted, dict) else ():
            if str(key).isdigit() and isinstance(digest, str):
                listing[int(key)] = (seq, digest)
    return listing


def _content_fault(entry: JournalEntry, listing: dict[int, tuple[int, str]]) -> str:
    """Why an entry's content does not fit its digest or its erasure ("" when it fits)."""
    if entry.redacted:
        erasure = listing.get(entry.seq)
        if erasure is None or erasure[0] <= entry.seq:
            return f"entry #{entry.seq} is marked redacted but no later erasure lists it"
        if content_digest(entry) != erasure[1]:
            return f"entry #{entry.seq} was edited after its redaction"
        return ""
    if entry.content_digest and content_digest(entry) != entry.content_digest:
        return f"entry #{entry.seq} was edited"
    return ""


def verify() -> VerifyResult:
    """Walk the chain in order; report the first entry that does not fit."""
    listing = _erasure_listing()
    expected_seq = 1
    prev = before_prev = GENESIS_HASH
    checked = 0
    for entry in JournalEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"entry #{expected_seq} is missing or was moved"
            )
        if entry.prev_hash != prev:
            if checked and entry.prev_hash == before_prev:
                # It chains onto the entry two back: the one just before it was slipped in.
                return VerifyResult(
                    False, checked, entry.seq - 1, f"entry #{entry.seq - 1} was inserted"
                )
            return VerifyResult(
                False, checked, entry.seq, f"entry #{entry.seq} does not follow #{entry.seq - 1}"
            )
        fault = _content_fault(entry, listing)
        if fault:
            return VerifyResult(False, checked, entry.seq, fault)
        if compute_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq, f"entry #{entry.seq} was edited")
        before_prev, prev = prev, entry.hash
        expected_seq += 1
        checked += 1
    head = JournalHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq > checked:
        return VerifyResult(False, checked, checked + 1, f"entries after #{checked} were removed")
    if head_seq < checked:
        return VerifyResult(
            False, checked, head_seq + 1, f"entry #{head_seq + 1} was added outside the journal"
        )
    if head_hash != prev:
        return VerifyResult(False, checked, checked, f"entry #{checked} was replaced")
    return VerifyResult(True, checked)
