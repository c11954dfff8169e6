"""API: contribution settings, the guide, a mission's contribution and turnover.
In kind and animation time: `api.policies_in_kind` (mounted on this router)."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.reciprocity.api import policies_in_kind
from cercle.reciprocity.enums import PolicyKind
from cercle.reciprocity.models import (
    ContributionSettings,
    GuideSituation,
    MissionContribution,
    TurnoverDeclaration,
)
from cercle.reciprocity.selectors import policies as selectors
from cercle.reciprocity.services import policies as services
from cercle.reciprocity.services import policies_settings as settings_services

router = Router(tags=["reciprocity: policies"])
router.add_router("", policies_in_kind.router)


# ---------------------------------------------------------------- schemas


class SettingsOut(Schema):
    flat_rate_percent: Decimal
    structure_fee_percent: Decimal
    introduction_fee_percent: Decimal
    default_policy_local: PolicyKind
    default_policy_structuring: PolicyKind
    in_kind_hour_value: Decimal | None = Field(
        None, description="€ an hour given in kind; null: hours are never converted."
    )
    declaration_call_month: int
    payment_due_days: int
    updated_at: datetime


class SettingsIn(Schema):
    flat_rate_percent: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    structure_fee_percent: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    introduction_fee_percent: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    default_policy_local: PolicyKind
    default_policy_structuring: PolicyKind
    in_kind_hour_value: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    declaration_call_month: int = Field(ge=1, le=12)
    payment_due_days: int = Field(ge=0, le=365)


class GuideSituationOut(Schema):
    id: UUID = Field(alias="uuid")
    title: str
    description: str
    suggested_min_percent: Decimal
    suggested_max_percent: Decimal
    position: int
    is_active: bool


class GuideSituationIn(Schema):
    title: str = Field(max_length=200)
    description: str
    suggested_min_percent: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    suggested_max_percent: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)


class GuideOrderIn(Schema):
    order: list[UUID] = Field(description="Every situation's id once, in the new order.")


class TurnoverOut(Schema):
    id: UUID = Field(alias="uuid")
    amount_ht: Decimal
    note: str
    declared_by: str
    declared_at: datetime
    replaces: UUID | None
    is_current: bool = False


class ContributionOut(Schema):
    mission: UUID
    policy: PolicyKind | None
    rate_percent: Decimal | None
    self_assessed_amount_ht: Decimal | None
    guide_situation: UUID | None
    negotiated_amount_ht: Decimal | None
    steward_agreed_at: datetime | None
    consultant_agreed_at: datetime | None
    status: str | None
    recorded_at: datetime | None
    turnover_ht: Decimal | None = Field(description="The current declaration, € HT.")
    expected_ht: Decimal | None = Field(description="What the policy expects, € HT.")
    rule: str = Field(description="How the expected amount is computed, in words.")
    invoiced: bool = Field(description="A declaration naming the mission was invoiced.")
    history: list[TurnoverOut]


class PolicyChangeIn(Schema):
    policy: PolicyKind
    reason: str
    rate_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)


class SelfAssessmentIn(Schema):
    amount_ht: Decimal
    guide_situation: UUID | None = None


class AmountIn(Schema):
    amount_ht: Decimal


class TurnoverIn(Schema):
    amount_ht: Decimal
    note: str = ""


def _contribution_out(view: selectors.ContributionView) -> dict[str, Any]:
    c: MissionContribution | None = view.contribution
    current = view.turnover.pk if view.turnover else None
    return {
        "mission": view.mission.uuid,
        "policy": c.policy if c else None,
        "rate_percent": c.rate_percent if c else None,
        "self_assessed_amount_ht": c.self_assessed_amount_ht if c else None,
        "guide_situation": c.guide_situation.uuid if c and c.guide_situation else None,
        "negotiated_amount_ht": c.negotiated_amount_ht if c else None,
        "steward_agreed_at": c.steward_agreed_at if c else None,
        "consultant_agreed_at": c.consultant_agreed_at if c else None,
        "status": c.status if c else None,
        "recorded_at": c.recorded_at if c else None,
        "turnover_ht": view.turnover.amount_ht if view.turnover else None,
        "expected_ht": view.expected,
        "rule": view.rule,
        "invoiced": view.invoiced,
        "history": [_turnover_out(d, d.pk == current) for d in view.history],
    }


def _turnover_out(declaration: TurnoverDeclaration, is_current: bool) -> dict[str, Any]:
    return {
        "uuid": declaration.uuid,
        "amount_ht": declaration.amount_ht,
        "note": declaration.note,
        "declared_by": declaration.declared_by.slug,
        "declared_at": declaration.declared_at,
        "replaces": declaration.replaces.uuid if declaration.replaces else None,
        "is_current": is_current,
    }


# ---------------------------------------------------------------- settings


@router.get("/contribution-settings", response=SettingsOut)
def get_settings(request: HttpRequest) -> ContributionSettings:
    """Stewards: the rates, default policies, in-kind hour value, yearly call and delay."""
    return selectors.settings_get_for(actor=authenticated_user(request))


@router.put("/contribution-settings", response=SettingsOut)
def put_settings(request: HttpRequest, payload: SettingsIn) -> ContributionSettings:
    """Stewards: replace the settings; each change is journaled (old → new)."""
    user = authenticated_user(request)
    settings_services.contribution_settings_update(actor=user, **payload.dict())
    return selectors.settings_get_for(actor=user)


# ---------------------------------------------------------------- the guide


@router.get("/guide-situations", response=list[GuideSituationOut])
@paginate(Pagination)
def list_situations(request: HttpRequest, include_inactive: bool = False) -> Any:
    """The guide of emblematic situations (circle members and stewards); stewards may
    ask for deactivated ones too."""
    from cercle.reciprocity.policies.policies import can_manage_guide

    user = authenticated_user(request)
    return selectors.guide_situation_list(
        actor=user, include_inactive=include_inactive and can_manage_guide(user)
    )


@router.post("/guide-situations", response={201: GuideSituationOut})
def create_situation(request: HttpRequest, payload: GuideSituationIn) -> Status[GuideSituation]:
    situation = settings_services.guide_situation_create(
        actor=authenticated_user(request), **payload.dict()
    )
    return Status(201, situation)


@router.post("/guide-situations/order", response=list[GuideSituationOut])
def reorder_situations(request: HttpRequest, payload: GuideOrderIn) -> list[GuideSituation]:
    return settings_services.guide_situation_reorder(
        actor=authenticated_user(request), order=payload.order
    )


@router.put("/guide-situations/{situation_id}", response=GuideSituationOut)
def update_situation(
    request: HttpRequest, situation_id: UUID, payload: GuideSituationIn
) -> GuideSituation:
    user = authenticated_user(request)
    from cercle.reciprocity.policies.policies import check_can_manage_guide

    check_can_manage_guide(user)
    situation = selectors.guide_situation_get(uuid=situation_id)
    return settings_services.guide_situation_update(
        actor=user, situation=situation, **payload.dict()
    )


@router.post("/guide-situations/{situation_id}/deactivate", response=GuideSituationOut)
def deactivate_situation(request: HttpRequest, situation_id: UUID) -> GuideSituation:
    user = authenticated_user(request)
    situation = selectors.guide_situation_get(uuid=situation_id)
    return settings_services.guide_situation_set_active(
        actor=user, situation=situation, active=False
    )


@router.post("/guide-situations/{situation_id}/activate", response=GuideSituationOut)
def activate_situation(request: HttpRequest, situation_id: UUID) -> GuideSituation:
    user = authenticated_user(request)
    situation = selectors.guide_situation_get(uuid=situation_id)
    return settings_services.guide_situation_set_active(
        actor=user, situation=situation, active=True
    )


# ---------------------------------------------------------------- a mission's contribution


def _mission(request: HttpRequest, uuid: UUID) -> Any:
    user = authenticated_user(request)
    return user, selectors.mission_get_for_contribution(actor=user, uuid=uuid)


def _view(user: Any, mission: Any) -> dict[str, Any]:
    return _contribution_out(selectors.contribution_view(actor=user, mission=mission))


@router.get("/missions/{uuid}/contribution", response=ContributionOut)
def get_contribution(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    """The mission's policy, its turnover history and the expected contribution."""
    user, mission = _mission(request, uuid)
    return _view(user, mission)


