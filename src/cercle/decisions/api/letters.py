"""API: support letters and the association's reading criteria."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.errors import NotAllowed
from cercle.core.uploads import download_response
from cercle.decisions.enums import CriterionAssessment, LetterStatus
from cercle.decisions.models import LetterAssessment, ReadingCriterion, SupportLetterRequest
from cercle.decisions.policies.letters import (
    can_download_dossier,
    can_download_letter_pdf,
    check_can_appoint_reviewer,
    check_can_manage_criteria,
)
from cercle.decisions.selectors import letters as selectors
from cercle.decisions.services import letters as services
from cercle.decisions.services import letters_criteria as criteria_services
from cercle.network.models import Organization

router = Router(tags=["decisions: support letters"])


# ---------------------------------------------------------------- schemas


class OrganizationRef(Schema):
    slug: str
    name: str


class AssessmentOut(Schema):
    criterion: UUID
    criterion_title: str
    assessment: str
    comment: str

    @staticmethod
    def resolve_criterion(row: LetterAssessment) -> UUID:
        return row.criterion.uuid

    @staticmethod
    def resolve_criterion_title(row: LetterAssessment) -> str:
        return row.criterion.title


class LetterOut(Schema):
    id: UUID = Field(alias="uuid")
    project_name: str
    project_summary: str
    holder: OrganizationRef
    call_name: str
    call_url: str
    call_deadline: datetime
    status: str
    requested_by: str
    reviewer: str | None
    created_at: datetime
    issued_at: datetime | None
    proposal: UUID | None
    proposal_closes_at: datetime | None

    @staticmethod
    def resolve_requested_by(letter: SupportLetterRequest) -> str:
        return letter.requested_by.slug

    @staticmethod
    def resolve_reviewer(letter: SupportLetterRequest) -> str | None:
        return letter.reviewer.slug if letter.reviewer else None

    @staticmethod
    def resolve_proposal(letter: SupportLetterRequest) -> UUID | None:
        return letter.proposal.uuid if letter.proposal else None

    @staticmethod
    def resolve_proposal_closes_at(letter: SupportLetterRequest) -> datetime | None:
        return letter.proposal.closes_at if letter.proposal else None


class LetterDetailOut(LetterOut):
    operators: list[OrganizationRef]
    contact_email: str
    review_summary: str
    reviewed_at: datetime | None
    assessments: list[AssessmentOut]
    has_pdf: bool

    @staticmethod
    def resolve_operators(letter: SupportLetterRequest) -> list[Organization]:
        return list(letter.operators.all())

    @staticmethod
    def resolve_assessments(letter: SupportLetterRequest) -> list[LetterAssessment]:
        return list(letter.assessments.all())

    @staticmethod
    def resolve_has_pdf(letter: SupportLetterRequest) -> bool:
        return bool(letter.letter_pdf)


class LetterIn(Schema):
    project_name: str = Field(max_length=200)
    project_summary: str
    holder: str = Field(max_length=120, description="The slug of the organization holding it.")
    operators: list[str] = Field(
        default_factory=list, description="Slugs of the operators involved (repeat the field)."
    )
    call_name: str = Field(max_length=200)
    call_url: str = Field("", max_length=200)
    call_deadline: datetime
    contact_email: str = Field(max_length=254)


class LetterFilters(Schema):
    status: LetterStatus | None = None
    mine: bool = False


class ReviewerIn(Schema):
    person: str = Field(max_length=120, description="The slug of the person appointed.")


class CandidateOut(Schema):
    slug: str
    name: str
    engagement_level: str
    conflicts: list[str]


class AssessmentIn(Schema):
    criterion: UUID
    assessment: CriterionAssessment
    comment: str = ""


class ReviewIn(Schema):
    assessments: list[AssessmentIn]
    summary: str


class ReadingCriterionOut(Schema):
    id: UUID = Field(alias="uuid")
    title: str
    description: str
    position: int
    is_active: bool


class ReadingCriterionIn(Schema):
    title: str = Field(max_length=200)
    description: str = ""


class CriterionPatch(Schema):
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    is_active: bool | None = None


class ReadingCriterionMoveIn(Schema):
    direction: Literal["up", "down"]


# ---------------------------------------------------------------- letters


def _detail(user: Any, uuid: UUID) -> SupportLetterRequest:
    return selectors.letter_get(actor=user, uuid=uuid)


@router.get("/support-letters", response=list[LetterOut])
@paginate(Pagination)
def list_letters(
    request: HttpRequest, status: LetterStatus | None = None, mine: bool = False
) -> Any:
    """Members see every request; anyone else the requests they made."""
    return selectors.letter_list(actor=authenticated_user(request), status=status or "", mine=mine)


@router.post("/support-letters", response={201: LetterDetailOut})
def create_letter(
    request: HttpRequest,
    payload: Form[LetterIn],
    dossier: File[UploadedFile],
) -> Status[SupportLetterRequest]:
    """Multipart: the fields below and `dossier` (PDF, ODT or DOCX, up to 10 MB)."""
    user = authenticated_user(request)
    operators, unknown = selectors.organizations_by_slugs(slugs=payload.operators)
    errors: dict[str, list[str]] = {}
    holder = selectors.organization_by_slug(slug=payload.holder)
    if holder is None:
        errors["holder"] = [_("No organization has this identifier.")]
    if unknown:
        errors["operators"] = [
            _("No organization has these identifiers: %(slugs)s.") % {"slugs": ", ".join(unknown)}
        ]
    if errors:
        raise ValidationError(errors)
    letter = services.letter_request_create(
        actor=user,
        project_name=payload.project_name,
        project_summary=payload.project_summary,
        holder=holder,
        call_name=payload.call_name,
        call_url=payload.call_url,
        call_deadline=payload.call_deadline,
        dossier=dossier,
        contact_email=payload.contact_email,
        operators=operators,
    )
    return Status(201, _detail(user, letter.uuid))


@router.get("/support-letters/{uuid}", response=LetterDetailOut)
def get_letter(request: HttpRequest, uuid: UUID) -> SupportLetterRequest:
    return _detail(authenticated_user(request), uuid)


@router.get("/support-letters/{uuid}/reviewer-candidates", response=list[CandidateOut])
@paginate(Pagination)
def reviewer_candidates(request: HttpRequest, uuid: UUID) -> Any:
    """Stewards: contributors and stewards, each with their conflicts on this letter."""
    user = authenticated_user(request)
    letter = _detail(user, uuid)
    check_can_appoint_reviewer(user, letter)
    return _CandidatePage(letter)


class _CandidatePage:
    """A lazy list for the paginator: slices the people, then explains their conflicts
    in one query (the count and the page: three queries whatever the size)."""

    def __init__(self, letter: SupportLetterRequest):
        self.letter = letter
        self.people = selectors.reviewer_candidate_people(letter=letter)

    def count(self) -> int:
        return self.people.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        rows = selectors.reviewer_candidates(letter=self.letter, people=self.people[window])
        return [
            {
                "slug": c.person.slug,
                "name": c.person.full_name,
                "engagement_level": c.person.engagement_level,
                "conflicts": c.reasons,
            }
            for c in rows
        ]


@router.post("/support-letters/{uuid}/reviewer", response=LetterDetailOut)
def appoint_reviewer(request: HttpRequest, uuid: UUID, payload: ReviewerIn) -> Any:
    """Stewards: a conflicted pick is refused (409) with the reasons under `person`."""
    user = authenticated_user(request)
    letter = _detail(user, uuid)
    services.letter_reviewer_appoint(
        actor=user, letter=letter, person=selectors.person_by_slug(slug=payload.person)
    )
    return _detail(user, uuid)


@router.post("/support-letters/{uuid}/review", response=LetterDetailOut)
def submit_review(request: HttpRequest, uuid: UUID, payload: ReviewIn) -> Any:
    """The reviewer: every active criterion assessed; opens the network's proposal."""
    user = authenticated_user(request)
    letter = _detail(user, uuid)
    services.letter_review_submit(
        actor=user,
        letter=letter,
        assessments={
            str(row.criterion): {"assessment": str(row.assessment), "comment": row.comment}
            for row in payload.assessments
        },
        summary=payload.summary,
    )
    return _detail(user, uuid)


