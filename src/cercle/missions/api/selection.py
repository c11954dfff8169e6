"""API of the selection: the client's signed link, evaluators, ties, scores, results, award."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.errors import NotAllowed
from cercle.core.pagecache import cached_operation
from cercle.missions.enums import TieKind
from cercle.missions.models import Award, Evaluator, Offer
from cercle.missions.policies.selection import (
    check_can_act_as_evaluator,
    check_can_run_selection,
    check_can_see_results,
)
from cercle.missions.selectors import selection as selectors
from cercle.missions.services import selection as services
from cercle.missions.services import selection_award as award_services

router = Router(tags=["selection"])

T = TypeVar("T")


# ---------------------------------------------------------------- schemas


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class ClientLinkOut(Schema):
    sent_to: str
    valid_days: int


class SelectionCommonsLineOut(Schema):
    common: str
    amount_ht: Decimal
    purpose: str


class SelectionTeamMemberOut(Schema):
    name: str
    role: str


class ClientOfferOut(Schema):
    id: UUID = Field(alias="uuid")
    label: str
    team: str
    members: list[SelectionTeamMemberOut]
    price_ht: Decimal
    days: Decimal
    method: str
    references: str
    commons: list[SelectionCommonsLineOut]

    @staticmethod
    def resolve_team(offer: Offer) -> str:
        return offer.team.name

    @staticmethod
    def resolve_members(offer: Offer) -> list[dict[str, str]]:
        return [
            {"name": m.person.full_name, "role": m.role}
            for m in getattr(offer.team, "accepted_members", [])
        ]

    @staticmethod
    def resolve_commons(offer: Offer) -> list[dict[str, Any]]:
        return [
            {"common": line.common.name, "amount_ht": line.amount_ht, "purpose": line.purpose}
            for line in offer.commons_lines.all()
        ]


class ClientChoiceIn(Schema):
    token: str = Field(max_length=2000)
    offer: UUID
    reasons: str = Field(max_length=5000)


class AwardIn(Schema):
    offer: UUID
    reasons: str = Field(max_length=5000)


class AwardOut(Schema):
    id: UUID = Field(alias="uuid")
    request: UUID
    offer: UUID
    label: str
    team: str
    mode: str
    reasons: str
    decided_by: str | None
    decided_by_client: str
    awarded_at: datetime

    @staticmethod
    def resolve_request(award: Award) -> UUID:
        return award.request.uuid

    @staticmethod
    def resolve_offer(award: Award) -> UUID:
        return award.offer.uuid

    @staticmethod
    def resolve_label(award: Award) -> str:
        return award.offer.label

    @staticmethod
    def resolve_team(award: Award) -> str:
        return award.offer.team.name

    @staticmethod
    def resolve_decided_by(award: Award) -> str | None:
        return award.decided_by.slug if award.decided_by else None


class AppointIn(Schema):
    person: str = Field(max_length=120, description="The slug of the member to appoint.")


class EvaluatorOut(Schema):
    id: UUID = Field(alias="uuid")
    person: str
    name: str
    appointed_at: datetime
    ties_declared_at: datetime | None
    submitted_at: datetime | None
    conflicted_at: datetime | None
    conflict_reason: str

    @staticmethod
    def resolve_person(evaluator: Evaluator) -> str:
        return evaluator.person.slug

    @staticmethod
    def resolve_name(evaluator: Evaluator) -> str:
        return evaluator.person.full_name


class TieIn(Schema):
    team: UUID
    kind: TieKind
    note: str = Field("", max_length=2000)


class TiesIn(Schema):
    ties: list[TieIn]


class MarkIn(Schema):
    offer: str = Field(max_length=4, description="The offer's anonymous label.")
    criterion: int = Field(ge=1, le=1000, description="The criterion's position in the grid.")
    mark: Decimal = Field(ge=0, le=10, max_digits=4, decimal_places=2)
    comment: str = Field("", max_length=2000)


class MarksIn(Schema):
    marks: list[MarkIn]


class MarkOut(Schema):
    offer: str
    criterion: int
    mark: Decimal
    comment: str


class AnonymisedCommonsOut(Schema):
    common: str
    amount_ht: Decimal
    purpose: str


class SelectionAnonymisedOfferOut(Schema):
    label: str
    price_ht: Decimal
    days: Decimal
    method: str
    references: str
    commons_lines: list[AnonymisedCommonsOut]
    has_file: bool
    file_name: str


class SelectionCriterionOut(Schema):
    position: int
    name: str
    weight: int
    is_price: bool


class TeamToDeclareOut(Schema):
    id: UUID
    name: str


class EvaluationOut(Schema):
    evaluator: UUID
    deadline_passed: bool
    ties_declared: bool
    submitted: bool
    teams_to_declare: list[TeamToDeclareOut]
    criteria: list[SelectionCriterionOut]
    offers: list[SelectionAnonymisedOfferOut]
    marks: list[MarkOut]
    missing: list[str]


class ResultLineOut(Schema):
    criterion: str
    weight: int
    points: Decimal


class ResultOut(Schema):
    rank: int
    tied: bool
    label: str
    offer: UUID
    team: str
    price_ht: Decimal
    total: Decimal
    lines: list[ResultLineOut]


class SelectionResultsOut(Schema):
    revealed_at: datetime | None
    evaluators: list[str]
    counted_evaluators: int
    has_ties: bool
    ranking: list[ResultOut]
    award: AwardOut | None


# ---------------------------------------------------------------- helpers


def _as_client(run: Callable[[], T]) -> T | Status[dict[str, Any]]:
    """The signed link is the client's key: a refused link is a 403 (not a 401)."""
    try:
        return run()
    except NotAllowed as error:
        return Status(403, {"detail": error.message, "errors": {}})


