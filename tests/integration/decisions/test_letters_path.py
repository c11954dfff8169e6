"""A support letter from the request to the PDF, through the pages, and the refusals on
the way (conflicted reviewer, one letter per project, bad input)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from pypdf import PdfReader

from cercle.core.models import JournalEntry
from cercle.decisions.enums import LetterStatus, ProposalStatus
from cercle.decisions.models import (
    LetterAssessment,
    Proposal,
    ReadingCriterion,
    SupportLetterRequest,
)
from cercle.decisions.services.letters_decision import CLOSING_MARGIN
from cercle.decisions.tasks_letters import decide_support_letter
from cercle.network.enums import ActorType
from tests.factories.decisions_letters import consent_vote, pdf_upload, png_upload
from tests.factories.decisions_threads import AssociationGroupFactory
from tests.factories.network import (
    ContributorFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    StewardFactory,
    SupporterFactory,
)
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world() -> dict[str, Any]:
    AssociationGroupFactory()
    holder = OrganizationFactory(name="Tiers-lieu de la Gare Haute")
    operator = OrganizationFactory(name="Cabinet Boussole", actor_type=ActorType.PRESTATAIRE)
    requester = PersonFactory()
    OrganizationMembershipFactory(organization=holder, person=requester)
    tied = ContributorFactory(first_name="Armelle", last_name="Pradier")
    OrganizationMembershipFactory(organization=operator, person=tied)
    return {
        "holder": holder,
        "operator": operator,
        "requester": requester,
        "tied": tied,
        "steward": StewardFactory(),
        "reviewer": ContributorFactory(first_name="Bastien", last_name="Oriol"),
    }


def _deadline(days: int = 20) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def request_data(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "project_name": "La Fabrique des Possibles",
        "project_summary": "Un atelier partagé et un café associatif dans l'ancienne gare.",
        "holder": world["holder"].slug,
        "operators": [world["operator"].slug],
        "call_name": "Fabriques de territoire 2026",
        "call_url": "https://example.org/appel",
        "call_deadline": timezone.localtime(_deadline()).strftime("%Y-%m-%dT%H:%M"),
        "contact_email": "bonjour@gare-haute.example.org",
        "dossier": pdf_upload(),
    }
    data.update(changes)
    return data


def test_the_whole_path_from_request_to_pdf(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    requester = logged_in(world["requester"])
    assert requester.get("/lettres-de-soutien/demander/").status_code == 200
    response = requester.post("/lettres-de-soutien/demander/", request_data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    letter = SupportLetterRequest.objects.get()
    assert letter.status == LetterStatus.SUBMITTED
    assert letter.project_key == "la-fabrique-des-possibles"
    assert list(letter.operators.all()) == [world["operator"]]
    assert letter.dossier.name.endswith("dossier.pdf")

    # The steward sees candidates with their conflicts explained, and a tied pick fails.
    steward = logged_in(world["steward"])
    page = steward.get(f"/lettres-de-soutien/{letter.uuid}/relecteur/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Armelle Pradier" in text
    with translation.override("fr"):
        reason = gettext("belongs to the organization “%(name)s”") % {"name": "Cabinet Boussole"}
    assert reason in text
    refused = steward.post(
        f"/lettres-de-soutien/{letter.uuid}/relecteur/", {"person": world["tied"].slug}
    )
    assert refused.status_code == 409
    assert reason in refused.content.decode()
    letter.refresh_from_db()
    assert letter.reviewer is None
    assert letter.status == LetterStatus.SUBMITTED
    appointed = steward.post(
        f"/lettres-de-soutien/{letter.uuid}/relecteur/", {"person": world["reviewer"].slug}
    )
    assert appointed.status_code == 302
    letter.refresh_from_db()
    assert letter.reviewer == world["reviewer"]
    assert letter.status == LetterStatus.IN_REVIEW

    # The reviewer assesses every active criterion; the proposal opens.
    reviewer = logged_in(world["reviewer"])
    criteria = list(ReadingCriterion.objects.filter(is_active=True))
    assert len(criteria) == 6  # seeded by the migration
    form = reviewer.get(f"/lettres-de-soutien/{letter.uuid}/relecture/")
    assert form.status_code == 200
    review: dict[str, str] = {"summary": "Un projet solide, ouvert et bien ancré."}
    missing = dict(review)
    for criterion in criteria:
        review[f"criterion_{criterion.uuid}"] = "met"
        review[f"comment_{criterion.uuid}"] = "Oui."
    missing.update(dict(list(review.items())[:3]))
    assert (
        reviewer.post(f"/lettres-de-soutien/{letter.uuid}/relecture/", missing).status_code == 400
    )
    assert not LetterAssessment.objects.exists()
    sent = reviewer.post(f"/lettres-de-soutien/{letter.uuid}/relecture/", review)
    assert sent.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.IN_DECISION
    proposal = letter.proposal
    assert proposal is not None
    assert proposal.author is None
    assert proposal.closes_at == letter.call_deadline - CLOSING_MARGIN
    assert "La Fabrique des Possibles" in proposal.details
    assert "Un projet solide" in proposal.details
    assert str(letter.uuid) in proposal.details

    # Too early: the task does nothing.
    assert decide_support_letter.call(str(letter.uuid)) is False
    voters = [SupporterFactory() for _ in range(3)]
    consent_vote(proposal, voters[0], "agree")
    consent_vote(proposal, voters[1], "agree")
    consent_vote(proposal, voters[2], "disagree")
    now = timezone.now()
    Proposal.objects.filter(pk=proposal.pk).update(
        opened_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(minutes=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert decide_support_letter.call(str(letter.uuid)) is True
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED
    assert letter.issued_at is not None
    assert letter.holder_invited_at is not None
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED
    # Idempotent: a second run (the sweep) changes nothing.
    assert decide_support_letter.call(str(letter.uuid)) is False

    recipients = {m.to[0] for m in mail.outbox}
    assert world["requester"].user.email in recipients
    invitation = next(m for m in mail.outbox if m.to == ["bonjour@gare-haute.example.org"])
    assert "/adhesion/" in invitation.body
    assert f"/lettres-de-soutien/{letter.uuid}/" in invitation.body

    detail = requester.get(f"/lettres-de-soutien/{letter.uuid}/")
    assert detail.status_code == 200
    assert f"/lettres-de-soutien/{letter.uuid}/lettre.pdf" in detail.content.decode()
    pdf = requester.get(f"/lettres-de-soutien/{letter.uuid}/lettre.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    # WeasyPrint may break a line after a hyphen.
    text = " ".join(text.split()).replace("- ", "-")
    assert "La Fabrique des Possibles" in text
    assert "Tiers-lieu de la Gare Haute" in text
    assert "Fabriques de territoire 2026" in text
    assert "Association Cercle des tiers-lieux" in text

    public = JournalEntry.objects.get(verb="letter.approved")
    assert public.visibility == "public"
    assert public.payload["holder"] == "Tiers-lieu de la Gare Haute"


def test_a_block_refuses_the_letter(world: dict[str, Any]) -> None:
    from tests.factories.decisions_letters import SupportLetterRequestFactory

    letter = SupportLetterRequestFactory(
        holder=world["holder"], requested_by=world["requester"], status=LetterStatus.IN_REVIEW
    )
    letter.reviewer = world["reviewer"]
    letter.save()
    from cercle.decisions.services.letters import letter_review_submit

    letter_review_submit(
        actor=world["reviewer"].user,
        letter=letter,
        assessments={
            str(c.uuid): {"assessment": "partly", "comment": ""}
            for c in ReadingCriterion.objects.filter(is_active=True)
        },
        summary="Des réserves.",
    )
    letter.refresh_from_db()
    assert letter.proposal is not None
    voters = [SupporterFactory() for _ in range(3)]
    consent_vote(letter.proposal, voters[0], "agree")
    consent_vote(letter.proposal, voters[1], "agree")
    consent_vote(letter.proposal, voters[2], "block")
    now = timezone.now()
    Proposal.objects.filter(pk=letter.proposal.pk).update(
        opened_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(minutes=1)
    )
    from cercle.decisions.services.letters_decision import letters_decide_due

    assert letters_decide_due() == 1
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REFUSED
    assert not letter.letter_pdf
    assert (
        logged_in(world["requester"])
        .get(f"/lettres-de-soutien/{letter.uuid}/lettre.pdf")
        .status_code
        == 403
    )


def test_one_letter_per_project(world: dict[str, Any]) -> None:
    client = logged_in(world["requester"])
    assert client.post("/lettres-de-soutien/demander/", request_data(world)).status_code == 302
    again = client.post(
        "/lettres-de-soutien/demander/",
        request_data(world, project_name="  la fabrique des POSSIBLES "),
    )
    assert again.status_code == 400
    assert (
        fr("This organization already asked for a letter for this project: one letter per project.")
        in again.content.decode()
    )
    assert SupportLetterRequest.objects.count() == 1
    # Withdrawn, the project may ask again.
    letter = SupportLetterRequest.objects.get()
    assert client.post(f"/lettres-de-soutien/{letter.uuid}/retirer/").status_code == 302
    assert client.post("/lettres-de-soutien/demander/", request_data(world)).status_code == 302
    assert SupportLetterRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"call_deadline": "2020-01-01T10:00"},
            "call_deadline",
            "The call's deadline must be in the future.",
        ),
        (
            {"dossier": png_upload()},
            "dossier",
            None,
        ),
        ({"project_name": ""}, "project_name", None),
        ({"contact_email": "pas-une-adresse"}, "contact_email", None),
    ],
)
def test_bad_requests_are_400_and_create_nothing(
    world: dict[str, Any], changes: dict[str, Any], field: str, message: str | None
) -> None:
    response = logged_in(world["requester"]).post(
        "/lettres-de-soutien/demander/", request_data(world, **changes)
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert f'id="id_{field}_errors"' in text
    if message:
        assert escape(fr(message)) in text
    assert not SupportLetterRequest.objects.exists()


def test_a_deadline_under_three_days_is_refused(world: dict[str, Any]) -> None:
    soon = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = logged_in(world["requester"]).post(
        "/lettres-de-soutien/demander/", request_data(world, call_deadline=soon)
    )
    assert response.status_code == 400
    assert 'id="id_call_deadline_errors"' in response.content.decode()


def test_a_provider_cannot_hold_a_project_nor_be_holder_and_operator(
    world: dict[str, Any],
) -> None:
    steward = logged_in(world["steward"])
    as_provider = steward.post(
        "/lettres-de-soutien/demander/",
        request_data(world, holder=world["operator"].slug, operators=[]),
    )
    # A provider is not even offered as a holder.
    assert as_provider.status_code == 400
    assert 'id="id_holder_errors"' in as_provider.content.decode()
    both = steward.post(
        "/lettres-de-soutien/demander/",
        request_data(world, operators=[world["holder"].slug]),
    )
    assert both.status_code == 400
    assert 'id="id_operators_errors"' in both.content.decode()
    assert not SupportLetterRequest.objects.exists()


def test_someone_outside_the_holder_cannot_ask_for_it(world: dict[str, Any]) -> None:
    outsider = PersonFactory()
    response = logged_in(outsider).post("/lettres-de-soutien/demander/", request_data(world))
    assert response.status_code == 400
    assert not SupportLetterRequest.objects.exists()


def test_the_requester_cannot_review_and_non_stewards_cannot_appoint(
    world: dict[str, Any],
) -> None:
    client = logged_in(world["requester"])
    client.post("/lettres-de-soutien/demander/", request_data(world))
    letter = SupportLetterRequest.objects.get()
    world["requester"].engagement_level = "contributeur"
    world["requester"].save()
    steward = logged_in(world["steward"])
    response = steward.post(
        f"/lettres-de-soutien/{letter.uuid}/relecteur/", {"person": world["requester"].slug}
    )
    assert response.status_code == 409
    assert fr("asked for this letter") in response.content.decode()
    assert (
        logged_in(world["reviewer"])
        .get(f"/lettres-de-soutien/{letter.uuid}/relecteur/")
        .status_code
        == 403
    )
    supporter = logged_in(SupporterFactory())
    appoint = supporter.post(
        f"/lettres-de-soutien/{letter.uuid}/relecteur/", {"person": world["reviewer"].slug}
    )
    assert appoint.status_code == 403
    letter.refresh_from_db()
    assert letter.reviewer is None


def test_a_non_member_sees_only_their_own_requests(world: dict[str, Any]) -> None:
    client = logged_in(world["requester"])
    client.post("/lettres-de-soutien/demander/", request_data(world))
    letter = SupportLetterRequest.objects.get()
    stranger = logged_in(PersonFactory())
    assert stranger.get(f"/lettres-de-soutien/{letter.uuid}/").status_code == 404
    assert "La Fabrique" not in stranger.get("/lettres-de-soutien/").content.decode()
    assert "La Fabrique" in client.get("/lettres-de-soutien/").content.decode()
    member = logged_in(SupporterFactory())
    assert "La Fabrique" in member.get("/lettres-de-soutien/").content.decode()
    assert member.get(f"/lettres-de-soutien/{letter.uuid}/dossier/").status_code == 200
    assert stranger.get(f"/lettres-de-soutien/{letter.uuid}/dossier/").status_code == 404


def test_no_association_group_is_a_clear_refusal_to_stewards(world: dict[str, Any]) -> None:
    from cercle.decisions.models import Group

    client = logged_in(world["requester"])
    client.post("/lettres-de-soutien/demander/", request_data(world))
    letter = SupportLetterRequest.objects.get()
    Group.objects.all().delete()
    response = logged_in(world["steward"]).post(
        f"/lettres-de-soutien/{letter.uuid}/relecteur/", {"person": world["reviewer"].slug}
    )
    assert response.status_code == 409
    assert fr("The association") in response.content.decode() or "association" in (
        response.content.decode()
    )
    letter.refresh_from_db()
    assert letter.reviewer is None
