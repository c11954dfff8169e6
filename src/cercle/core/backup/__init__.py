"""Backing up and restoring a whole Cercle: the database, the media files and a manifest
that lets the restore prove it got everything back (see docs/deploy.md, "Sauvegarde et
restauration").

`backup_create()` writes one archive; `restore()` checks it (format, sha256 of every
member, database vendor, migrations), replaces the configured database and MEDIA_ROOT
with its content, then runs the checks: the journal chain, the ledger's balance and the
record counts of the manifest.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from cercle.core.backup.archive import (
    FORMAT,
    FORMAT_VERSION,
    check_members,
    damaged,
    media_files,
    stage,
    writing,
)
from cercle.core.backup.databases import (
    DUMP_NAMES,
    VENDOR_NAMES,
    BackupError,
    dump_database,
    live_facts,
    restore_database,
    vendor_of,
)
from cercle.core.backup.facts import Facts, compare_counts, quote
from cercle.core.pagecache.versions import resume_and_bump_epoch

__all__ = ["BackupError", "BackupResult", "Check", "RestoreResult", "backup_create", "restore"]

ALIAS = "default"


def cercle_version() -> str:
    try:
        return metadata.version("cercle")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    manifest: dict[str, Any]


def outside_transaction() -> None:
    """A backup reads, and a restore writes, committed data only: inside a transaction
    SQLite's backup API would wait for ever on the caller's own lock."""
    if connections[ALIAS].in_atomic_block:
        raise BackupError(
            _("Backups and restores run outside a database transaction."),
            code="in_transaction",
        )


def default_name(now: datetime) -> str:
    return f"cercle-backup-{now.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


def backup_create(output: Path | None = None) -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT; never overwrite a file."""
    started = time.monotonic()
    now = datetime.now(UTC)
    vendor = vendor_of(ALIAS)
    output = Path(output) if output else Path.cwd()
    if output.is_dir():
        output = output / default_name(now)
    if output.exists():
        raise BackupError(
            _("%(path)s already exists; choose another name.") % {"path": output}, code="exists"
        )
    if not output.parent.is_dir():
        raise BackupError(
            _("The folder %(path)s does not exist.") % {"path": output.parent}, code="missing"
        )
    outside_transaction()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="cercle-backup-") as scratch, writing(output) as out:
        dump = Path(scratch) / Path(DUMP_NAMES[vendor]).name
        # The database first: every file it names already exists when the media are read.
        facts = dump_database(dump, ALIAS)
        out.add_file(dump, DUMP_NAMES[vendor])
        dump.unlink()
        media_count = media_bytes = 0
        for path, name in media_files(media_root):
            out.add_file(path, name)
            media_count += 1
            media_bytes += out.files[name]["size"]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "cercle_version": cercle_version(),
            "created_at": now.isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "dump": DUMP_NAMES[vendor]},
            "facts": facts.as_dict(),
            "ledger_trial_balance_is_zero": facts.ledger_total == "0.00",
            "media": {"files": media_count, "bytes": media_bytes},
        }
        out.add_manifest(manifest)
        manifest = {**manifest, "files": out.files}
    return BackupResult(output, output.stat().st_size, time.monotonic() - started, manifest)


# --- Restore ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def target_holds_data() -> bool:
    """Whether the configured database already holds people or journal entries (a fresh
    or freshly migrated database holds neither)."""
    from cercle.core.models import JournalEntry, User

    connection = connections[ALIAS]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in (User, JournalEntry):
            if model._meta.db_table in tables:
                cursor.execute(f"SELECT 1 FROM {quote(model._meta.db_table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def _check_compatible(manifest: dict[str, Any], vendor: str) -> Facts:
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("dump") != DUMP_NAMES.get(
        str(database.get("vendor"))
    ):
        raise damaged(_("manifest.json names no database dump"))
    if database["vendor"] != vendor:
        raise BackupError(
            _(
                "This archive holds a %(archive)s database; the configured database is "
                "%(target)s. A %(archive)s dump restores only into %(archive)s."
            )
            % {"archive": VENDOR_NAMES[database["vendor"]], "target": VENDOR_NAMES[vendor]},
            code="vendor",
        )
    facts = Facts.from_dict(manifest.get("facts") or {})
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app}.{name}"
        for app, name in facts.migrations.items()
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    ]
    if unknown:
        raise BackupError(
            _(
                "This archive was made by a newer Cercle (migrations %(names)s are unknown "
                "here); install that version first. Nothing was changed."
            )
            % {"names": ", ".join(unknown)},
            code="newer",
        )
    return facts


def inspect(path: Path) -> dict[str, Any]:
    """Check an archive without restoring it (format and sha256 of every member)."""
    with tempfile.TemporaryDirectory(prefix="cercle-inspect-") as scratch:
        manifest, hashes = stage(Path(path), Path(scratch))
        check_members(manifest, hashes)
    return manifest


