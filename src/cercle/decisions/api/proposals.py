"""API: proposals, polls, votes, stand-asides, closing and outcomes.

Choices, per kind: a list of option keys (consent: `agree`, `abstain`, `disagree`,
`block`; objection form: `consent`, `objection`; polls: `o1`, `o2`…; a ranked choice
in order of preference), or an object `{key: value}`: a score, a rank, a number of
dots, or for a meeting time 2 = yes, 1 = if need be, 0 = no.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.pagecache import cached_operation
from cercle.decisions.enums import PollKind, ProposalStatus, ReasonRequired
from cercle.decisions.models import Outcome, Proposal, StandAside, Vote
from cercle.decisions.selectors import proposals as selectors
from cercle.decisions.selectors.proposals_results import (
    not_voted,
    proposal_results,
    results_hidden,
)
from cercle.decisions.selectors.threads import group_get, thread_get
from cercle.decisions.services import proposals as services
from cercle.decisions.services import proposals_votes as vote_services
from cercle.network.models import Person

router = Router(tags=["decisions: proposals"])

TEXT_MAX = services.TEXT_MAX


# ---------------------------------------------------------------- schemas


class OptionOut(Schema):
    key: str
    label: str
    position: int
    starts_at: datetime | None


class ProposalOut(Schema):
    id: UUID = Field(alias="uuid")
    group: str
    thread: UUID | None
    kind: PollKind
    title: str
    details: str
    author: str | None
    status: ProposalStatus
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    anonymous: bool
    hide_results_until_closed: bool
    reason_required: ReasonRequired
    voters_limited: bool
    min_choices: int | None
    max_choices: int | None
    max_score: int | None
    dots_per_voter: int | None
    options: list[OptionOut]

    @staticmethod
    def resolve_group(proposal: Proposal) -> str:
        return proposal.group.slug

    @staticmethod
    def resolve_thread(proposal: Proposal) -> UUID | None:
        return proposal.thread.uuid if proposal.thread else None

    @staticmethod
    def resolve_author(proposal: Proposal) -> str | None:
        return proposal.author.slug if proposal.author else None

    @staticmethod
    def resolve_options(proposal: Proposal) -> list[Any]:
        return list(proposal.options.all())


class OptionResultOut(Schema):
    key: str
    label: str
    count: int
    points: int
    average: Decimal | None
    percent: Decimal
    breakdown: dict[int, int]


class BlockOut(Schema):
    voter: str | None
    reason: str
    alternative: str


class StandAsideOut(Schema):
    person: str
    name: str
    reason: str
    recorded_by: str
    recorded_at: datetime

    @staticmethod
    def resolve_person(stand_aside: StandAside) -> str:
        return stand_aside.person.slug

    @staticmethod
    def resolve_name(stand_aside: StandAside) -> str:
        return stand_aside.person.full_name

    @staticmethod
    def resolve_recorded_by(stand_aside: StandAside) -> str:
        return stand_aside.recorded_by.slug


class ProposalPersonRefOut(Schema):
    slug: str
    name: str = Field(alias="full_name")


class ProposalResultsOut(Schema):
    hidden: bool = Field(description="Results are hidden from everyone until the vote closes.")
    counted_voters: int
    eligible_count: int
    voted_count: int
    participation: Decimal = Field(description="Percent of the eligible people who voted.")
    options: list[OptionResultOut]
    blocks: list[BlockOut]
    stand_asides: list[StandAsideOut]
    not_voted_count: int = Field(
        description="How many eligible people have not voted yet; the people themselves are "
        "listed, a page at a time, by GET /proposals/{id}/not-voted."
    )


class OutcomeOut(Schema):
    id: UUID = Field(alias="uuid")
    statement: str
    author: str | None
    created_at: datetime

    @staticmethod
    def resolve_author(outcome: Outcome) -> str | None:
        return outcome.author.slug if outcome.author else None


class ProposalDetailOut(ProposalOut):
    results: ProposalResultsOut = Field(alias="api_results")
    outcomes: list[OutcomeOut] = Field(alias="api_outcomes", description="Latest first.")


class OptionIn(Schema):
    label: str = Field("", max_length=200)
    starts_at: datetime | None = None


class ProposalIn(Schema):
    group: str = Field(max_length=120, description="The group's slug.")
    thread: UUID | None = None
    kind: PollKind
    title: str = Field(max_length=200)
    details: str = Field("", max_length=TEXT_MAX)
    closes_at: datetime
    options: list[OptionIn] = Field(
        default_factory=list, description="Leave empty for the consent forms."
    )
    anonymous: bool = False
    hide_results_until_closed: bool = False
    reason_required: ReasonRequired = ReasonRequired.DISSENT
    voters: list[str] = Field(
        default_factory=list, description="Slugs of the only people who may vote."
    )
    min_choices: int | None = Field(None, ge=1, le=50)
    max_choices: int | None = Field(None, ge=1, le=50)
    max_score: int | None = Field(None, ge=1, le=100)
    dots_per_voter: int | None = Field(None, ge=1, le=1000)


class VoteIn(Schema):
    choices: list[str] | dict[str, int] = Field(
        description="Option keys, or {key: value} for scores, ranks, dots and meeting times."
    )
    reason: str = Field("", max_length=TEXT_MAX)
    alternative: str = Field("", max_length=TEXT_MAX, description="Required with a block.")


class VoteChoiceOut(Schema):
    option: str
    value: int


class VoteOut(Schema):
    id: UUID = Field(alias="uuid")
    voter: str
    cast_at: datetime
    is_latest: bool
    choices: list[VoteChoiceOut] | None = Field(
        description="Null while the results are hidden (except one's own vote)."
    )
    reason: str | None
    alternative: str | None

    @staticmethod
    def _shown(vote: Vote, context: Any) -> bool:
        request = (context or {}).get("request")
        own = request is not None and vote.voter.user_id == getattr(request.user, "pk", None)
        return own or not results_hidden(vote.proposal)

    @staticmethod
    def resolve_voter(vote: Vote) -> str:
        return vote.voter.slug

    @staticmethod
    def resolve_choices(vote: Vote, context: Any) -> list[dict[str, Any]] | None:
        if not VoteOut._shown(vote, context):
            return None
        return [{"option": c.option.key, "value": c.value} for c in vote.choices.all()]

    @staticmethod
    def resolve_reason(vote: Vote, context: Any) -> str | None:
        return vote.reason if VoteOut._shown(vote, context) else None

    @staticmethod
    def resolve_alternative(vote: Vote, context: Any) -> str | None:
        return vote.alternative if VoteOut._shown(vote, context) else None


class StandAsideIn(Schema):
    reason: str = Field(max_length=2000)
    person: str | None = Field(
        None, max_length=120, description="A steward records for someone else (their slug)."
    )


class ExtendIn(Schema):
    closes_at: datetime


class OutcomeIn(Schema):
    statement: str = Field(max_length=TEXT_MAX)


class ProposalFilters(Schema):
    group: str = Field("", max_length=120, description="A group's slug.")
    status: ProposalStatus | None = None
    kind: PollKind | None = None


# ---------------------------------------------------------------- helpers


def _detail(request: HttpRequest, proposal: Proposal) -> Proposal:
    """The proposal with its results and outcomes attached for `ProposalDetailOut`."""
    options = list(proposal.options.all())
    results = proposal_results(proposal, options, list_not_voted=False)
    votes_visible = selectors.votes_visible(actor=request.user, proposal=proposal)
    proposal.api_results = {  # type: ignore[attr-defined]
        "hidden": results.hidden,
        "counted_voters": results.counted_voters,
        "eligible_count": results.eligible_count,
        "voted_count": results.voted_count,
        "participation": results.participation,
        "options": [
            {
                "key": o.key,
                "label": o.label,
                "count": o.count,
                "points": o.points,
                "average": o.average,
                "percent": o.percent,
                "breakdown": o.breakdown,
            }
            for o in (results.tally.options if results.tally else [])
        ],
        "blocks": [
            {
                "voter": v.voter.slug if votes_visible else None,
                "reason": v.reason,
                "alternative": v.alternative,
            }
            for v in results.blocks
        ],
        "stand_asides": results.stand_asides,
        "not_voted_count": results.not_voted_count,
    }
    proposal.api_outcomes = list(  # type: ignore[attr-defined]
        selectors.outcome_list(actor=request.user, proposal=proposal)
    )
    return proposal


def _get(request: HttpRequest, proposal_id: UUID) -> Proposal:
    return selectors.proposal_get(actor=request.user, uuid=proposal_id)


# ---------------------------------------------------------------- endpoints


@router.get("/proposals", response=list[ProposalOut])
@paginate(Pagination)
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters]) -> QuerySet[Proposal]:
    group = group_get(actor=request.user, slug=filters.group) if filters.group else None
    return selectors.proposal_list(
        actor=request.user,
        group=group,
        status=filters.status or "",
        kind=filters.kind or "",
    ).prefetch_related("options")


@router.post("/proposals", response={201: ProposalDetailOut})
def create_proposal(request: HttpRequest, payload: ProposalIn) -> Status[Any]:
    user = authenticated_user(request)
    group = group_get(actor=user, slug=payload.group)
    thread = thread_get(actor=user, thread_id=payload.thread) if payload.thread else None
    voters = None
    if payload.voters:
        voters, missing = selectors.people_by_slugs(slugs=payload.voters)
        if missing:
            raise ValidationError(
                {"voters": [_("Nobody has this identifier: %(s)s.") % {"s": ", ".join(missing)}]}
            )
    options: list[Any] = [
        {"label": o.label, "starts_at": o.starts_at} if o.starts_at else o.label
        for o in payload.options
    ]
    proposal = services.proposal_create(
        actor=user,
        group=group,
        thread=thread,
        kind=payload.kind,
        title=payload.title,
        details=payload.details,
        closes_at=payload.closes_at,
        options=options or None,
        anonymous=payload.anonymous,
        hide_results_until_closed=payload.hide_results_until_closed,
        reason_required=payload.reason_required,
        voters=voters,
        min_choices=payload.min_choices,
        max_choices=payload.max_choices,
        max_score=payload.max_score,
        dots_per_voter=payload.dots_per_voter,
    )
    return Status(201, _detail(request, _get(request, proposal.uuid)))


@router.get("/proposals/{proposal_id}", response=ProposalDetailOut)
def get_proposal(request: HttpRequest, proposal_id: UUID) -> Proposal:
    return _detail(request, _get(request, proposal_id))


@router.get("/proposals/{proposal_id}/votes", response=list[VoteOut])
@paginate(Pagination)
@cached_operation
def list_votes(request: HttpRequest, proposal_id: UUID, history: bool = False) -> QuerySet[Vote]:
    """The latest vote of each person (every vote with `history`); for an anonymous
    vote, only the caller's own."""
    proposal = _get(request, proposal_id)
    return selectors.vote_list(
        actor=request.user, proposal=proposal, history=history
    ).select_related("proposal")


