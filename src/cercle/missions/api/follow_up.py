"""API of mission follow-up: the twins of the pages, calling the same services."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.errors import NotAllowed
from cercle.missions.enums import MissionStatus, ReviewFinding
from cercle.missions.models import (
    Mission,
    MissionCommonsUse,
    MissionDocumentation,
    MissionUpdate,
    QualityReview,
    SatisfactionSurvey,
)
from cercle.missions.policies.follow_up import can_view_confidential
from cercle.missions.selectors import follow_up as selectors
from cercle.missions.services import follow_up as services
from cercle.missions.services import follow_up_feedback as feedback

router = Router(tags=["missions"])


# ---------------------------------------------------------------- schemas


class MissionTeamMemberOut(Schema):
    slug: str
    name: str
    role: str


class MissionOut(Schema):
    id: UUID = Field(alias="uuid")
    request: UUID
    request_title: str
    status: MissionStatus
    lead: str
    lead_name: str
    team: str
    members: list[MissionTeamMemberOut]
    amount_ht: Decimal = Field(description="€ HT")
    awarded_at: datetime
    started_at: datetime | None
    delivered_at: datetime | None
    documented_at: datetime | None
    closed_at: datetime | None
    last_update_at: datetime | None

    @staticmethod
    def resolve_request(mission: Mission) -> UUID:
        return mission.request.uuid

    @staticmethod
    def resolve_request_title(mission: Mission) -> str:
        return mission.request.title

    @staticmethod
    def resolve_lead(mission: Mission) -> str:
        return mission.lead.slug

    @staticmethod
    def resolve_lead_name(mission: Mission) -> str:
        return mission.lead.full_name

    @staticmethod
    def resolve_team(mission: Mission) -> str:
        return mission.team.name

    @staticmethod
    def resolve_members(mission: Mission) -> list[dict[str, str]]:
        return [
            {"slug": m.person.slug, "name": m.person.full_name, "role": m.role}
            for m in mission.team.members.all()
        ]


class UpdateOut(Schema):
    id: UUID = Field(alias="uuid")
    kind: str
    text: str
    author: str
    author_name: str
    created_at: datetime

    @staticmethod
    def resolve_author(update: MissionUpdate) -> str:
        return update.author.slug

    @staticmethod
    def resolve_author_name(update: MissionUpdate) -> str:
        return update.author.full_name


class DocumentationOut(Schema):
    social_link: str
    community_primacy: str
    pooling: str
    territorial_impact: str
    resources_produced: str
    resources_links: str
    written_by: str
    written_at: datetime

    @staticmethod
    def resolve_written_by(doc: MissionDocumentation) -> str:
        return doc.written_by.slug


class CommonsUseOut(Schema):
    common: str
    common_name: str
    how_used: str
    given_back: str

    @staticmethod
    def resolve_common(use: MissionCommonsUse) -> str:
        return use.common.slug

    @staticmethod
    def resolve_common_name(use: MissionCommonsUse) -> str:
        return use.common.name


class SurveyOut(Schema):
    sent_at: datetime
    answered_at: datetime | None
    overall: int | None
    objectives_met: int | None
    would_recommend: bool | None
    comment: str


class QualityReviewOut(Schema):
    mission: UUID
    year: int
    finding: ReviewFinding
    note: str
    reviewed_by: str
    reviewed_at: datetime
    regulation_case: UUID | None

    @staticmethod
    def resolve_mission(review: QualityReview) -> UUID:
        return review.mission.uuid

    @staticmethod
    def resolve_reviewed_by(review: QualityReview) -> str:
        return review.reviewed_by.slug

    @staticmethod
    def resolve_regulation_case(review: QualityReview) -> UUID | None:
        return review.regulation_case.uuid if review.regulation_case else None


def _confidential(mission: Mission, context: Any) -> bool:
    request = (context or {}).get("request")
    return request is not None and can_view_confidential(request.user, mission)


class MissionDetailOut(MissionOut):
    updates: list[UpdateOut]
    documentation: DocumentationOut | None
    commons_used: list[CommonsUseOut]
    survey: SurveyOut | None = Field(
        None, description="The client's answers: stewards and the team only (null otherwise)."
    )
    quality_reviews: list[QualityReviewOut] | None = Field(
        None, description="Stewards and the team only (null otherwise)."
    )

    @staticmethod
    def resolve_updates(mission: Mission) -> list[MissionUpdate]:
        return list(mission.updates.all())

    @staticmethod
    def resolve_documentation(mission: Mission) -> MissionDocumentation | None:
        return getattr(mission, "documentation", None)

    @staticmethod
    def resolve_commons_used(mission: Mission) -> list[MissionCommonsUse]:
        return list(mission.commons_used.all())

    @staticmethod
    def resolve_survey(mission: Mission, context: Any) -> SatisfactionSurvey | None:
        if not _confidential(mission, context):
            return None
        return getattr(mission, "survey", None)

    @staticmethod
    def resolve_quality_reviews(mission: Mission, context: Any) -> list[QualityReview] | None:
        if not _confidential(mission, context):
            return None
        return list(mission.quality_reviews.all())


class TextIn(Schema):
    text: str = Field(max_length=10_000)


class CommonsUseIn(Schema):
    common: str = Field(max_length=120, description="The common's slug.")
    how_used: str = Field(max_length=5_000)
    given_back: str = Field("", max_length=5_000)


class DocumentationIn(Schema):
    social_link: str = Field(max_length=10_000)
    community_primacy: str = Field(max_length=10_000)
    pooling: str = Field(max_length=10_000)
    territorial_impact: str = Field(max_length=10_000)
    resources_produced: str = Field(max_length=10_000)
    resources_links: str = Field("", max_length=10_000, description="One link a line.")
    commons_used: list[CommonsUseIn] = Field(default_factory=list, max_length=30)


class SurveyIn(Schema):
    token: str = Field(max_length=2_000, description="The token of the signed link.")
    overall: int = Field(ge=1, le=5)
    objectives_met: int = Field(ge=1, le=5)
    would_recommend: bool
    comment: str = Field("", max_length=5_000)


class SurveyAnsweredOut(Schema):
    answered_at: datetime


class QualityReviewIn(Schema):
    year: int = Field(ge=2000, le=2100)
    finding: ReviewFinding
    note: str = Field(max_length=10_000)
    open_regulation: bool = False


class MissionFilters(Schema):
    status: MissionStatus | None = None


# ---------------------------------------------------------------- helpers


def _fresh(request: HttpRequest, uuid: UUID) -> Mission:
    """The mission as it is after a step, with everything the detail shows."""
    return selectors.mission_get(actor=request.user, uuid=uuid)


# ---------------------------------------------------------------- endpoints


@router.get("/missions", response=list[MissionOut])
@paginate(Pagination)
def list_missions(request: HttpRequest, filters: Query[MissionFilters]) -> Any:
    return selectors.mission_list(actor=authenticated_user(request), status=filters.status or "")


@router.get("/missions/{uuid}", response=MissionDetailOut)
def get_mission(request: HttpRequest, uuid: UUID) -> Mission:
    authenticated_user(request)
    return _fresh(request, uuid)


@router.post("/missions/{uuid}/start", response=MissionDetailOut)
def start_mission(request: HttpRequest, uuid: UUID, payload: TextIn) -> Mission:
    user = authenticated_user(request)
    mission = selectors.mission_get(actor=user, uuid=uuid)
    services.mission_start(actor=user, mission=mission, text=payload.text)
    return _fresh(request, uuid)


@router.get("/missions/{uuid}/updates", response=list[UpdateOut])
@paginate(Pagination)
def list_updates(request: HttpRequest, uuid: UUID) -> Any:
    user = authenticated_user(request)
    mission = selectors.mission_get(actor=user, uuid=uuid)
    return selectors.mission_update_list(actor=user, mission=mission)


@router.post("/missions/{uuid}/updates", response={201: UpdateOut})
def post_update(request: HttpRequest, uuid: UUID, payload: TextIn) -> Status[MissionUpdate]:
    user = authenticated_user(request)
    mission = selectors.mission_get(actor=user, uuid=uuid)
    return Status(201, services.mission_update_post(actor=user, mission=mission, text=payload.text))


@router.post("/missions/{uuid}/deliver", response=MissionDetailOut)
def deliver_mission(request: HttpRequest, uuid: UUID, payload: TextIn) -> Mission:
    user = authenticated_user(request)
    mission = selectors.mission_get(actor=user, uuid=uuid)
    services.mission_deliver(actor=user, mission=mission, text=payload.text)
    return _fresh(request, uuid)


@router.post("/missions/{uuid}/documentation", response={201: MissionDetailOut})
def document_mission(request: HttpRequest, uuid: UUID, payload: DocumentationIn) -> Status[Mission]:
    user = authenticated_user(request)
    mission = selectors.mission_get(actor=user, uuid=uuid)
    slugs = [u.common for u in payload.commons_used]
    by_slug = selectors.commons_by_slug(slugs)
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        raise ValidationError(
            {"commons_used": [_("No common has the identifier “%(slug)s”.") % {"slug": unknown[0]}]}
        )
    uses = [
        services.CommonsUseInput(by_slug[u.common], u.how_used, u.given_back)
        for u in payload.commons_used
    ]
    data = payload.dict(exclude={"commons_used"})
    services.mission_document(actor=user, mission=mission, commons_used=uses, **data)
    return Status(201, _fresh(request, uuid))


@router.post("/missions/{uuid}/close", response=MissionDetailOut)
def close_mission(request: HttpRequest, uuid: UUID) -> Mission:
    user = authenticated_user(request)
    mission = selectors.mission_get(actor=user, uuid=uuid)
    services.mission_close(actor=user, mission=mission)
    return _fresh(request, uuid)


class LinkRefusedOut(Schema):
    detail: str
    errors: dict[str, list[str]]


@router.post(
    "/missions/{uuid}/survey",
    response={200: SurveyAnsweredOut, 403: LinkRefusedOut},
    auth=None,
)
def answer_survey(request: HttpRequest, uuid: UUID, payload: SurveyIn) -> Any:
    """The client's answers, with the token of the signed link they received (no account).

    A wrong or expired link is a 403 (not a 401: no login would help)."""
    mission = selectors.mission_for_survey(uuid=uuid)
    try:
        return feedback.satisfaction_survey_answer(mission=mission, **payload.dict())
    except NotAllowed as refusal:
        return Status(403, {"detail": refusal.message, "errors": {}})


@router.get("/missions/{uuid}/quality-reviews", response=list[QualityReviewOut])
@paginate(Pagination)
def list_quality_reviews(request: HttpRequest, uuid: UUID) -> Any:
    user = authenticated_user(request)
    mission = selectors.mission_get(actor=user, uuid=uuid)
    return selectors.quality_review_list(actor=user, mission=mission)


@router.post("/missions/{uuid}/quality-reviews", response={201: QualityReviewOut})
def record_quality_review(
    request: HttpRequest, uuid: UUID, payload: QualityReviewIn
) -> Status[QualityReview]:
    user = authenticated_user(request)
    mission = selectors.mission_get(actor=user, uuid=uuid)
    review = feedback.quality_review_record(actor=user, mission=mission, **payload.dict())
    return Status(201, review)
