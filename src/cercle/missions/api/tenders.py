"""API of the tender watch: tenders, interests, the discussion, turning a tender into a
request with its team, and its result. Every operation calls the pages' services."""

import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.missions.models import Tender, TenderComment, TenderInterest
from cercle.missions.policies.tenders import check_can_lead_tender_answer
from cercle.missions.selectors import tenders as selectors
from cercle.missions.services import tenders as services

router = Router(tags=["tenders"])

InterestKind = Literal["looking", "together"]
InvitableRole = Literal["co_contractor", "sub_contractor", "guarantor", "helping_commoner"]
Outcome = Literal["won", "lost", "abandoned"]


def _aware(value: datetime.datetime) -> datetime.datetime:
    """A date-time without offset is read in Paris time, like the pages do."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


# ---------------------------------------------------------------- schemas


class TenderOut(Schema):
    id: UUID = Field(alias="uuid")
    title: str
    buyer: str
    link: str
    deadline: datetime.datetime
    cpv_code: str
    lots: str
    description: str
    posted_by: str
    posted_by_name: str
    posted_at: datetime.datetime
    looking_count: int = 0
    together_count: int = 0
    comment_count: int = 0
    result: str
    result_recorded_at: datetime.datetime | None

    @staticmethod
    def resolve_posted_by(tender: Tender) -> str:
        return tender.posted_by.slug

    @staticmethod
    def resolve_posted_by_name(tender: Tender) -> str:
        return tender.posted_by.full_name


class InterestOut(Schema):
    person: str
    person_name: str
    kind: InterestKind
    created_at: datetime.datetime

    @staticmethod
    def resolve_person(interest: TenderInterest) -> str:
        return interest.person.slug

    @staticmethod
    def resolve_person_name(interest: TenderInterest) -> str:
        return interest.person.full_name


class TenderDetailOut(TenderOut):
    interests: list[InterestOut] = Field(alias="interest_rows")
    my_interest: str
    requests: list[UUID] = Field(alias="request_uuids")
    can_answer_together: bool


class TenderIn(Schema):
    title: str = Field(max_length=200)
    buyer: str = Field(max_length=200)
    link: str = Field(max_length=500)
    deadline: datetime.datetime
    cpv_code: str = Field(max_length=10, description="e.g. 79411000-8")
    lots: str = Field("", max_length=5000)
    description: str = Field("", max_length=20000)


class InterestIn(Schema):
    kind: InterestKind


class TenderCommentIn(Schema):
    text: str = Field(max_length=5000)


class TenderCommentOut(Schema):
    author: str
    author_name: str
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(comment: TenderComment) -> str:
        return comment.author.slug

    @staticmethod
    def resolve_author_name(comment: TenderComment) -> str:
        return comment.author.full_name


class TeamMemberIn(Schema):
    person: str = Field(max_length=120, description="The person's slug.")
    role: InvitableRole


class ToRequestIn(Schema):
    team_name: str = Field(max_length=120)
    members: list[TeamMemberIn] = Field(default_factory=list, max_length=50)
    budget_min_ht: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    budget_max_ht: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    offers_deadline: datetime.datetime
    territory: str = Field(max_length=5, description="A département or commune code.")
    description: str = Field("", max_length=20000)
    skills: list[str] = Field(default_factory=list, max_length=50, description="Skill slugs.")


class ToRequestOut(Schema):
    request: UUID
    team: UUID
    url: str


class ResultIn(Schema):
    result: str = Field(max_length=5000)
    outcome: Outcome | None = None
    winner: str = Field("", max_length=200)
    amount_ht: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class TenderFilters(Schema):
    when: Literal["upcoming", "past"] = "upcoming"


# ---------------------------------------------------------------- endpoints


@router.get("/tenders", response=list[TenderOut])
@paginate(Pagination)
def list_tenders(request: HttpRequest, filters: Query[TenderFilters]) -> Any:
    """Upcoming tenders (nearest deadline first) or past ones (`when=past`)."""
    return selectors.tender_list(actor=authenticated_user(request), when=filters.when)


@router.post("/tenders", response={201: TenderOut})
def post_tender(request: HttpRequest, payload: TenderIn) -> Status[Any]:
    data = payload.dict()
    data["deadline"] = _aware(payload.deadline)
    tender = services.tender_post(actor=authenticated_user(request), **data)
    return Status(201, selectors.tender_get(actor=request.user, uuid=tender.uuid))


@router.get("/tenders/{uuid}", response=TenderDetailOut)
def get_tender(request: HttpRequest, uuid: UUID) -> Tender:
    detail = selectors.tender_detail(actor=authenticated_user(request), uuid=uuid)
    tender: Any = detail.tender
    tender.interest_rows = detail.interests
    tender.my_interest = detail.my_interest
    tender.request_uuids = [r.uuid for r in detail.requests]
    tender.can_answer_together = detail.can_lead
    return tender  # type: ignore[no-any-return]


@router.post("/tenders/{uuid}/interest", response=InterestOut)
def set_interest(request: HttpRequest, uuid: UUID, payload: InterestIn) -> TenderInterest:
    """Say "looking" or "together"; a second call changes one's interest."""
    user = authenticated_user(request)
    tender = selectors.tender_get(actor=user, uuid=uuid)
    return services.tender_interest_set(actor=user, tender=tender, kind=payload.kind)