@router.post("/missions/{uuid}/contribution/policy", response=ContributionOut)
def change_policy(request: HttpRequest, uuid: UUID, payload: PolicyChangeIn) -> dict[str, Any]:
    """Stewards: switch the policy while nothing is invoiced for the mission."""
    user, mission = _mission(request, uuid)
    services.mission_policy_change(
        actor=user,
        mission=mission,
        policy=str(payload.policy),
        reason=payload.reason,
        rate_percent=payload.rate_percent,
    )
    return _view(user, mission)


@router.post("/missions/{uuid}/contribution/self-assessment", response=ContributionOut)
def self_assess(request: HttpRequest, uuid: UUID, payload: SelfAssessmentIn) -> dict[str, Any]:
    """The lead sets a self-assessed amount, optionally naming the closest situation."""
    user, mission = _mission(request, uuid)
    situation = (
        selectors.guide_situation_get(uuid=payload.guide_situation)
        if payload.guide_situation
        else None
    )
    services.self_assessed_set(
        actor=user, mission=mission, amount_ht=payload.amount_ht, guide_situation=situation
    )
    return _view(user, mission)


@router.post("/missions/{uuid}/contribution/negotiation", response=ContributionOut)
def propose(request: HttpRequest, uuid: UUID, payload: AmountIn) -> dict[str, Any]:
    """The lead or a steward proposes an amount (and agrees to it)."""
    user, mission = _mission(request, uuid)
    services.negotiated_propose(actor=user, mission=mission, amount_ht=payload.amount_ht)
    return _view(user, mission)


@router.post("/missions/{uuid}/contribution/negotiation/confirm", response=ContributionOut)
def confirm(request: HttpRequest, uuid: UUID, payload: AmountIn) -> dict[str, Any]:
    """The other side agrees to the amount it read (409 if it changed since)."""
    user, mission = _mission(request, uuid)
    services.negotiated_confirm(actor=user, mission=mission, amount_ht=payload.amount_ht)
    return _view(user, mission)


@router.get("/missions/{uuid}/turnover-declarations", response=list[TurnoverOut])
@paginate(Pagination)
def list_turnover(request: HttpRequest, uuid: UUID) -> Any:
    _user, mission = _mission(request, uuid)
    history = selectors.turnover_history(mission)
    replaced = {d.replaces_id for d in history if d.replaces_id}
    return [_turnover_out(d, d.pk not in replaced) for d in history]


@router.post("/missions/{uuid}/turnover-declarations", response={201: TurnoverOut})
def declare_turnover(request: HttpRequest, uuid: UUID, payload: TurnoverIn) -> Status[Any]:
    """The lead (or a steward) declares the turnover invoiced; a new declaration
    replaces the current one."""
    user, mission = _mission(request, uuid)
    declaration = services.turnover_declare(
        actor=user, mission=mission, amount_ht=payload.amount_ht, note=payload.note
    )
    return Status(201, _turnover_out(declaration, True))
