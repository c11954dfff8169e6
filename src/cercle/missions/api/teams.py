"""API: positionings, teams, invitations and team suggestions (same services as the pages)."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.missions.models import Positioning, Team, TeamMember
from cercle.missions.selectors import suggestion as suggestion_selectors
from cercle.missions.selectors import teams as selectors
from cercle.missions.services import teams as services

router = Router(tags=["teams"])

InvitableRole = Literal["co_contractor", "sub_contractor", "guarantor", "helping_commoner"]


# ---------------------------------------------------------------- schemas


class PositioningOut(Schema):
    person: str
    person_name: str
    note: str
    created_at: datetime

    @staticmethod
    def resolve_person(positioning: Positioning) -> str:
        return positioning.person.slug

    @staticmethod
    def resolve_person_name(positioning: Positioning) -> str:
        return positioning.person.full_name


class PositioningIn(Schema):
    note: str = Field("", max_length=2000)


class TeamMembershipOut(Schema):
    person: str
    person_name: str
    role: str
    status: str
    invited_at: datetime
    responded_at: datetime | None

    @staticmethod
    def resolve_person(member: TeamMember) -> str:
        return member.person.slug

    @staticmethod
    def resolve_person_name(member: TeamMember) -> str:
        return member.person.full_name


class TeamOut(Schema):
    id: UUID = Field(alias="uuid")
    request: UUID
    name: str
    lead: str
    created_at: datetime
    dissolved_at: datetime | None
    members: list[TeamMembershipOut]

    @staticmethod
    def resolve_request(team: Team) -> UUID:
        return team.request.uuid

    @staticmethod
    def resolve_lead(team: Team) -> str:
        return team.lead.slug

    @staticmethod
    def resolve_members(team: Team) -> list[TeamMember]:
        members = getattr(team, "live_members", None)
        if members is None:
            members = list(team.members.select_related("person").order_by("invited_at", "id"))
        return members


class TeamIn(Schema):
    name: str = Field(max_length=120)


class InvitationIn(Schema):
    person: str = Field(max_length=120, description="The invitee's slug.")
    role: InvitableRole


class InvitationOut(Schema):
    team: UUID
    team_name: str
    request: UUID
    request_title: str
    role: str
    status: str
    invited_by: str | None
    invited_at: datetime
    offers_deadline: datetime

    @staticmethod
    def resolve_team(member: TeamMember) -> UUID:
        return member.team.uuid

    @staticmethod
    def resolve_team_name(member: TeamMember) -> str:
        return member.team.name

    @staticmethod
    def resolve_request(member: TeamMember) -> UUID:
        return member.request.uuid

    @staticmethod
    def resolve_request_title(member: TeamMember) -> str:
        return member.request.title

    @staticmethod
    def resolve_invited_by(member: TeamMember) -> str | None:
        return member.invited_by.slug if member.invited_by else None

    @staticmethod
    def resolve_offers_deadline(member: TeamMember) -> datetime:
        return member.request.offers_deadline


class SkillRef(Schema):
    slug: str
    name: str


class SuggestedMemberOut(Schema):
    person: str
    person_name: str
    skills: list[SkillRef]
    missions_12m: int
    availability: str
    day_rate_ht: Decimal | None


class SuggestedTeamOut(Schema):
    status: str
    estimated_cost_ht: Decimal | None
    members: list[SuggestedMemberOut]


class SuggestionOut(Schema):
    days: Decimal
    max_size: int
    budget_max_ht: Decimal
    required_skills: list[SkillRef]
    candidates: int
    excluded_for_conflict: int
    teams: list[SuggestedTeamOut]
    final_status: str = Field(
        description="Status of the solve that found no (further) team: INFEASIBLE, "
        "UNKNOWN… Empty when every requested alternative was found."
    )
    uncovered_skills: list[SkillRef]
    limiting: str = Field(description="When infeasible with every skill coverable: size, budget.")


class SuggestionQuery(Schema):
    days: Decimal | None = Field(None, ge=Decimal("0.5"), le=Decimal("1000"), decimal_places=1)
    max_size: int | None = Field(None, ge=1, le=8)


# ---------------------------------------------------------------- positionings


@router.get("/requests/{request_id}/positionings", response=list[PositioningOut])
@paginate(Pagination)
def list_positionings(request: HttpRequest, request_id: UUID) -> Any:
    user = authenticated_user(request)
    support_request = selectors.request_for_teams(actor=user, uuid=request_id)
    return selectors.positioning_list(actor=user, support_request=support_request)


@router.post("/requests/{request_id}/positionings", response={201: PositioningOut})
def create_positioning(request: HttpRequest, request_id: UUID, payload: PositioningIn) -> Any:
    user = authenticated_user(request)
    support_request = selectors.request_for_teams(actor=user, uuid=request_id)
    positioning = services.positioning_create(
        actor=user, support_request=support_request, note=payload.note
    )
    return Status(201, positioning)


@router.delete("/requests/{request_id}/positionings/mine", response={204: None})
def withdraw_positioning(request: HttpRequest, request_id: UUID) -> Any:
    user = authenticated_user(request)
    support_request = selectors.request_for_teams(actor=user, uuid=request_id)
    services.positioning_withdraw(actor=user, support_request=support_request)
    return Status(204, None)


# ---------------------------------------------------------------- teams


@router.get("/requests/{request_id}/teams", response=list[TeamOut])
@paginate(Pagination)
def list_teams(request: HttpRequest, request_id: UUID) -> Any:
    user = authenticated_user(request)
    support_request = selectors.request_for_teams(actor=user, uuid=request_id)
    return selectors.team_list(actor=user, support_request=support_request)


@router.post("/requests/{request_id}/teams", response={201: TeamOut})
def create_team(request: HttpRequest, request_id: UUID, payload: TeamIn) -> Any:
    user = authenticated_user(request)
    support_request = selectors.request_for_teams(actor=user, uuid=request_id)
    team = services.team_create(actor=user, support_request=support_request, name=payload.name)
    return Status(201, selectors.team_get_by_uuid(actor=user, team_uuid=team.uuid))


@router.get("/teams/{team_id}", response=TeamOut)
def get_team(request: HttpRequest, team_id: UUID) -> Any:
    user = authenticated_user(request)
    return selectors.team_get_by_uuid(actor=user, team_uuid=team_id)


@router.post("/teams/{team_id}/dissolve", response=TeamOut)
def dissolve_team(request: HttpRequest, team_id: UUID) -> Any:
    user = authenticated_user(request)
    team = selectors.team_get_by_uuid(actor=user, team_uuid=team_id)
    services.team_dissolve(actor=user, team=team)
    return selectors.team_get_by_uuid(actor=user, team_uuid=team_id)


@router.post("/teams/{team_id}/invitations", response={201: TeamMembershipOut})
def invite_member(request: HttpRequest, team_id: UUID, payload: InvitationIn) -> Any:
    user = authenticated_user(request)
    team = selectors.team_get_by_uuid(actor=user, team_uuid=team_id)
    person = selectors.person_by_slug(slug=payload.person)
    if person is None:
        raise ValidationError({"person": [_("Nobody has this identifier.")]})
    member = services.team_member_invite(actor=user, team=team, person=person, role=payload.role)
    return Status(201, member)


def _member(request: HttpRequest, team_id: UUID, slug: str) -> tuple[Any, TeamMember]:
    user = authenticated_user(request)
    team = selectors.team_get_by_uuid(actor=user, team_uuid=team_id)
    return user, selectors.member_get(actor=user, team=team, person_slug=slug)


@router.post("/teams/{team_id}/members/{slug}/accept", response=TeamMembershipOut)
def accept_invitation(request: HttpRequest, team_id: UUID, slug: str) -> Any:
    user, member = _member(request, team_id, slug)
    return services.team_member_accept(actor=user, member=member)


@router.post("/teams/{team_id}/members/{slug}/decline", response=TeamMembershipOut)
def decline_invitation(request: HttpRequest, team_id: UUID, slug: str) -> Any:
    user, member = _member(request, team_id, slug)
    return services.team_member_decline(actor=user, member=member)


@router.post("/teams/{team_id}/members/{slug}/remove", response={200: TeamMembershipOut, 204: None})
def remove_member(request: HttpRequest, team_id: UUID, slug: str) -> Any:
    """The lead removes a member or withdraws an invitation (204); a member leaves."""
    user, member = _member(request, team_id, slug)
    result = services.team_member_remove(actor=user, member=member)
    return result if result is not None else Status(204, None)


@router.post("/teams/{team_id}/members/{slug}/lead", response=TeamOut)
def transfer_lead(request: HttpRequest, team_id: UUID, slug: str) -> Any:
    """The lead hands the lead role to this accepted member."""
    user, member = _member(request, team_id, slug)
    services.team_lead_transfer(actor=user, team=member.team, person=member.person)
    return selectors.team_get_by_uuid(actor=user, team_uuid=team_id)


@router.get("/me/invitations", response=list[InvitationOut])
@paginate(Pagination)
def my_invitations(request: HttpRequest) -> Any:
    return selectors.invitation_list(actor=authenticated_user(request))


# ---------------------------------------------------------------- suggestions


def _skill(skill: Any) -> dict[str, str]:
    return {"slug": skill.slug, "name": skill.name}


@router.get("/requests/{request_id}/suggestions", response=SuggestionOut)
def request_suggestions(
    request: HttpRequest, request_id: UUID, query: Query[SuggestionQuery]
) -> Any:
    """Up to three alternative teams, solved with CP-SAT (see the page for the model)."""
    user = authenticated_user(request)
    support_request = selectors.request_for_teams(actor=user, uuid=request_id)
    report = suggestion_selectors.suggestion_for_request(
        actor=user, support_request=support_request, days=query.days, max_size=query.max_size
    )
    return {
        "days": report.days,
        "max_size": report.max_size,
        "budget_max_ht": report.budget_max,
        "required_skills": [_skill(s) for s in report.required_skills],
        "candidates": report.candidate_count,
        "excluded_for_conflict": report.excluded_count,
        "teams": [
            {
                "status": team.status,
                "estimated_cost_ht": team.estimated_cost,
                "members": [
                    {
                        "person": m.person.slug,
                        "person_name": m.person.full_name,
                        "skills": [_skill(s) for s in m.skills],
                        "missions_12m": m.missions_12m,
                        "availability": m.availability,
                        "day_rate_ht": m.day_rate,
                    }
                    for m in team.members
                ],
            }
            for team in report.teams
        ],
        "final_status": report.final_status,
        "uncovered_skills": [_skill(s) for s in report.uncovered_skills],
        "limiting": report.limiting,
    }
