"""API: contributions in kind and the association's animation time."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.membership.viewer import viewer_for
from cercle.reciprocity.enums import InKindStatus
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import AnimationTime, InKindContribution
from cercle.reciprocity.selectors import policies_in_kind as selectors
from cercle.reciprocity.services import policies_in_kind as services

router = Router(tags=["reciprocity: in kind"])


class InKindOut(Schema):
    id: UUID = Field(alias="uuid")
    person: str
    kind: str
    hours: Decimal
    hour_value: Decimal | None = Field(
        None, description="€ an hour, when a steward set one on this entry."
    )
    value: Decimal | None = Field(
        None, description="The hours in euros, only when a rate was set explicitly."
    )
    description: str
    done_on: date
    status: InKindStatus
    contract_item: UUID | None
    common: str | None
    mission: UUID | None
    decided_by: str | None
    decided_at: datetime | None
    refusal_reason: str

    @staticmethod
    def resolve_person(entry: InKindContribution) -> str:
        return entry.person.slug

    @staticmethod
    def resolve_value(entry: InKindContribution) -> Decimal | None:
        rate = getattr(entry, "rate", None)
        return cents(entry.hours * rate) if rate is not None else None

    @staticmethod
    def resolve_contract_item(entry: InKindContribution) -> UUID | None:
        return entry.contract_choice.item.uuid if entry.contract_choice else None

    @staticmethod
    def resolve_common(entry: InKindContribution) -> str | None:
        return entry.common.slug if entry.common else None

    @staticmethod
    def resolve_mission(entry: InKindContribution) -> UUID | None:
        return entry.mission.uuid if entry.mission else None

    @staticmethod
    def resolve_decided_by(entry: InKindContribution) -> str | None:
        return entry.decided_by.slug if entry.decided_by else None


class InKindIn(Schema):
    kind: Literal["in_kind_project", "in_kind_event", "in_kind_welcome"]
    hours: Decimal
    description: str
    done_on: date
    contract_item: UUID | None = Field(
        None, description="The menu item of your validated adhesion contract it honours."
    )
    common: str | None = Field(None, max_length=120, description="A common's slug.")
    mission: UUID | None = None


class ValidateIn(Schema):
    hour_value: Decimal | None = Field(None, description="€ an hour, to value these hours.")


class InKindRefuseIn(Schema):
    reason: str


class AnimationOut(Schema):
    id: UUID = Field(alias="uuid")
    steward: str
    project: str
    mission: UUID | None
    organization: str | None
    hours: Decimal
    done_on: date
    note: str

    @staticmethod
    def resolve_steward(entry: AnimationTime) -> str:
        return entry.steward.slug

    @staticmethod
    def resolve_mission(entry: AnimationTime) -> UUID | None:
        return entry.mission.uuid if entry.mission else None

    @staticmethod
    def resolve_organization(entry: AnimationTime) -> str | None:
        return entry.organization.slug if entry.organization else None


class AnimationIn(Schema):
    project: str = Field("", max_length=200)
    mission: UUID | None = None
    organization: str | None = Field(None, max_length=120, description="An organization's slug.")
    hours: Decimal
    done_on: date
    note: str = ""


def _valued(entries: QuerySet[InKindContribution]) -> QuerySet[InKindContribution]:
    """Each entry's rate: its own, else the settings' (None: hours are not converted)."""
    default = selectors.hour_value_setting()
    return entries.annotate(
        rate=Coalesce(
            F("hour_value"),
            Value(default, output_field=DecimalField(max_digits=8, decimal_places=2)),
        )
    )


def _one(user: Any, uuid: UUID) -> InKindContribution:
    entry = selectors.in_kind_get(actor=user, uuid=uuid)
    rate = entry.hour_value if entry.hour_value is not None else selectors.hour_value_setting()
    entry.rate = rate  # type: ignore[attr-defined]
    return entry


@router.get("/in-kind-contributions", response=list[InKindOut])
@paginate(Pagination)
def list_in_kind(
    request: HttpRequest, status: InKindStatus | None = None, everyone: bool = False
) -> Any:
    """Your own declarations; stewards see everyone's with `everyone=true`."""
    user = authenticated_user(request)
    if everyone:
        entries = selectors.in_kind_list(actor=user, status=status or "")
    else:
        entries = selectors.in_kind_list_mine(actor=user)
        if status:
            entries = entries.filter(status=status)
    return _valued(entries)


