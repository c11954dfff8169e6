"""The archive: one .tar.gz holding the database dump, the media files and
`manifest.json` (written last, once every member's sha256 is known).

An archive is written under a temporary name and renamed at the end, so a backup that
fails leaves no file that looks complete. Reading stages every member in a directory
while hashing it; nothing is used before every hash matched the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _

from cercle.core.backup.databases import BackupError

FORMAT = "cercle-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class _HashingReader:
    """Reads from a file while hashing exactly what was read."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


class ArchiveWriter:
    """Adds members to a tar.gz and remembers their sha256 for the manifest."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar
        self.files: dict[str, dict[str, Any]] = {}

    def add_file(self, path: Path, name: str) -> None:
        with path.open("rb") as raw:
            size = os.fstat(raw.fileno()).st_size
            reader = _HashingReader(raw)
            self.tar.addfile(_tarinfo(name, size, path.stat().st_mtime), reader)  # type: ignore[arg-type]
        self.files[name] = {"sha256": reader.sha256.hexdigest(), "size": size}

    def add_manifest(self, manifest: dict[str, Any]) -> None:
        data = json.dumps({**manifest, "files": self.files}, indent=2, sort_keys=True).encode()
        self.tar.addfile(_tarinfo(MANIFEST, len(data), time.time()), io.BytesIO(data))


@contextmanager
def writing(output: Path) -> Iterator[ArchiveWriter]:
    """Write the archive beside `output` under a hidden name; rename it when complete."""
    partial = output.with_name(f".{output.name}.partial-{os.getpid()}")
    try:
        with partial.open("xb") as raw:
            os.chmod(partial, 0o600)  # it holds everyone's personal data
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                yield ArchiveWriter(tar)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under MEDIA_ROOT (symbolic links are not followed), sorted."""
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path, "media/" + path.relative_to(root).as_posix()


# --- Reading ----------------------------------------------------------------------------


def damaged(detail: str) -> BackupError:
    return BackupError(
        _("The archive is damaged or is not a Cercle backup (%(detail)s); nothing was changed.")
        % {"detail": detail},
        code="damaged",
    )


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise damaged(_("unsafe member name %(name)s") % {"name": name})
    if path.parts[0] not in ("media", "database") and name != MANIFEST:
        raise damaged(_("unexpected member %(name)s") % {"name": name})
    return path


def stage(archive: Path, into: Path) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    """Extract every member into `into`, hashing each; return the manifest and the
    (sha256, size) of every other member. Only regular files are accepted."""
    hashes: dict[str, tuple[str, int]] = {}
    manifest_bytes = b""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile():
                    raise damaged(_("%(name)s is not a regular file") % {"name": member.name})
                path = _safe_name(member.name)
                source = tar.extractfile(member)
                assert source is not None
                if member.name == MANIFEST:
                    manifest_bytes = source.read(16 * 1024 * 1024)
                    continue
                if member.name in hashes:
                    raise damaged(_("%(name)s appears twice") % {"name": member.name})
                target = into.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                sha256 = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        sha256.update(chunk)
                        out.write(chunk)
                hashes[member.name] = (sha256.hexdigest(), member.size)
            # Read to the end, so that gzip checks its CRC and length too.
            assert tar.fileobj is not None
            while tar.fileobj.read(CHUNK):
                pass
    except (tarfile.TarError, zlib.error, EOFError) as error:
        raise damaged(str(error) or type(error).__name__) from error
    except OSError as error:
        if isinstance(error, FileNotFoundError) and not archive.exists():
            raise BackupError(
                _("%(path)s does not exist.") % {"path": archive}, code="missing"
            ) from error
        raise damaged(str(error)) from error
    if not manifest_bytes:
        raise damaged(_("no manifest.json"))
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as error:
        raise damaged(_("manifest.json is not JSON")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise damaged(_("manifest.json is not a Cercle manifest"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("This archive uses format %(found)s; this Cercle reads format %(known)s.")
            % {"found": manifest.get("format_version"), "known": FORMAT_VERSION},
            code="newer",
        )
    return manifest, hashes


def check_members(manifest: dict[str, Any], hashes: dict[str, tuple[str, int]]) -> None:
    """Every member is listed in the manifest with its sha256 and size, and only those."""
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        raise damaged(_("manifest.json lists no files"))
    for name in sorted(set(listed) | set(hashes)):
        if name not in hashes:
            raise damaged(_("%(name)s is missing") % {"name": name})
        if name not in listed:
            raise damaged(_("%(name)s is not in the manifest") % {"name": name})
        expected = listed[name]
        if not isinstance(expected, dict) or (expected.get("sha256"), expected.get("size")) != (
            hashes[name][0],
            hashes[name][1],
        ):
            raise damaged(_("%(name)s does not match its sha256") % {"name": name})