def _remove_interest(request: HttpRequest, uuid: UUID) -> Status[None]:
    user = authenticated_user(request)
    tender = selectors.tender_get(actor=user, uuid=uuid)
    services.tender_interest_remove(actor=user, tender=tender)
    return Status(204, None)


@router.delete("/tenders/{uuid}/interest", response={204: None})
def delete_interest(request: HttpRequest, uuid: UUID) -> Status[None]:
    """Withdraw one's interest (nothing happens when there was none)."""
    return _remove_interest(request, uuid)


@router.post("/tenders/{uuid}/interest/remove", response={204: None})
def remove_interest(request: HttpRequest, uuid: UUID) -> Status[None]:
    """The same as DELETE, for clients that only POST."""
    return _remove_interest(request, uuid)


@router.get("/tenders/{uuid}/comments", response=list[TenderCommentOut])
@paginate(Pagination)
def list_comments(request: HttpRequest, uuid: UUID) -> Any:
    user = authenticated_user(request)
    tender = selectors.tender_get(actor=user, uuid=uuid)
    return selectors.tender_comment_list(actor=user, tender=tender)


@router.post("/tenders/{uuid}/comments", response={201: TenderCommentOut})
def post_comment(request: HttpRequest, uuid: UUID, payload: TenderCommentIn) -> Status[Any]:
    user = authenticated_user(request)
    tender = selectors.tender_get(actor=user, uuid=uuid)
    return Status(201, services.tender_comment_post(actor=user, tender=tender, text=payload.text))


@router.post("/tenders/{uuid}/to-request", response={201: ToRequestOut})
def to_request(request: HttpRequest, uuid: UUID, payload: ToRequestIn) -> Status[Any]:
    """Turn the tender into a request of the circle, with the caller leading the team and
    the listed members invited."""
    user = authenticated_user(request)
    tender = selectors.tender_get(actor=user, uuid=uuid)
    check_can_lead_tender_answer(user, tender)
    people = selectors.people_by_slugs(m.person for m in payload.members)
    created = services.tender_to_request(
        actor=user,
        tender=tender,
        team_name=payload.team_name,
        members=[(people[m.person], m.role) for m in payload.members],
        budget_min_ht=payload.budget_min_ht,
        budget_max_ht=payload.budget_max_ht,
        offers_deadline=_aware(payload.offers_deadline),
        territory=payload.territory,
        description=payload.description,
        skills=payload.skills,
    )
    team = created.teams.get()
    return Status(
        201, {"request": created.uuid, "team": team.uuid, "url": services.request_url(created)}
    )


@router.post("/tenders/{uuid}/result", response=TenderOut)
def record_result(request: HttpRequest, uuid: UUID, payload: ResultIn) -> Tender:
    user = authenticated_user(request)
    tender = selectors.tender_get(actor=user, uuid=uuid)
    services.tender_record_result(
        actor=user,
        tender=tender,
        result=payload.result,
        outcome=payload.outcome or "",
        winner=payload.winner,
        amount_ht=payload.amount_ht,
    )
    return selectors.tender_get(actor=user, uuid=uuid)
