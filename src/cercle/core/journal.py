"""The journal: an append-only, hash-chained record of what services did.

Services call `record()` inside their transaction. `verify()` re-computes the chain and
names the first entry that was edited, deleted or moved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from cercle.core.enums import Visibility
from cercle.core.models import JournalEntry, JournalHead, User

GENESIS_HASH = "0" * 64


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


def compute_hash(entry: JournalEntry) -> str:
    """The hash of an entry's content and of the hash before it."""
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
            "object_label": entry.object_label,
            "payload": entry.payload,
            "visibility": entry.visibility,
            "created_at": created,
            "prev_hash": entry.prev_hash,
        }
    )
    return hashlib.sha256(content.encode()).hexdigest()


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
    clean_payload = _stable_numbers(json.loads(_canonical(payload or {})))
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
            payload=clean_payload,
            visibility=str(visibility),
            created_at=timezone.now(),
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(entry)
        entry.save()
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""


def verify() -> VerifyResult:
    """Walk the chain in order; report the first entry that does not fit."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    for entry in JournalEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"entry #{expected_seq} is missing or was moved"
            )
        if entry.prev_hash != prev:
            return VerifyResult(
                False, checked, entry.seq, f"entry #{entry.seq} does not follow #{entry.seq - 1}"
            )
        if compute_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq, f"entry #{entry.seq} was edited")
        prev = entry.hash
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
