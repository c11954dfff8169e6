"""Strip identities from an offer's text, and find names left in an uploaded file.

Matching is case-insensitive, accent-insensitive and on whole words: "Élodie" is found
in "ELODIE" and "elodie," but not in "Elodiennes". Separators inside a name (space,
hyphen, apostrophe) match any of them, so "Jean-Luc" is found as "jean luc" too.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import IO, Any
from xml.etree import ElementTree

MASK = "[…]"

# A name shorter than this would strip ordinary words ("Al" stays, "A" does not).
MIN_TERM_LENGTH = 2
# Bounds on what is read from an uploaded file, whatever it claims.
MAX_PDF_PAGES = 300
MAX_XML_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000

_SEPARATORS = r"[\s\-‐‑–'’]+"
_SPLIT = re.compile(_SEPARATORS)


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Lower case without accents: the form names are compared in."""
    return "".join(_fold_char(c) for c in text)


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each folded character the index of its source character."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def _terms(names: Iterable[str]) -> list[str]:
    """Folded terms to look for, longest first, without duplicates or useless ones."""
    seen: dict[str, None] = {}
    for name in names:
        term = fold(str(name or "")).strip()
        if len(term) >= MIN_TERM_LENGTH and re.search(r"\w", term):
            seen[term] = None
    return sorted(seen, key=lambda t: (-len(t), t))


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    parts = [_SEPARATORS.join(re.escape(p) for p in _SPLIT.split(t) if p) for t in terms]
    return re.compile(r"(?<!\w)(?:" + "|".join(p for p in parts if p) + r")(?!\w)")


def _matches(text: str, names: Iterable[str]) -> tuple[list[tuple[int, int, str]], list[int]]:
    terms = _terms(names)
    pattern = _pattern(terms)
    if pattern is None or not text:
        return [], []
    folded, origin = _folded_with_map(text)
    spans = [
        (origin[m.start()], origin[m.end() - 1] + 1, m.group())
        for m in pattern.finditer(folded)
        if m.end() > m.start()
    ]
    return spans, origin


def strip_names(text: str, names: Iterable[str]) -> str:
    """`text` with every whole-word occurrence of one of `names` replaced by "[…]"."""
    spans, _origin = _matches(text or "", list(names))
    if not spans:
        return text or ""
    pieces: list[str] = []
    cursor = 0
    for start, end, _found in spans:
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(MASK)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def find_names(text: str, names: Iterable[str]) -> list[str]:
    """The `names` (as given) that occur in `text` as whole words, in the order given;
    a name inside a longer one counts too ("Élodie" in "Élodie Martin")."""
    folded = fold(text or "")
    found: dict[str, None] = {}
    for name in names:
        pattern = _pattern(_terms([str(name or "")]))
        if pattern is not None and pattern.search(folded):
            found[str(name)] = None
    return list(found)


# ---------------------------------------------------------------- text of a file


def _read_all(file: Any) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return bytes(data)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    texts = []
    for page in reader.pages[:MAX_PDF_PAGES]:
        texts.append(page.extract_text() or "")
    return "\n".join(texts)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_paragraphs(xml: bytes, paragraph_tags: set[str], text_tags: set[str]) -> list[str]:
    """Text of each paragraph; runs inside a paragraph are joined without spaces (a word
    processor splits "Dupont" into "Du" + "pont" when the formatting changes)."""
    # Office files never carry a DTD: refusing one rules out entity expansion attacks,
    # and ElementTree resolves no external entity.
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise ValueError("a DTD in an office file")
    root = ElementTree.fromstring(xml)  # noqa: S314 — DTDs refused above
    paragraphs: list[str] = []

    def walk(node: Any, out: list[str], in_text: bool) -> None:
        name = _local(node.tag)
        if name in {"s", "tab", "br", "line-break", "cr"}:
            out.append(" ")
        if (in_text or name in text_tags) and node.text:
            out.append(node.text)
        for child in node:
            walk(child, out, in_text or name in text_tags)
            if in_text and child.tail:
                out.append(child.tail)

    for node in root.iter():
        if _local(node.tag) in paragraph_tags:
            out: list[str] = []
            walk(node, out, _local(node.tag) in text_tags)
            paragraphs.append("".join(out))
    return paragraphs


def _zip_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_BYTES:
        raise ValueError("member too big")
    with archive.open(info) as member:
        return member.read(MAX_XML_BYTES + 1)[:MAX_XML_BYTES]


def _odt_text(archive: zipfile.ZipFile) -> str:
    texts: list[str] = []
    for name in ("content.xml", "styles.xml"):  # styles.xml holds headers and footers
        if name in archive.namelist():
            texts += _xml_paragraphs(_zip_member(archive, name), {"p", "h"}, {"p", "h"})
    return "\n".join(texts)


def _docx_text(archive: zipfile.ZipFile) -> str:
    parts = [
        n
        for n in archive.namelist()
        if n == "word/document.xml"
        or re.fullmatch(r"word/(header|footer|footnotes|endnotes|comments)\d*\.xml", n)
    ]
    texts: list[str] = []
    for name in sorted(parts):
        texts += _xml_paragraphs(_zip_member(archive, name), {"p"}, {"t"})
    return "\n".join(texts)


def extract_text(file: IO[bytes] | Any) -> str:
    """The readable text of a PDF, ODT, DOCX or plain-text file; "" when it cannot be read.

    Reading is best effort: a file that cannot be read gives no warning rather than an
    error (the upload itself was already checked by `core.uploads.check_upload`).
    """
    try:
        data = _read_all(file)
        if data.startswith(b"%PDF-"):
            text = _pdf_text(data)
        elif data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    text = _docx_text(archive)
                elif "content.xml" in names:
                    text = _odt_text(archive)
                else:
                    text = ""
        else:
            text = data.decode("utf-8", errors="replace")
    except Exception:  # a broken file must never break the upload
        return ""
    return text[:MAX_TEXT_CHARS]