@router.post("/in-kind-contributions", response={201: InKindOut})
def declare_in_kind(request: HttpRequest, payload: InKindIn) -> Status[Any]:
    user = authenticated_user(request)
    person = viewer_for(user).person
    choice = None
    if payload.contract_item and person is not None:
        choice = selectors.contract_choice_by_item(person=person, item_uuid=payload.contract_item)
        if choice is None:
            raise ValidationError(
                {
                    "contract_item": [
                        _("Choose an in-kind item of your validated adhesion contract.")
                    ]
                }
            )
    common = selectors.common_by_slug(payload.common or "")
    if payload.common and common is None:
        raise ValidationError({"common": [_("No common has this identifier.")]})
    mission = selectors.mission_by_uuid(payload.mission)
    if payload.mission and mission is None:
        raise ValidationError({"mission": [_("No mission has this identifier.")]})
    entry = services.in_kind_declare(
        actor=user,
        kind=payload.kind,
        hours=payload.hours,
        description=payload.description,
        done_on=payload.done_on,
        contract_choice=choice,
        common=common,
        mission=mission,
    )
    return Status(201, _one(user, entry.uuid))


@router.get("/in-kind-contributions/{uuid}", response=InKindOut)
def get_in_kind(request: HttpRequest, uuid: UUID) -> InKindContribution:
    return _one(authenticated_user(request), uuid)


@router.post("/in-kind-contributions/{uuid}/validate", response=InKindOut)
def validate_in_kind(request: HttpRequest, uuid: UUID, payload: ValidateIn) -> InKindContribution:
    """Stewards (not the giver): validate, optionally valuing the hours."""
    user = authenticated_user(request)
    entry = selectors.in_kind_get(actor=user, uuid=uuid)
    services.in_kind_validate(actor=user, entry=entry, hour_value=payload.hour_value)
    return _one(user, uuid)


@router.post("/in-kind-contributions/{uuid}/refuse", response=InKindOut)
def refuse_in_kind(request: HttpRequest, uuid: UUID, payload: InKindRefuseIn) -> InKindContribution:
    user = authenticated_user(request)
    entry = selectors.in_kind_get(actor=user, uuid=uuid)
    services.in_kind_refuse(actor=user, entry=entry, reason=payload.reason)
    return _one(user, uuid)


@router.get("/animation-time", response=list[AnimationOut], tags=["reciprocity: animation"])
@paginate(Pagination)
def list_animation(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),  # type: ignore[type-arg]
) -> Any:
    return selectors.animation_time_list(actor=authenticated_user(request), year=year)


@router.post("/animation-time", response={201: AnimationOut}, tags=["reciprocity: animation"])
def log_animation(request: HttpRequest, payload: AnimationIn) -> Status[AnimationTime]:
    """Stewards: log the association's time on a mission, an organization or a project."""
    user = authenticated_user(request)
    mission = selectors.mission_by_uuid(payload.mission)
    if payload.mission and mission is None:
        raise ValidationError({"mission": [_("No mission has this identifier.")]})
    organization = selectors.organization_by_slug(payload.organization or "")
    if payload.organization and organization is None:
        raise ValidationError({"organization": [_("No organization has this identifier.")]})
    entry = services.animation_time_log(
        actor=user,
        project=payload.project,
        mission=mission,
        organization=organization,
        hours=payload.hours,
        done_on=payload.done_on,
        note=payload.note,
    )
    return Status(201, entry)
