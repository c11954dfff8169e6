"""Uploaded files: the type is read from the content, never trusted from the name."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# What the network exchanges: PDF, office documents (OpenDocument, Office Open XML),
# images, plain text. The key is the kind read from the content.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "odt": ("application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (".odp",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
    ),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "txt": ("text/plain", (".txt", ".md")),
}
DOCUMENT_KINDS = frozenset(KINDS)
METHOD_FILE_KINDS = frozenset({"pdf", "odt", "docx", "txt"})


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int
    name: str


def _sniff(head: bytes, stream: IO[bytes]) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    for kind, (content_type, _ext) in KINDS.items():
                        if content_type == mimetype:
                            return kind
                    return None
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "ppt/presentation.xml" in names:
                    return "pptx"
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt" if "\x00" not in text else None


def check_upload(
    upload: Any,
    *,
    field: str,
    kinds: frozenset[str] = DOCUMENT_KINDS,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> CheckedUpload:
    """Refuse a file that is too big, or whose content is not one of `kinds`.

    Raises `ValidationError({field: …})`; the message names the file and what is allowed.
    """
    name = PurePath(str(getattr(upload, "name", "") or "file")).name[:200]
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ValidationError({field: [_("“%(name)s” is empty.") % {"name": name}]})
    if size > max_bytes:
        raise ValidationError(
            {
                field: [
                    _("“%(name)s” is too big (%(size)s); the limit is %(limit)s.")
                    % {
                        "name": name,
                        "size": filesizeformat(size),
                        "limit": filesizeformat(max_bytes),
                    }
                ]
            }
        )
    upload.seek(0)
    head = upload.read(4096)
    kind = _sniff(head, upload)
    upload.seek(0)
    allowed = sorted({ext for k in kinds for ext in KINDS[k][1]})
    if kind not in kinds:
        raise ValidationError(
            {
                field: [
                    _("“%(name)s” is not an accepted kind of file. Accepted: %(kinds)s.")
                    % {"name": name, "kinds": ", ".join(allowed)}
                ]
            }
        )
    assert kind is not None
    return CheckedUpload(
        kind=kind, content_type=KINDS[kind][0], size=size, name=_named_as(name, kind)
    )


def _named_as(name: str, kind: str) -> str:
    """The name with an extension of what the content is: a text named `rapport.html` is
    kept as `rapport.html.txt`, a PDF named `cdc.txt` as `cdc.pdf`, so that no later
    reader (a browser, a desktop) goes by a name the content contradicts."""
    extensions = KINDS[kind][1]
    path = PurePath(name)
    if path.suffix.lower() in extensions:
        return name
    if path.suffix.lower() in {ext for _k, (_ct, exts) in KINDS.items() for ext in exts}:
        return (path.stem or "file") + extensions[0]
    return name + extensions[0]


def download_response(fieldfile: Any, *, filename: str, content_type: str = "") -> FileResponse:
    """Serve a stored file as an attachment (private files never go through MEDIA_URL)."""
    response = FileResponse(
        fieldfile.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type or None,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
