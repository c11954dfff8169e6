"""Names stripped from an offer's text, and names found in PDF, ODT, DOCX and text files."""

from __future__ import annotations

import io
import zipfile

import pytest
import weasyprint

from cercle.missions.anonymise import MASK, extract_text, find_names, strip_names

NAMES = ["Élodie", "Martin-Durand", "Élodie Martin-Durand", "elodie-martin-durand", "Coop’Lieux"]


def test_names_are_stripped_whole_words_case_and_accent_insensitively() -> None:
    text = "ELODIE et elodie martin durand, de la coop'lieux ; les Elodiennes restent."
    assert strip_names(text, NAMES) == f"{MASK} et {MASK}, de la {MASK} ; les Elodiennes restent."


def test_nothing_to_strip_leaves_the_text_alone() -> None:
    assert strip_names("Un diagnostic partagé.", NAMES) == "Un diagnostic partagé."
    assert strip_names("Un texte", []) == "Un texte"
    assert strip_names("", NAMES) == ""


def test_one_letter_names_are_ignored() -> None:
    assert strip_names("a b c", ["a", "B"]) == "a b c"


def test_find_names_gives_the_names_found_in_the_given_order() -> None:
    found = find_names("Rédigé par MARTIN DURAND pour la Coop’Lieux.", NAMES)
    assert found == ["Martin-Durand", "Coop’Lieux"]
    assert find_names("Rien à signaler.", NAMES) == []


def _odt(paragraphs: list[str]) -> io.BytesIO:
    ns = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            f'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" {ns}>'
            f"<office:body><office:text>{body}</office:text></office:body>"
            f"</office:document-content>",
        )
    buffer.seek(0)
    return buffer


def _docx(runs: list[str]) -> io.BytesIO:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph = "".join(f"<w:r><w:t>{r}</w:t></w:r>" for r in runs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>'
            f"<w:p>{paragraph}</w:p></w:body></w:document>",
        )
    buffer.seek(0)
    return buffer


def test_text_of_an_odt_with_spans() -> None:
    odt = _odt(["Méthode de <text:span>Élo</text:span>die<text:s/>Martin", "Autre ligne"])
    text = extract_text(odt)
    assert "Élodie Martin" in text
    assert find_names(text, ["Élodie"]) == ["Élodie"]


def test_text_of_a_docx_whose_runs_split_a_name() -> None:
    docx = _docx(["Rédigé par Mar", "tin-Du", "rand."])
    assert find_names(extract_text(docx), NAMES) == ["Martin-Durand"]


def test_text_of_a_pdf() -> None:
    pdf = weasyprint.HTML(string="<p>Notre méthode, par Élodie Martin-Durand.</p>").write_pdf()
    text = extract_text(io.BytesIO(pdf))
    assert find_names(text, NAMES)[:3] == ["Élodie", "Martin-Durand", "Élodie Martin-Durand"]


def test_text_of_a_plain_text_file() -> None:
    assert find_names(extract_text(io.BytesIO("élodie".encode())), NAMES) == ["Élodie"]


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04broken", b"%PDF-1.4 garbage", b"\xff\xfe\x00"],
)
def test_a_broken_file_gives_no_text_rather_than_an_error(content: bytes) -> None:
    assert isinstance(extract_text(io.BytesIO(content)), str)


def test_an_office_file_with_a_dtd_is_not_read() -> None:
    bomb = _odt(["x"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(bomb) as source, zipfile.ZipFile(buffer, "w") as target:
        target.writestr("mimetype", source.read("mimetype"))
        target.writestr(
            "content.xml",
            '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "Élodie">]><a><p>&e;</p></a>',
        )
    buffer.seek(0)
    assert extract_text(buffer) == ""
