"""Factories for support letters and reading criteria (built without services, for
tests' set-up), and the small files a dossier upload needs."""

from __future__ import annotations

import datetime
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from cercle.decisions.enums import LetterStatus
from cercle.decisions.models import (
    Proposal,
    ReadingCriterion,
    SupportLetterRequest,
    Vote,
    VoteChoice,
)
from cercle.network.models import Person
from tests.factories.network import OrganizationFactory, PersonFactory

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "dossier.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def docx_upload(name: str = "dossier.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def png_upload(name: str = "dossier.pdf") -> SimpleUploadedFile:
    """An image disguised as a PDF by its name: refused by content."""
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")


class ReadingCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingCriterion

    title = factory.Sequence(lambda n: f"Critère n°{n}")
    description = "Ce que la personne qui relit regarde."
    position = factory.Sequence(lambda n: 100 + n)


class SupportLetterRequestFactory(factory.django.DjangoModelFactory):
    """A submitted request, the requester belonging to nothing in particular."""

    class Meta:
        model = SupportLetterRequest
        skip_postgeneration_save = True

    project_name = factory.Sequence(lambda n: f"La Fabrique n°{n}")
    project_key = factory.LazyAttribute(lambda o: slugify(o.project_name))
    project_summary = "Un atelier partagé et un café associatif dans une ancienne gare."
    holder = factory.SubFactory(OrganizationFactory)
    call_name = "Appel à projets Fabriques de territoire"
    call_url = "https://example.org/appel"
    call_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    dossier = factory.django.FileField(filename="dossier.pdf", data=PDF_BYTES)
    requested_by = factory.SubFactory(PersonFactory)
    contact_email = "contact@fabrique.example.org"
    status = LetterStatus.SUBMITTED

    @factory.post_generation
    def operators(self, create: bool, extracted: list[object] | None, **kwargs: object) -> None:
        if create and extracted:
            self.operators.set(extracted)


def consent_vote(proposal: Proposal, person: Person, key: str) -> Vote:
    """A consent vote row (agree, abstain, disagree, block) without the service's checks;
    the person's previous vote stays in the history."""
    Vote.objects.filter(proposal=proposal, voter=person, is_latest=True).update(is_latest=False)
    vote = Vote.objects.create(
        proposal=proposal,
        voter=person,
        cast_at=timezone.now(),
        reason="Parce que." if key in ("disagree", "block") else "",
        alternative="Revoir le dossier." if key == "block" else "",
    )
    VoteChoice.objects.create(vote=vote, option=proposal.options.get(key=key), value=1)
    return vote