@router.get("/proposals/{proposal_id}/not-voted", response=list[ProposalPersonRefOut])
@paginate(Pagination)
def list_not_voted(request: HttpRequest, proposal_id: UUID) -> QuerySet[Person]:
    """Eligible people, not standing aside, who have not voted yet (by name): a page at a
    time, since a national vote may wait on thousands."""
    proposal = _get(request, proposal_id)
    return not_voted(proposal).order_by("last_name", "first_name", "pk")


@router.post("/proposals/{proposal_id}/votes", response={201: VoteOut})
def cast_vote(request: HttpRequest, proposal_id: UUID, payload: VoteIn) -> Status[Any]:
    user = authenticated_user(request)
    proposal = _get(request, proposal_id)
    vote = vote_services.vote_cast(
        actor=user,
        proposal=proposal,
        choices=payload.choices,
        reason=payload.reason,
        alternative=payload.alternative,
    )
    return Status(
        201,
        selectors.vote_list(actor=user, proposal=proposal)
        .select_related("proposal")
        .get(pk=vote.pk),
    )


@router.post("/proposals/{proposal_id}/stand-asides", response={201: StandAsideOut})
def stand_aside(request: HttpRequest, proposal_id: UUID, payload: StandAsideIn) -> Status[Any]:
    user = authenticated_user(request)
    proposal = _get(request, proposal_id)
    person = None
    if payload.person:
        found, _missing = selectors.people_by_slugs(slugs=[payload.person])
        if not found:
            raise ValidationError({"person": [_("Nobody has this identifier.")]})
        person = found[0]
    record = vote_services.stand_aside_record(
        actor=user, proposal=proposal, reason=payload.reason, person=person
    )
    return Status(201, record)


@router.post("/proposals/{proposal_id}/close", response=ProposalDetailOut)
def close_proposal(request: HttpRequest, proposal_id: UUID) -> Proposal:
    user = authenticated_user(request)
    services.proposal_close(actor=user, proposal=_get(request, proposal_id))
    return _detail(request, _get(request, proposal_id))


@router.post("/proposals/{proposal_id}/extend", response=ProposalDetailOut)
def extend_proposal(request: HttpRequest, proposal_id: UUID, payload: ExtendIn) -> Proposal:
    user = authenticated_user(request)
    services.proposal_extend(
        actor=user, proposal=_get(request, proposal_id), closes_at=payload.closes_at
    )
    return _detail(request, _get(request, proposal_id))


@router.post("/proposals/{proposal_id}/outcomes", response={201: OutcomeOut})
def write_outcome(request: HttpRequest, proposal_id: UUID, payload: OutcomeIn) -> Status[Any]:
    user = authenticated_user(request)
    outcome = services.outcome_create(
        actor=user, proposal=_get(request, proposal_id), statement=payload.statement
    )
    return Status(201, outcome)