@router.post("/support-letters/{uuid}/withdraw", response=LetterDetailOut)
def withdraw_letter(request: HttpRequest, uuid: UUID) -> Any:
    user = authenticated_user(request)
    services.letter_withdraw(actor=user, letter=_detail(user, uuid))
    return _detail(user, uuid)


@router.get("/support-letters/{uuid}/pdf", response={200: None})
def letter_pdf(request: HttpRequest, uuid: UUID) -> FileResponse:
    """The issued letter (PDF), once the network has agreed."""
    user = authenticated_user(request)
    letter = _detail(user, uuid)
    if not can_download_letter_pdf(user, letter):
        raise NotAllowed(_("The letter is available once the network has agreed."))
    return download_response(
        letter.letter_pdf,
        filename=f"lettre-de-soutien-{letter.project_key}.pdf",
        content_type="application/pdf",
    )


@router.get("/support-letters/{uuid}/dossier", response={200: None})
def letter_dossier(request: HttpRequest, uuid: UUID) -> FileResponse:
    user = authenticated_user(request)
    letter = _detail(user, uuid)
    if not can_download_dossier(user, letter):
        raise NotAllowed(_("The dossier is shared with the network's members."))
    name = letter.dossier.name.rsplit("/", 1)[-1]
    return download_response(letter.dossier, filename=f"{letter.project_key}-{name}")


