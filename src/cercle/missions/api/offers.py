"""API of the circle: offers. Twins of the pages, through the same services and policies."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.pagecache import cached_operation
from cercle.missions.policies.offers import OfferAccess, check_can_view_anonymised
from cercle.missions.selectors import offers as selectors
from cercle.missions.selectors.offers import AnonymisedOffer, VisibleOffer
from cercle.missions.services import offers as services

router = Router(tags=["offers"])


# ---------------------------------------------------------------- schemas


class OfferCommonsLineOut(Schema):
    common: str
    common_name: str
    amount_ht: Decimal
    purpose: str


class OfferOut(Schema):
    """Fields a caller may not see are null: before the award, other circle members see
    only the label and the status."""

    id: UUID
    request: UUID
    label: str
    status: str
    team: UUID | None = None
    team_name: str | None = None
    price_ht: Decimal | None = None
    days: Decimal | None = None
    method: str | None = None
    references: str | None = None
    commons_lines: list[OfferCommonsLineOut] | None = None
    has_method_file: bool | None = None
    has_anonymised_method_file: bool | None = None
    name_warnings: list[str] | None = Field(
        None, description="Team members' names found in the anonymised file (the team only)."
    )
    submitted_at: datetime | None = None
    withdrawn_at: datetime | None = None
    awarded: bool = False


def _out(row: VisibleOffer) -> dict[str, Any]:
    offer = row.offer
    data: dict[str, Any] = {
        "id": offer.uuid,
        "request": offer.request.uuid,
        "label": offer.label,
        "status": offer.status,
        "awarded": row.access == OfferAccess.AWARDED,
    }
    if row.access >= OfferAccess.AWARDED:
        data.update(
            team=offer.team.uuid,
            team_name=offer.team.name,
            price_ht=offer.price_ht,
            days=offer.days,
            submitted_at=offer.submitted_at,
            commons_lines=[
                {
                    "common": line.common.slug,
                    "common_name": line.common.name,
                    "amount_ht": line.amount_ht,
                    "purpose": line.purpose,
                }
                for line in offer.commons_lines.all()
            ],
        )
    if row.access >= OfferAccess.FULL:
        data.update(
            method=offer.method,
            references=offer.references,
            has_method_file=bool(offer.method_file),
            has_anonymised_method_file=bool(offer.anonymised_method_file),
            name_warnings=list(offer.name_warnings or []),
            withdrawn_at=offer.withdrawn_at,
        )
    return data


class CommonsLineIn(Schema):
    common: str = Field(max_length=120, description="The common's slug.")
    amount_ht: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    purpose: str = Field("", max_length=300)


class OfferIn(Schema):
    price_ht: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    days: Decimal = Field(ge=Decimal("0.5"), max_digits=6, decimal_places=1)
    method: str = Field(max_length=20000)
    references: str = Field("", max_length=10000)
    commons_lines: list[CommonsLineIn] = Field(default_factory=list, max_length=20)


class AnonymisedCommonsLineOut(Schema):
    common: str
    common_name: str
    amount_ht: Decimal
    purpose: str


class AnonymisedOfferOut(Schema):
    id: UUID
    label: str
    price_ht: Decimal
    days: Decimal
    method: str
    references: str
    commons_lines: list[AnonymisedCommonsLineOut]
    anonymised_method_file: str | None = Field(
        None, description="Download address of the anonymised file (never the original)."
    )


def _anonymised_out(anon: AnonymisedOffer) -> dict[str, Any]:
    return {
        "id": anon.uuid,
        "label": anon.label,
        "price_ht": anon.price_ht,
        "days": anon.days,
        "method": anon.method,
        "references": anon.references,
        "commons_lines": [
            {
                "common": line.common_slug,
                "common_name": line.common_name,
                "amount_ht": line.amount_ht,
                "purpose": line.purpose,
            }
            for line in anon.commons_lines
        ],
        "anonymised_method_file": anon.file_url or None,
    }


# ---------------------------------------------------------------- endpoints


@router.get("/requests/{uuid}/offers", response=list[OfferOut])
@paginate(Pagination)
@cached_operation
def list_offers(request: HttpRequest, uuid: UUID) -> Any:
    """The request's offers as the caller may see them: labels for circle members, in
    full for the team and stewards, the awarded offer's team and price after the award."""
    user = authenticated_user(request)
    support_request = selectors.request_for_offers(actor=user, uuid=uuid)
    return [_out(row) for row in selectors.offer_list(actor=user, support_request=support_request)]


@router.post("/teams/{uuid}/offers", response={201: OfferOut})
def submit_offer(request: HttpRequest, uuid: UUID, payload: OfferIn) -> Status[Any]:
    """The team's lead submits its offer (files: `POST /offers/{id}/files`)."""
    user = authenticated_user(request)
    team = selectors.team_get(uuid=uuid)
    offer = services.offer_submit(
        actor=user,
        team=team,
        price_ht=payload.price_ht,
        days=payload.days,
        method=payload.method,
        references=payload.references,
        commons_lines=[line.dict() for line in payload.commons_lines],
    )
    return Status(201, _out(selectors.offer_get(actor=user, uuid=offer.uuid)))


@router.get("/offers/{uuid}", response=OfferOut)
def get_offer(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    user = authenticated_user(request)
    return _out(selectors.offer_get(actor=user, uuid=uuid))


@router.post("/offers/{uuid}/withdraw", response=OfferOut)
def withdraw_offer(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    user = authenticated_user(request)
    row = selectors.offer_get(actor=user, uuid=uuid)
    services.offer_withdraw(actor=user, offer=row.offer)
    return _out(selectors.offer_get(actor=user, uuid=uuid))


@router.post("/offers/{uuid}/files", response=OfferOut)
def attach_files(
    request: HttpRequest,
    uuid: UUID,
    method_file: UploadedFile | None = File(None),  # noqa: B008 — ninja's way
    anonymised_method_file: UploadedFile | None = File(None),  # noqa: B008
) -> dict[str, Any]:
    """Multipart: `method_file` and/or `anonymised_method_file` (PDF, ODT, DOCX, text).
    Names of team members found in the anonymised file come back in `name_warnings`."""
    user = authenticated_user(request)
    row = selectors.offer_get(actor=user, uuid=uuid)
    services.offer_attach_files(
        actor=user,
        offer=row.offer,
        method_file=method_file,
        anonymised_method_file=anonymised_method_file,
    )
    return _out(selectors.offer_get(actor=user, uuid=uuid))


@router.get("/offers/{uuid}/anonymised", response=AnonymisedOfferOut)
def get_anonymised(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    """What evaluators will read (here for the team and stewards; evaluators have theirs)."""
    user = authenticated_user(request)
    row = selectors.offer_get(actor=user, uuid=uuid)
    check_can_view_anonymised(row.access)
    return _anonymised_out(selectors.offer_anonymised(row.offer))
