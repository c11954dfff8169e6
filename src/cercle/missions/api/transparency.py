"""API of the circle's transparency: the concentration of missions and a request's OCDS
release package."""

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cercle.core.api import authenticated_user
from cercle.missions import ocds
from cercle.missions.selectors import transparency as selectors

router = Router(tags=["transparency"])


class MemberShareOut(Schema):
    person: str = Field(alias="slug")
    name: str
    missions: int
    mission_share: Decimal = Field(description="% of the period's missions they took part in.")
    value_ht: Decimal = Field(alias="value", description="€ HT: their equal part of each amount.")
    value_share: Decimal = Field(description="% of the period's awarded value.")
    newcomer_value_ht: Decimal = Field(alias="newcomer_value")


class ConcentrationOut(Schema):
    since: datetime.datetime
    until: datetime.datetime
    missions: int
    members: int
    total_value_ht: Decimal = Field(alias="total_value")
    hhi: int | None = Field(description="Herfindahl-Hirschman index of value shares, 0–10,000.")
    reading: str
    top3_share: Decimal
    newcomers_value_share: Decimal
    missions_with_newcomers: int
    rows: list[MemberShareOut]


class ConcentrationFilters(Schema):
    since: datetime.date | None = Field(
        None, description="Start of the period (default: 12 months ago)."
    )


@router.get("/transparency/concentration", response=ConcentrationOut)
def get_concentration(request: HttpRequest, filters: Query[ConcentrationFilters]) -> Any:
    """Missions awarded per member over the period, value shares and the concentration
    index. Members of the network only."""
    user = authenticated_user(request)
    since = selectors.since_from_date(filters.since)
    return selectors.concentration(actor=user, since=since)


@router.get("/requests/{uuid}/ocds", response=dict[str, Any])
def get_request_ocds(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    """The request's OCDS 1.1 release package (with the bid extension)."""
    support_request = selectors.ocds_request_get(actor=authenticated_user(request), uuid=uuid)
    return ocds.release_package(support_request)