def _award_out(award: Award) -> Award:
    return selectors.award_of(request=award.request) or award


def _own_evaluator(request: HttpRequest, uuid: UUID) -> Evaluator:
    user = authenticated_user(request)
    evaluator = selectors.evaluator_get(uuid=uuid)
    check_can_act_as_evaluator(user, evaluator)
    return evaluator


def _marks_out(evaluator: Evaluator) -> list[dict[str, Any]]:
    offers = {o.pk: o.label for o in selectors.submitted_offers(request=evaluator.request)}
    criteria = {c.pk: c.position for c in selectors.criteria(request=evaluator.request)}
    return [
        {
            "offer": offers[offer_id],
            "criterion": criteria[criterion_id],
            "mark": score.mark,
            "comment": score.comment,
        }
        for (offer_id, criterion_id), score in selectors.marks_of(evaluator=evaluator).items()
        if offer_id in offers and criterion_id in criteria
    ]


def _marks_of_sheet(sheet: selectors.EvaluationSheet) -> list[dict[str, Any]]:
    """What `_marks_out` returns, from the marks the sheet has already read."""
    return [
        {"offer": label, "criterion": position, "mark": score.mark, "comment": score.comment}
        for label, position, score in sheet.marks_by_position()
    ]


# ---------------------------------------------------------------- the client's choice


