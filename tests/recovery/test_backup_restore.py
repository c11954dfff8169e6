"""`manage.py backup` then `manage.py restore` into a fresh database give back every
record and file, and the checks (journal chain, ledger, counts) hold; a damaged archive,
an archive of the other database vendor, or a restore over data without --yes is refused
before anything changes.

The suite's own database is saved (in-memory SQLite or PostgreSQL, whichever the run
uses) and restored by a separate `manage.py restore` process into a fresh database: a
SQLite file, or on PostgreSQL a second database created and dropped by the test."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from cercle.core import backup
from cercle.core.backup import archive as backup_archive
from cercle.core.backup.databases import DUMP_NAMES, live_facts
from cercle.core.backup.facts import Facts, read_facts
from cercle.core.models import JournalEntry
from cercle.missions.services import requests as request_services
from tests.factories.decisions_letters import PDF_BYTES
from tests.factories.missions import MissionFactory, SupportRequestFactory, consultant
from tests.factories.network import StewardFactory
from tests.factories.reciprocity_declarations import invoiced, paid

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"
DOCUMENT = PDF_BYTES + b"% the client's brief\n"


def load_network() -> None:
    """People, a mission, a request with an uploaded document (a media file), a yearly
    declaration invoiced and paid in part (ledger transactions), journal entries."""
    steward = StewardFactory()
    lead = consultant()
    MissionFactory()
    support_request = SupportRequestFactory()
    request_services.request_documents_add(
        actor=steward.user,
        support_request=support_request,
        documents=[SimpleUploadedFile("cahier.pdf", DOCUMENT, content_type="application/pdf")],
    )
    declaration = invoiced(person=lead, by=steward, amount="600.00")
    paid(declaration, "250.00", by=steward)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


# --- A fresh database for the restoring process ------------------------------------------


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, Callable[[], Facts]]]:
    """The DATABASE_URL of an empty database, and how to read its facts afterwards."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def sqlite_facts() -> Facts:
            with sqlite3.connect(path) as restored:
                tables = {
                    r[0]
                    for r in restored.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
                return read_facts(lambda sql: restored.execute(sql).fetchall(), tables)

        yield f"sqlite:///{path}", sqlite_facts
        return
    import psycopg

    current = connection.settings_dict
    name = f"{current['NAME']}_restore"
    params = {
        "host": current["HOST"] or "localhost",
        "port": current["PORT"] or 5432,
        "user": current["USER"],
        "password": current["PASSWORD"],
    }
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')

    def postgres_facts() -> Facts:
        with psycopg.connect(dbname=name, **params) as restored, restored.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = {row[0] for row in cursor.fetchall()}

            def run(sql: str) -> list[Any]:
                cursor.execute(sql.encode())
                return list(cursor.fetchall())

            return read_facts(run, tables)

    try:
        yield (
            f"postgres://{params['user']}:{params['password']}@{params['host']}:{params['port']}/{name}",
            postgres_facts,
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "CERCLE_TESTING": "1",
        "SECRET_KEY": "backup-restore-test-key-not-a-secret-0123456789",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def check_lines(output: str) -> dict[str, str]:
    """The restore's check lines ('  ok    journal: …'), by check name."""
    lines = {}
    for line in output.splitlines():
        status, _, rest = line.strip().partition(" ")
        if status in ("ok", "FAIL") and ":" in rest:
            lines[rest.strip().split(":")[0]] = status
    return lines


# --- Round trips -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_every_record_and_file_and_the_checks_catch_tampering(
    media: Path, tmp_path: Path, fresh_database: tuple[str, Callable[[], Facts]]
) -> None:
    """One test (emptying the database afterwards costs seconds): a faithful round trip
    passes every check; then the checks can fail — an entry edited behind the journal's
    back before a backup breaks the chain, and a manifest promising another count is
    caught — when that backup is restored with --yes over the database it came from."""
    load_network()
    before = live_facts()
    assert before.journal_seq >= 4
    assert before.counts["reciprocity.LedgerTransaction"] >= 2
    assert before.ledger_total == "0.00"
    (document,) = [p for p in media.rglob("*") if p.is_file()]

    made = backup.backup_create(tmp_path)
    assert made.path.parent == tmp_path
    assert made.manifest["facts"] == before.as_dict()
    assert made.manifest["database"]["vendor"] == connection.vendor
    assert made.manifest["media"]["files"] == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    url, restored_facts = fresh_database
    restored_media = tmp_path / "restored-media"
    done = manage("restore", str(made.path), database_url=url, media_root=restored_media)

    assert done.returncode == 0, done.stdout + done.stderr
    assert check_lines(done.stdout) == {
        "journal": "ok",
        "ledger balance": "ok",
        "ledger transactions": "ok",
        "record counts": "ok",
        "media": "ok",
    }
    assert restored_facts() == before
    assert (restored_media / document.relative_to(media)).read_bytes() == DOCUMENT

    JournalEntry.objects.filter(seq=2).update(verb="request.forged")
    edited = backup.backup_create(tmp_path / "edited.tar.gz")
    lying = rewrite(edited.path, manifest=lambda m: m["facts"]["counts"].update({"core.User": 999}))
    out = io.StringIO()
    with pytest.raises(CommandError):
        # In this process, over the suite's own database (emptied after this test anyway).
        call_command("restore", str(lying), "--yes", stdout=out)

    checks = check_lines(out.getvalue())
    assert checks["journal"] == "FAIL"
    assert "#2" in out.getvalue()
    assert checks["record counts"] == "FAIL"
    assert "core.User: 999" in out.getvalue()
    assert checks["ledger balance"] == checks["ledger transactions"] == "ok"


# --- Refusals, in this process: nothing may change ---------------------------------------


def rewrite(
    path: Path,
    *,
    manifest: Callable[[dict[str, Any]], Any] | None = None,
    member: tuple[str, Callable[[bytes], bytes]] | None = None,
    rename: tuple[str, str] | None = None,
) -> Path:
    """A copy of an archive with its manifest, one member's bytes or one member's name
    changed (the sha256 in the manifest kept as they were)."""
    members: list[tuple[tarfile.TarInfo, bytes]] = []
    with tarfile.open(path, "r:gz") as tar:
        for info in tar:
            source = tar.extractfile(info)
            data = source.read() if source else b""
            if info.name == backup_archive.MANIFEST and manifest is not None:
                content = json.loads(data)
                manifest(content)
                data = json.dumps(content).encode()
            if member is not None and info.name == member[0]:
                data = member[1](data)
            if rename is not None and info.name == rename[0]:
                info.name = rename[1]
            info.size = len(data)
            members.append((info, data))
    copy = path.with_name(f"changed-{len(list(path.parent.iterdir()))}-{path.name}")
    with tarfile.open(copy, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data))
    return copy