# ---------------------------------------------------------------- reading criteria


@router.get("/reading-criteria", response=list[ReadingCriterionOut])
@paginate(Pagination)
def list_criteria(request: HttpRequest, active: bool | None = None) -> Any:
    """Public: the association's reading criteria, in order."""
    criteria = selectors.reading_criterion_list()
    return criteria if active is None else criteria.filter(is_active=active)


@router.post("/reading-criteria", response={201: ReadingCriterionOut})
def create_criterion(request: HttpRequest, payload: ReadingCriterionIn) -> Status[ReadingCriterion]:
    criterion = criteria_services.reading_criterion_create(
        actor=authenticated_user(request), title=payload.title, description=payload.description
    )
    return Status(201, criterion)


@router.patch("/reading-criteria/{uuid}", response=ReadingCriterionOut)
def update_criterion(request: HttpRequest, uuid: UUID, payload: CriterionPatch) -> Any:
    user = authenticated_user(request)
    check_can_manage_criteria(user)
    criterion = selectors.reading_criterion_get(uuid=uuid)
    if payload.title is not None or payload.description is not None:
        criterion = criteria_services.reading_criterion_update(
            actor=user,
            criterion=criterion,
            title=criterion.title if payload.title is None else payload.title,
            description=(
                criterion.description if payload.description is None else payload.description
            ),
        )
    if payload.is_active is not None:
        criterion = criteria_services.reading_criterion_set_active(
            actor=user, criterion=criterion, is_active=payload.is_active
        )
    return criterion


@router.post("/reading-criteria/{uuid}/move", response=ReadingCriterionOut)
def move_criterion(request: HttpRequest, uuid: UUID, payload: ReadingCriterionMoveIn) -> Any:
    user = authenticated_user(request)
    criterion = selectors.reading_criterion_get(uuid=uuid)
    criteria_services.reading_criterion_move(
        actor=user, criterion=criterion, direction=payload.direction
    )
    return selectors.reading_criterion_get(uuid=uuid)
