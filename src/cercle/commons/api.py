"""API of the commons registry: public reads; contributors add, stewards edit."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.commons import selectors, services
from cercle.commons.models import Common
from cercle.core.api import authenticated_user

router = Router(tags=["commons"])


class CommonsPersonRefOut(Schema):
    slug: str
    name: str = Field(alias="full_name")


class CommonOut(Schema):
    id: UUID = Field(alias="uuid")
    slug: str
    name: str
    url: str
    purpose: str
    stewards: list[CommonsPersonRefOut]
    expected_in_kind: str
    expected_in_euros: str
    suggested_share_percent: Decimal | None
    is_active: bool
    created_at: datetime

    @staticmethod
    def resolve_stewards(common: Common) -> list[Any]:
        return list(common.stewards.all())


class UsageOut(Schema):
    offers_count: int
    missions_count: int
    requests: list[UUID]
    missions: list[UUID]


class CommonDetailOut(CommonOut):
    usage: UsageOut | None = Field(
        None, description="Which live offers and missions use it (members only; else null)."
    )


class CommonFilters(Schema):
    q: str = Field("", max_length=80, description="Part of the name or purpose.")
    include_inactive: bool = Field(False, description="Stewards only: inactive commons too.")


class CommonIn(Schema):
    name: str = Field(max_length=200)
    url: str = Field("", max_length=200)
    purpose: str = Field(max_length=5000)
    stewards: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="People's slugs; the author when empty.",
    )
    expected_in_kind: str = Field("", max_length=5000)
    expected_in_euros: str = Field("", max_length=5000)
    suggested_share_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)


class CommonPatch(Schema):
    name: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=200)
    purpose: str | None = Field(None, max_length=5000)
    stewards: list[str] | None = Field(None, max_length=50)
    expected_in_kind: str | None = Field(None, max_length=5000)
    expected_in_euros: str | None = Field(None, max_length=5000)
    suggested_share_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)


def _detail(request: HttpRequest, common: Common) -> Common:
    usage = selectors.common_usage(actor=request.user, common=common)
    common.usage = (  # type: ignore[attr-defined]
        None
        if usage is None
        else {
            "offers_count": usage.offers_count,
            "missions_count": usage.missions_count,
            "requests": [r.uuid for r in usage.requests],
            "missions": [m.uuid for m in usage.missions],
        }
    )
    return common


@router.get("/commons", response=list[CommonOut])
@paginate(Pagination)
def list_commons(request: HttpRequest, filters: Query[CommonFilters]) -> Any:
    """The registry, public. Inactive commons only for the network's stewards who ask."""
    return selectors.common_list(
        actor=request.user, q=filters.q, include_inactive=filters.include_inactive
    )


@router.get("/commons/{slug}", response=CommonDetailOut)
def get_common(request: HttpRequest, slug: str) -> Common:
    return _detail(request, selectors.common_get(actor=request.user, slug=slug))


@router.post("/commons", response={201: CommonDetailOut})
def create_common(request: HttpRequest, payload: CommonIn) -> Status[Any]:
    user = authenticated_user(request)
    common = services.common_create(actor=user, **payload.dict())
    return Status(201, _detail(request, selectors.common_get(actor=user, slug=common.slug)))


@router.patch("/commons/{slug}", response=CommonDetailOut)
def update_common(request: HttpRequest, slug: str, payload: CommonPatch) -> Common:
    """Only the fields sent change; `stewards` replaces the whole list."""
    user = authenticated_user(request)
    common = selectors.common_get(actor=user, slug=slug)
    changes = payload.dict(exclude_unset=True)
    services.common_update(actor=user, common=common, **changes)
    return _detail(request, selectors.common_get(actor=user, slug=slug))


@router.post("/commons/{slug}/deactivate", response=CommonDetailOut)
def deactivate_common(request: HttpRequest, slug: str) -> Common:
    user = authenticated_user(request)
    common = selectors.common_get(actor=user, slug=slug)
    services.common_deactivate(actor=user, common=common)
    return _detail(request, selectors.common_get(actor=user, slug=slug))


@router.post("/commons/{slug}/reactivate", response=CommonDetailOut)
def reactivate_common(request: HttpRequest, slug: str) -> Common:
    user = authenticated_user(request)
    common = selectors.common_get(actor=user, slug=slug)
    services.common_reactivate(actor=user, common=common)
    return _detail(request, selectors.common_get(actor=user, slug=slug))
