"""API of the circle's transparency: the concentration of missions and a request's OCDS
release package."""

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cercle.api.pagination import MAX_LIMIT, MAX_OFFSET
from cercle.core.api import authenticated_user
from cercle.core.pagecache import cached_operation
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
    rows_count: int = Field(description="Members in the period: the length of the whole list.")
    rows: list[MemberShareOut] = Field(
        description="Members from the most awarded value down, `limit` of them from `offset`."
    )


class ConcentrationFilters(Schema):
    since: datetime.date | None = Field(
        None, description="Start of the period (default: 12 months ago)."
    )
    # The member rows are paged like every API list: a national circle has thousands.
    limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/transparency/concentration", response=ConcentrationOut)
@cached_operation
def get_concentration(request: HttpRequest, filters: Query[ConcentrationFilters]) -> Any:
    """Missions awarded per member over the period, value shares and the concentration
    index, over every member; the member rows a page at a time (`limit`, `offset`,
    `rows_count`). Members of the network only."""
    user = authenticated_user(request)
    since = selectors.since_from_date(filters.since)
    figures = selectors.concentration(actor=user, since=since)
    return {
        **{name: getattr(figures, name) for name in _SUMMARY},
        "members": figures.members,
        "rows_count": len(figures.rows),
        "rows": figures.rows[filters.offset : filters.offset + filters.limit],
    }


_SUMMARY = (
    "since",
    "until",
    "missions",
    "total_value",
    "hhi",
    "reading",
    "top3_share",
    "newcomers_value_share",
    "missions_with_newcomers",
)


@router.get("/requests/{uuid}/ocds", response=dict[str, Any])
def get_request_ocds(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    """The request's OCDS 1.1 release package (with the bid extension)."""
    support_request = selectors.ocds_request_get(actor=authenticated_user(request), uuid=uuid)
    return ocds.release_package(support_request)
