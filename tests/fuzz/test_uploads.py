"""Uploads are judged by their content, never by their name or the client's content
type, and are size-limited — on every upload field: the request's documents, the offer's
method files (named and anonymised) and the support letter's dossier."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cercle.core.uploads import (
    DOCUMENT_KINDS,
    KINDS,
    MAX_UPLOAD_BYTES,
    METHOD_FILE_KINDS,
    check_upload,
)
from cercle.decisions.services.letters import DOSSIER_KINDS
from cercle.missions.models import SupportRequest
from tests.integration.missions.test_requests_pages import form_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"\x02\x00>\x00"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Each upload field: (the service's field name, the kinds it accepts).
FIELDS = {
    "documents": DOCUMENT_KINDS,
    "method_file": METHOD_FILE_KINDS,
    "anonymised_method_file": METHOD_FILE_KINDS,
    "dossier": DOSSIER_KINDS,
}


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type)


@pytest.mark.parametrize("field", list(FIELDS))
def test_a_pdf_renamed_txt_is_a_pdf(field: str) -> None:
    checked = check_upload(upload("cdc.txt", PDF, "text/plain"), field=field, kinds=FIELDS[field])
    assert checked.kind == "pdf"
    assert checked.content_type == "application/pdf"
    assert checked.name == "cdc.pdf"


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize(
    "content",
    [ELF, WINDOWS_EXE, _zip({"payload.exe": WINDOWS_EXE}), b"\x00\x01\x02\x03"],
    ids=["elf", "exe", "zip", "binary"],
)
def test_an_executable_renamed_pdf_is_refused(field: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as refusal:
        check_upload(upload("dossier.pdf", content), field=field, kinds=FIELDS[field])
    assert "dossier.pdf" in refusal.value.message_dict[field][0]


@pytest.mark.parametrize("field", list(FIELDS))
def test_an_empty_file_is_refused(field: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        check_upload(upload("vide.pdf", b""), field=field, kinds=FIELDS[field])
    assert field in refusal.value.message_dict


@pytest.mark.parametrize("field", list(FIELDS))
def test_an_oversize_file_is_refused_before_it_is_read(field: str) -> None:
    big = upload("gros.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF) + 1))
    with pytest.raises(ValidationError) as refusal:
        check_upload(big, field=field, kinds=FIELDS[field])
    assert "gros.pdf" in refusal.value.message_dict[field][0]


def test_text_is_refused_where_only_documents_are_accepted() -> None:
    with pytest.raises(ValidationError):
        check_upload(
            upload("dossier.pdf", b"#!/bin/sh\nrm -rf /\n"), field="dossier", kinds=DOSSIER_KINDS
        )


def test_text_named_like_a_page_keeps_a_text_name() -> None:
    checked = check_upload(
        upload("page.html", b"<script>alert(1)</script>", "text/html"), field="documents"
    )
    assert checked.kind == "txt"
    assert checked.content_type == "text/plain"
    assert checked.name == "page.html.txt"


@settings(max_examples=200, deadline=None)
@given(
    content=st.binary(min_size=1, max_size=300),
    name=st.text(min_size=1, max_size=40),
    field=st.sampled_from(list(FIELDS)),
)
def test_any_content_is_accepted_as_what_it_is_or_refused_with_a_field_error(
    content: bytes, name: str, field: str
) -> None:
    try:
        file = upload(name, content)
    except SuspiciousFileOperation:
        assume(False)  # Django itself refuses such a name before any view sees it
    outcome: Any
    try:
        outcome = check_upload(file, field=field, kinds=FIELDS[field])
    except ValidationError as refusal:
        outcome = refusal
    if isinstance(outcome, ValidationError):
        assert list(outcome.message_dict) == [field]
    else:
        assert outcome.kind in FIELDS[field]
        assert outcome.name.lower().endswith(KINDS[outcome.kind][1]), outcome


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [("cdc.pdf", ELF), ("cdc.pdf", b""), ("cdc.pdf", WINDOWS_EXE)],
    ids=["elf", "empty", "exe"],
)
def test_the_public_request_form_refuses_a_bad_file_and_records_nothing(
    name: str, content: bytes
) -> None:
    response = Client().post("/demandes/deposer/", form_data(documents=[upload(name, content)]))
    assert response.status_code == 400
    assert not SupportRequest.objects.exists()