@router.post("/requests/{uuid}/client-link", response={200: ClientLinkOut})
def send_client_link(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    """Stewards: e-mail the client a signed link (30 days) to choose a team."""
    support_request = selectors.request_get(uuid=uuid)
    award_services.client_link_send(actor=authenticated_user(request), request=support_request)
    return {"sent_to": support_request.contact_email, "valid_days": award_services.CLIENT_LINK_DAYS}


@router.get(
    "/client/requests/{uuid}/offers",
    response={200: list[ClientOfferOut], 403: ErrorOut},
    auth=None,
)
def client_offers(request: HttpRequest, uuid: UUID, token: str = "") -> Any:
    """No login: the full offers (with teams), for the client holding the signed link."""
    support_request = selectors.request_get(uuid=uuid)

    def run() -> list[Offer]:
        award_services.client_token_check(request=support_request, token=token)
        return list(selectors.client_offers(request=support_request))

    return _as_client(run)


@router.post(
    "/client/requests/{uuid}/choose",
    response={201: AwardOut, 403: ErrorOut},
    auth=None,
)
def client_choose(request: HttpRequest, uuid: UUID, payload: ClientChoiceIn) -> Any:
    """No login: the client chooses one offer and says why (once)."""
    support_request = selectors.request_get(uuid=uuid)

    def run() -> Status[Award]:
        award = award_services.award_client(
            token=payload.token,
            request=support_request,
            offer_uuid=payload.offer,
            reasons=payload.reasons,
        )
        return Status(201, _award_out(award))

    return _as_client(run)


# ---------------------------------------------------------------- evaluators


@router.get("/requests/{uuid}/evaluators", response=list[EvaluatorOut])
@paginate(Pagination)
def list_evaluators(request: HttpRequest, uuid: UUID) -> Any:
    """Stewards: who is appointed, who declared, who submitted, who is conflicted."""
    support_request = selectors.request_get(uuid=uuid)
    check_can_run_selection(authenticated_user(request), support_request)
    return selectors.evaluator_list(request=support_request)


@router.post("/requests/{uuid}/evaluators", response={201: EvaluatorOut})
def appoint_evaluator(request: HttpRequest, uuid: UUID, payload: AppointIn) -> Status[Evaluator]:
    user = authenticated_user(request)
    support_request = selectors.request_get(uuid=uuid)
    check_can_run_selection(user, support_request)
    person = selectors.person_by_slug(slug=payload.person)
    if person is None:
        raise ValidationError({"person": [_("Nobody has this identifier.")]})
    evaluator = services.evaluator_appoint(actor=user, request=support_request, person=person)
    return Status(201, selectors.evaluator_get(uuid=evaluator.uuid))


@router.post("/evaluators/{uuid}/ties", response=EvaluatorOut)
def declare_ties(request: HttpRequest, uuid: UUID, payload: TiesIn) -> Evaluator:
    """The evaluator declares a tie (or none) to each bidding team, once, after the deadline."""
    evaluator = _own_evaluator(request, uuid)
    ties = {str(t.team): (str(t.kind), t.note) for t in payload.ties}
    services.ties_declare(actor=authenticated_user(request), evaluator=evaluator, ties=ties)
    return selectors.evaluator_get(uuid=uuid)


@router.get("/requests/{uuid}/evaluation", response=EvaluationOut)
@cached_operation
def get_evaluation(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    """The caller's evaluation: teams to declare ties to, then the anonymised offers."""
    user = authenticated_user(request)
    support_request = selectors.request_get(uuid=uuid)
    evaluator = services.evaluation_access_for(actor=user, request=support_request)
    passed = support_request.deadline_passed()
    declared = evaluator.ties_declared_at is not None
    open_ = passed and declared
    sheet = (
        selectors.evaluation_sheet(request=support_request, evaluator=evaluator) if open_ else None
    )
    return {
        "evaluator": evaluator.uuid,
        "deadline_passed": passed,
        "ties_declared": declared,
        "submitted": evaluator.submitted_at is not None,
        "teams_to_declare": [
            {"id": t.uuid, "name": t.name} for t in services.bidding_teams(support_request)
        ]
        if passed and not declared
        else [],
        "criteria": sheet.criteria if sheet else [],
        "offers": sheet.anonymised if sheet else [],
        "marks": _marks_of_sheet(sheet) if sheet else [],
        "missing": sheet.missing() if sheet else [],
    }


def _set_scores(request: HttpRequest, uuid: UUID, payload: MarksIn) -> list[dict[str, Any]]:
    evaluator = _own_evaluator(request, uuid)
    marks = {(m.offer, m.criterion): m.mark for m in payload.marks}
    comments = {(m.offer, m.criterion): m.comment for m in payload.marks}
    services.score_set(
        actor=authenticated_user(request), evaluator=evaluator, marks=marks, comments=comments
    )
    return _marks_out(evaluator)


@router.put("/evaluators/{uuid}/scores", response=list[MarkOut])
def put_scores(request: HttpRequest, uuid: UUID, payload: MarksIn) -> list[dict[str, Any]]:
    """Set marks 0–10 (non-price criteria), editable until the evaluation is submitted."""
    return _set_scores(request, uuid, payload)


@router.post("/evaluators/{uuid}/scores", response=list[MarkOut])
def post_scores(request: HttpRequest, uuid: UUID, payload: MarksIn) -> list[dict[str, Any]]:
    """The same as PUT, for clients that only POST."""
    return _set_scores(request, uuid, payload)


@router.post("/evaluators/{uuid}/submit", response=EvaluatorOut)
def submit_evaluation(request: HttpRequest, uuid: UUID) -> Evaluator:
    """Submit once, when every mark is given; identities are revealed after the last one."""
    evaluator = _own_evaluator(request, uuid)
    services.evaluation_submit(actor=authenticated_user(request), evaluator=evaluator)
    return selectors.evaluator_get(uuid=uuid)


# ---------------------------------------------------------------- results and award


@router.get("/requests/{uuid}/results", response=SelectionResultsOut)
def get_results(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    """Stewards once revealed, the circle after the award: ranking with identities."""
    user = authenticated_user(request)
    support_request = selectors.request_get(uuid=uuid)
    check_can_see_results(user, support_request)
    results = selectors.results_compute(request=support_request)
    return {
        "revealed_at": support_request.revealed_at,
        "evaluators": [e.person.full_name for e in results.evaluators],
        "counted_evaluators": results.counted,
        "has_ties": results.has_ties,
        "ranking": [
            {
                "rank": row.result.rank,
                "tied": row.result.tied,
                "label": row.offer.label,
                "offer": row.offer.uuid,
                "team": row.offer.team.name,
                "price_ht": row.offer.price_ht,
                "total": row.result.total,
                "lines": [
                    {"criterion": line.name, "weight": line.weight, "points": points}
                    for line, points in zip(results.grid, row.points, strict=True)
                ],
            }
            for row in results.rows
        ],
        "award": selectors.award_of(request=support_request),
    }


@router.post("/requests/{uuid}/award", response={201: AwardOut})
def award_request(request: HttpRequest, uuid: UUID, payload: AwardIn) -> Status[Award]:
    """Stewards, after the reveal: award one offer, with reasons."""
    support_request = selectors.request_get(uuid=uuid)
    award = award_services.award_delegated(
        actor=authenticated_user(request),
        request=support_request,
        offer_uuid=payload.offer,
        reasons=payload.reasons,
    )
    return Status(201, _award_out(award))
