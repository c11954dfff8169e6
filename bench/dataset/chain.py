"""The journal: every pending entry chained after the current head, hashed by
`cercle.core.journal.compute_hash` (never re-implemented here), then the head moved."""

from __future__ import annotations

from typing import Any

from bench.dataset.context import Ctx, Pending
from bench.dataset.rows import Ids, put, uuid_from
from cercle.core import journal
from cercle.core.models import JournalEntry, JournalHead


def chain_journal(ctx: Ctx) -> None:
    rng = ctx.rng
    required: list[Pending] = ctx.journal  # one per ledger transaction, as `post` writes
    optional: list[Pending] = ctx.data.get("optional_journal", [])
    room = max(0, ctx.targets["journal_entries"] - len(required))
    if len(optional) > room:
        optional = rng.sample(optional, room)
    entries = sorted(enumerate(required + optional), key=lambda pair: (pair[1].at, pair[0]))
    head = JournalHead.objects.filter(id=1).first()
    seq, prev = (head.seq, head.hash) if head else (0, journal.GENESIS_HASH)
    ids = Ids(JournalEntry)
    rows: list[dict[str, Any]] = []
    for _index, pending in entries:
        seq += 1
        entry = JournalEntry(
            id=ids.take(),
            seq=seq,
            uuid=uuid_from(rng),
            actor_id=pending.actor_id,
            subject_id=pending.subject_id,
            verb=pending.verb,
            object_type=pending.object_type,
            object_id=pending.object_id,
            object_label=pending.object_label,
            payload=pending.payload,
            visibility=pending.visibility,
            created_at=pending.at,
            prev_hash=prev,
        )
        entry.hash = journal.compute_hash(entry)
        prev = entry.hash
        pending.entry_id = entry.id
        rows.append(
            {f.attname: getattr(entry, f.attname) for f in JournalEntry._meta.concrete_fields}
        )
    put(ctx, JournalEntry, rows)
    JournalHead.objects.update_or_create(id=1, defaults={"seq": seq, "hash": prev})
    ctx.progress(f"journal: {len(rows)} entries chained")
