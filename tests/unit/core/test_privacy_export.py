"""Export: a ZIP of JSON files, one a table, with the person's rows and their PDFs."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from cercle.core.errors import NotAllowed
from cercle.core.privacy.erasure import person_erase
from cercle.core.privacy.export import personal_data_export
from cercle.network.models import Person
from tests.factories.decisions_threads import CommentFactory
from tests.factories.missions import MissionFactory, OfferFactory, TeamFactory
from tests.factories.network import OrganizationMembershipFactory, PersonFactory
from tests.unit.core.test_privacy_erasure import EMAIL, LAST, PASSWORD, history, person

pytestmark = pytest.mark.django_db
__all__ = ["history", "person"]  # fixtures shared with the erasure tests


def unzip(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name) if name.endswith(".pdf") else json.loads(archive.read(name))
            for name in archive.namelist()
        }


def test_the_export_holds_the_persons_rows_table_by_table(
    person: Person, history: dict[str, Any]
) -> None:
    OrganizationMembershipFactory(person=person)
    files = unzip(personal_data_export(actor=person.user, user=person.user))
    assert files["network.person.json"][0]["last_name"] == LAST
    assert files["core.user.json"][0]["email"] == EMAIL
    for table in (
        "membership.chartersignature",
        "network.organizationmembership",
        "network.organization",
        "missions.team",
        "missions.offer",
        "missions.mission",
        "reciprocity.yearlydeclaration",
        "reciprocity.payment",
        "reciprocity.receipt",
        "decisions.comment",
        "core.notification",
        "core.apitoken",
        "core.journalentry",
    ):
        assert files[f"{table}.json"], table
    assert files["README.json"]["tables"]["decisions.comment"] == 1
    pdfs = [name for name in files if name.endswith(".pdf")]
    assert any(name.startswith("documents/recu-") for name in pdfs)
    assert any(name.startswith("documents/charte-") for name in pdfs)
    assert all(files[name].startswith(b"%PDF") for name in pdfs)


def test_the_export_holds_no_secret_and_nothing_of_others(
    person: Person, history: dict[str, Any]
) -> None:
    stranger = PersonFactory(last_name="Quintanilla-Brossard")
    CommentFactory(author=stranger, body="Rien à voir.")
    data = personal_data_export(actor=person.user, user=person.user, with_documents=False)
    files = unzip(data)
    assert b"Quintanilla" not in data
    assert "password" not in files["core.user.json"][0]
    assert "key_hash" not in files["core.apitoken.json"][0]
    assert all("digest_salt" not in entry for entry in files["core.journalentry.json"])
    others = [row for row in files["decisions.comment.json"] if row["author_id"] != person.pk]
    assert others == []


def test_the_export_makes_the_same_number_of_queries_whatever_the_history(
    person: Person, django_assert_max_num_queries: Any
) -> None:
    """One query a table: a long history costs no more queries than a short one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as short:
        personal_data_export(actor=person.user, user=person.user, with_documents=False)
    for _ in range(5):
        CommentFactory(author=person)
        MissionFactory(offer=OfferFactory(team=TeamFactory(lead=person)), status="closed")
    with django_assert_max_num_queries(len(short.captured_queries)):
        personal_data_export(actor=person.user, user=person.user, with_documents=False)


def test_someone_else_cannot_export_a_persons_data(person: Person) -> None:
    with pytest.raises(NotAllowed):
        personal_data_export(actor=PersonFactory().user, user=person.user)


def test_the_export_of_an_erased_person_holds_no_personal_data(
    person: Person, history: dict[str, Any]
) -> None:
    person_erase(actor=person.user, user=person.user, password=PASSWORD)
    person.user.refresh_from_db()
    data = personal_data_export(actor=None, user=person.user)
    files = unzip(data)
    json_text = json.dumps({k: v for k, v in files.items() if not k.endswith(".pdf")})
    assert LAST not in json_text
    assert EMAIL not in json_text
    assert "Ysolde" not in json_text