def flip(data: bytes, at: int | None = None) -> bytes:
    position = len(data) // 2 if at is None else at
    return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]


def names(path: Path) -> list[str]:
    with tarfile.open(path, "r:gz") as tar:
        return tar.getnames()


@pytest.fixture(scope="module")
def seeded_archive(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """An archive of the seeded database and one media file, made outside any test's
    transaction (a backup reads committed data only)."""
    folder = tmp_path_factory.mktemp("seeded")
    (folder / "media" / "requests").mkdir(parents=True)
    (folder / "media" / "requests" / "cahier.pdf").write_bytes(DOCUMENT)
    with override_settings(MEDIA_ROOT=folder / "media"), django_db_blocker.unblock():
        return backup.backup_create(folder / "cercle.tar.gz").path


@pytest.fixture
def archive(seeded_archive: Path, media: Path, tmp_path: Path, db: None) -> Iterator[Path]:
    """A copy of the seeded archive, and a database and media files holding a small
    network; after the refusal both must be exactly as they were."""
    load_network()
    before = live_facts()
    files = {p: p.read_bytes() for p in media.rglob("*") if p.is_file()}
    assert files
    yield Path(shutil.copy(seeded_archive, tmp_path / "cercle.tar.gz"))
    assert live_facts() == before
    assert {p: p.read_bytes() for p in media.rglob("*") if p.is_file()} == files


def refusal(path: Path, *, force: bool = True) -> backup.BackupError:
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(path, force=force)
    return refused.value


def test_an_archive_with_a_flipped_byte_in_a_member_is_refused(archive: Path) -> None:
    dump = DUMP_NAMES[connection.vendor]
    document = next(name for name in names(archive) if name.startswith("media/"))
    for changed in (
        rewrite(archive, member=(dump, flip)),
        rewrite(archive, member=(document, flip)),
        rewrite(archive, member=(dump, lambda data: data + b"\0")),
    ):
        error = refusal(changed)
        assert error.code == "damaged"
        assert "sha256" in str(error)


def test_an_archive_missing_a_member_or_with_an_extra_one_is_refused(archive: Path) -> None:
    document = next(name for name in names(archive) if name.startswith("media/"))
    assert refusal(rewrite(archive, rename=(document, "media/other.pdf"))).code == "damaged"
    assert refusal(rewrite(archive, rename=(document, "../escape.pdf"))).code == "damaged"


def test_a_byte_flipped_in_the_compressed_file_is_refused(archive: Path) -> None:
    raw = archive.read_bytes()
    broken = archive.with_name("broken.tar.gz")
    for position in (len(raw) // 3, len(raw) - 6):  # inside the data; gzip's CRC
        broken.write_bytes(flip(raw, position))
        assert refusal(broken).code == "damaged"
    broken.write_bytes(raw[: len(raw) // 2])
    assert refusal(broken).code == "damaged"


def test_a_dump_of_the_other_vendor_is_refused(archive: Path) -> None:
    ours = DUMP_NAMES[connection.vendor]
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def other_vendor(manifest: dict[str, Any]) -> None:
        manifest["files"][DUMP_NAMES[other]] = manifest["files"].pop(ours)
        manifest["database"] = {"vendor": other, "dump": DUMP_NAMES[other]}

    foreign = rewrite(archive, manifest=other_vendor, rename=(ours, DUMP_NAMES[other]))
    error = refusal(foreign)
    assert error.code == "vendor"
    assert "PostgreSQL" in str(error)
    assert "SQLite" in str(error)


def test_a_restore_over_a_database_holding_data_is_refused_without_yes(archive: Path) -> None:
    assert refusal(archive, force=False).code == "holds_data"
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))


def test_an_archive_made_by_a_newer_cercle_is_refused(archive: Path) -> None:
    newer = rewrite(
        archive, manifest=lambda m: m["facts"]["migrations"].update({"core": "9999_future"})
    )
    error = refusal(newer)
    assert error.code == "newer"
    assert "core.9999_future" in str(error)


def test_check_only_reads_an_intact_archive_and_changes_nothing(archive: Path) -> None:
    out = io.StringIO()
    call_command("restore", str(archive), "--check-only", stdout=out)
    assert f" {len(names(archive)) - 1} " in out.getvalue()  # the manifest lists the others
    with pytest.raises(CommandError):
        call_command(
            "restore", str(rewrite(archive, member=("manifest.json", flip))), "--check-only"
        )


# --- Writing: never a partial archive, never over a file ---------------------------------


def test_a_failed_backup_leaves_no_archive_behind(
    media: Path, tmp_path: Path, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (media / "a.txt").parent.mkdir(parents=True)
    (media / "a.txt").write_text("a file")
    out = tmp_path / "out"
    out.mkdir()

    def broken_media(root: Path) -> Iterator[tuple[Path, str]]:
        yield from backup_archive.media_files(root)
        raise OSError("disk full")

    monkeypatch.setattr(backup, "media_files", broken_media)
    with pytest.raises(OSError, match="disk full"), django_db_blocker.unblock():
        backup.backup_create(out / "cercle.tar.gz")
    assert list(out.iterdir()) == []


def test_a_backup_inside_a_transaction_is_refused(media: Path, tmp_path: Path, db: None) -> None:
    with pytest.raises(backup.BackupError) as refused:
        backup.backup_create(tmp_path)
    assert refused.value.code == "in_transaction"
    assert list(tmp_path.glob("*.tar.gz")) == []


def test_a_backup_never_overwrites_a_file(media: Path, tmp_path: Path, db: None) -> None:
    existing = tmp_path / "cercle.tar.gz"
    existing.write_bytes(b"last week's backup")
    with pytest.raises(backup.BackupError) as refused:
        backup.backup_create(existing)
    assert refused.value.code == "exists"
    with pytest.raises(CommandError):
        call_command("backup", "--output", str(existing))
    assert existing.read_bytes() == b"last week's backup"
