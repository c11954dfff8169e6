"""Demo support letters, through the services: one issued (request, reviewer, review,
votes, the proposal closed by a steward, the PDF), one being decided, one waiting for
its reviewer. Runs after the network, the circle and (when present) the threads' demo:
it uses the association's group, and creates it when no demo made it."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cercle.decisions.enums import GroupKind, GroupVisibility, MembershipRule
from cercle.decisions.models import ReadingCriterion, SupportLetterRequest
from cercle.decisions.services import letters as letters_services
from cercle.decisions.services.letters_decision import letter_decide_from_proposal
from cercle.demo.loader import Demo

# A minimal valid PDF: the demo's dossiers.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _dossier(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _PDF, content_type="application/pdf")


def _in_days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def _association_group(demo: Demo) -> None:
    from cercle.decisions.services.threads_groups import group_create

    if letters_services.association_group() is None:
        group_create(
            actor=demo.user("solene"),
            name="L'association",
            kind=GroupKind.ASSOCIATION,
            membership_rule=MembershipRule.ALL_MEMBERS,
            visibility=GroupVisibility.MEMBERS,
            description="Les décisions de l'association, prises par consentement.",
        )


def _review(
    demo: Demo, reviewer: str, letter: SupportLetterRequest, summary: str, partly: int = 1
) -> None:
    criteria = list(ReadingCriterion.objects.filter(is_active=True).order_by("position"))
    assessments = {
        str(c.uuid): {
            "assessment": "partly" if i < partly else "met",
            "comment": "À préciser dans le budget." if i < partly else "",
        }
        for i, c in enumerate(reversed(criteria))
    }
    letters_services.letter_review_submit(
        actor=demo.user(reviewer),
        letter=letter,
        assessments=assessments,
        summary=summary,
    )


def load_decisions_letters(demo: Demo) -> None:
    from cercle.decisions.services.proposals import proposal_close
    from cercle.decisions.services.proposals_votes import vote_cast

    _association_group(demo)

    # 1. Issued: the villagers' café, reviewed by a steward with no tie to it.
    issued = letters_services.letter_request_create(
        actor=demo.user("ines"),
        project_name="Le Café des Dunes",
        project_summary=(
            "Rouvrir le café du village en lieu partagé : épicerie de produits locaux, "
            "permanences d'associations et atelier de réparation le samedi."
        ),
        holder=demo.organizations["collectif-dunes"],
        operators=[demo.organizations["quentric-conseil"]],
        call_name="Appel à projets « Cafés de pays »",
        call_url="https://example.org/appels/cafes-de-pays",
        call_deadline=_in_days(40),
        dossier=_dossier("cafe-des-dunes.pdf"),
        contact_email="collectif-des-dunes@example.org",
    )
    issued = letters_services.letter_reviewer_appoint(
        actor=demo.user("solene"), letter=issued, person=demo.people["yanis"]
    )
    _review(
        demo,
        "yanis",
        issued,
        "Un projet porté par les habitant·es, ouvert aux associations du village ; le modèle "
        "économique reste à consolider mais l'ancrage est très fort.",
    )
    issued.refresh_from_db()
    assert issued.proposal is not None
    for key in ("solene", "agathe", "theo", "louise"):
        vote_cast(actor=demo.user(key), proposal=issued.proposal, choices="agree")
    vote_cast(
        actor=demo.user("gaspard"),
        proposal=issued.proposal,
        choices="abstain",
        reason="Je connais peu ce territoire.",
    )
    proposal_close(actor=demo.user("solene"), proposal=issued.proposal)
    issued.proposal.refresh_from_db()
    letter_decide_from_proposal(issued.proposal)

    # 2. Being decided: a third place's workshop, reviewed, the network voting.
    deciding = letters_services.letter_request_create(
        actor=demo.user("agathe"),
        project_name="L'Atelier des Communs",
        project_summary=(
            "Un fab lab ouvert dans la filature : machines partagées, documentation libre "
            "des fabrications et formations pour les artisans du quartier."
        ),
        holder=demo.organizations["filature"],
        call_name="Fabriques de territoire",
        call_deadline=_in_days(21),
        dossier=_dossier("atelier-des-communs.pdf"),
        contact_email="filature@example.org",
    )
    deciding = letters_services.letter_reviewer_appoint(
        actor=demo.user("yanis"), letter=deciding, person=demo.people["solene"]
    )
    _review(
        demo,
        "solene",
        deciding,
        "Un modèle ouvert et documenté, pensé pour être repris ailleurs.",
        partly=2,
    )
    deciding.refresh_from_db()
    assert deciding.proposal is not None
    vote_cast(actor=demo.user("theo"), proposal=deciding.proposal, choices="agree")

    # 3. Waiting for a reviewer: the association's repair café.
    letters_services.letter_request_create(
        actor=demo.user("celeste"),
        project_name="La Recyclerie Bleue",
        project_summary="Une recyclerie et un café de réparation itinérant dans la Somme.",
        holder=demo.organizations["fourmis"],
        call_name="Appel Économie circulaire",
        call_deadline=_in_days(30),
        dossier=_dossier("recyclerie-bleue.pdf"),
        contact_email="fourmis-bleues@example.org",
    )