def _replace_media(staged: Path, media_root: Path) -> None:
    """Move the staged files in, after moving the current ones aside (same file system)."""
    media_root.mkdir(parents=True, exist_ok=True)
    aside = Path(tempfile.mkdtemp(prefix=".cercle-media-before-restore-", dir=media_root.parent))
    for child in list(media_root.iterdir()):
        shutil.move(child, aside / child.name)
    if staged.is_dir():
        for child in list(staged.iterdir()):
            shutil.move(child, media_root / child.name)
    shutil.rmtree(aside, ignore_errors=True)


def restore(path: Path, *, force: bool = False) -> RestoreResult:
    """Restore an archive into the configured database and MEDIA_ROOT, then check it.

    Refusals (a damaged archive, another vendor, a newer Cercle, a database holding data
    without `force`) raise `BackupError` before anything is changed."""
    started = time.monotonic()
    vendor = vendor_of(ALIAS)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".cercle-restore-", dir=media_root.parent))
    try:
        manifest, hashes = stage(Path(path), scratch)
        check_members(manifest, hashes)
        expected = _check_compatible(manifest, vendor)
        if not force and target_holds_data():
            raise BackupError(
                _(
                    "The configured database already holds data; restoring replaces all of "
                    "it. Run again with --yes to confirm. Nothing was changed."
                ),
                code="holds_data",
            )
        outside_transaction()
        restore_database(scratch / manifest["database"]["dump"], vendor, ALIAS)
        _replace_media(scratch / "media", media_root)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    # Pages kept by running workers were computed from the data just replaced.
    resume_and_bump_epoch(using=ALIAS)
    result = RestoreResult(manifest=manifest)
    result.checks = run_checks(expected, manifest, media_root)
    executor = MigrationExecutor(connections[ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        result.notes.append(
            _("This Cercle has newer migrations than the archive: run `manage.py migrate`.")
        )
    result.seconds = time.monotonic() - started
    return result


def run_checks(expected: Facts, manifest: dict[str, Any], media_root: Path) -> list[Check]:
    """The journal chain, the ledger, the record counts and the media files."""
    from cercle.core import journal
    from cercle.reciprocity import ledger

    checks: list[Check] = []

    def attempt(name: str, probe: Any) -> None:
        try:
            checks.append(probe())
        except DatabaseError as error:
            checks.append(Check(name, False, _("could not be read (%(error)s)") % {"error": error}))

    def journal_check() -> Check:
        verified = journal.verify()
        actual = live_facts(ALIAS)
        if not verified.ok:
            return Check("journal", False, verified.reason)
        if (actual.journal_seq, actual.journal_hash) != (
            expected.journal_seq,
            expected.journal_hash,
        ):
            return Check(
                "journal",
                False,
                _("head #%(found)s is not the archive's #%(expected)s")
                % {"found": actual.journal_seq, "expected": expected.journal_seq},
            )
        return Check(
            "journal",
            True,
            _("%(count)s entries, chain intact, head #%(seq)s as in the archive")
            % {"count": verified.checked, "seq": actual.journal_seq},
        )

    def trial_balance_check() -> Check:
        ok = ledger.trial_balance_is_zero()
        return Check(
            "ledger balance",
            ok,
            _("the trial balance is zero") if ok else _("the trial balance is NOT zero"),
        )

    def unbalanced_check() -> Check:
        unbalanced = ledger.unbalanced_transactions()
        return Check(
            "ledger transactions",
            not unbalanced,
            _("every posted transaction balances")
            if not unbalanced
            else _("unbalanced transactions: %(ids)s") % {"ids": unbalanced},
        )

    def counts_check() -> Check:
        differences = compare_counts(expected.counts, live_facts(ALIAS).counts)
        if differences:
            return Check("record counts", False, "; ".join(differences[:20]))
        return Check(
            "record counts",
            True,
            _("%(models)s models, %(records)s records, as in the archive")
            % {"models": len(expected.counts), "records": sum(expected.counts.values())},
        )

    def media_check() -> Check:
        names = [name for name in manifest["files"] if name.startswith("media/")]
        missing = [
            name
            for name in names
            if not (media_root / name.removeprefix("media/")).is_file()
            or (media_root / name.removeprefix("media/")).stat().st_size
            != manifest["files"][name]["size"]
        ]
        if missing:
            return Check("media", False, _("missing: %(names)s") % {"names": missing[:20]})
        return Check("media", True, _("%(count)s files in place") % {"count": len(names)})

    attempt("journal", journal_check)
    attempt("ledger balance", trial_balance_check)
    attempt("ledger transactions", unbalanced_check)
    attempt("record counts", counts_check)
    checks.append(media_check())
    return checks
