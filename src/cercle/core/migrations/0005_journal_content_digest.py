"""The journal chains a digest of each entry's personal-bearing content (decision 0015).

Existing entries get a salt and a digest, and the whole chain (and its head) is re-hashed
in order. Nothing is deployed yet, so no anchored head hash is invalidated by this.
"""

import secrets

from django.db import migrations, models


def rechain(apps, schema_editor):  # type: ignore[no-untyped-def]
    from cercle.core.journal import GENESIS_HASH, compute_hash, content_digest

    JournalEntry = apps.get_model("core", "JournalEntry")
    JournalHead = apps.get_model("core", "JournalHead")
    prev, last_seq, batch = GENESIS_HASH, 0, []
    for entry in JournalEntry.objects.order_by("seq").iterator(chunk_size=2000):
        entry.digest_salt = secrets.token_hex(16)
        entry.content_digest = content_digest(entry)
        entry.prev_hash = prev
        entry.hash = compute_hash(entry)
        prev, last_seq = entry.hash, entry.seq
        batch.append(entry)
        if len(batch) >= 2000:
            fields = ["digest_salt", "content_digest", "prev_hash", "hash"]
            JournalEntry.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        JournalEntry.objects.bulk_update(
            batch, ["digest_salt", "content_digest", "prev_hash", "hash"]
        )
    if last_seq:
        JournalHead.objects.update_or_create(id=1, defaults={"seq": last_seq, "hash": prev})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_notification_kind_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="journalentry",
            name="content_digest",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="journalentry",
            name="digest_salt",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="journalentry",
            name="redacted",
            field=models.BooleanField(default=False, editable=False, verbose_name="redacted"),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
    ]
