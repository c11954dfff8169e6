"""API of requests: intake (public and stewards), confirmation, list and detail,
qualification, cancellation, documents and the rotation panel."""

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.pagecache import cached_operation
from cercle.core.ratelimit import check_rate, client_ip
from cercle.core.uploads import download_response
from cercle.missions.enums import (
    PriceRule,
    RequestScope,
    RequestSource,
    RequestStatus,
    SelectionMode,
)
from cercle.missions.models import PanelInvitation, RequestDocument, SupportRequest
from cercle.missions.selectors import requests as selectors
from cercle.missions.selectors.rotation import panel_invitation_list
from cercle.missions.services import requests as services
from cercle.missions.services import requests_qualification as qualification

router = Router(tags=["requests"])

PUBLIC_RATE = {"limit": 5, "window_seconds": 3600}


# ---------------------------------------------------------------- schemas


class RequestCriterionOut(Schema):
    position: int
    name: str
    weight: int
    is_price: bool


class DocumentOut(Schema):
    id: UUID = Field(alias="uuid")
    name: str = Field(alias="original_name")
    content_type: str
    size: int
    uploaded_at: datetime.datetime


class RequestOut(Schema):
    id: UUID = Field(alias="uuid")
    title: str
    status: str
    client_name: str
    territory: str
    territory_name: str
    budget_min_ht: Decimal
    budget_max_ht: Decimal
    offers_deadline: datetime.datetime
    desired_start: datetime.date | None
    skills: list[str]
    source: str
    created_at: datetime.datetime
    confirmed_at: datetime.datetime | None

    @staticmethod
    def resolve_territory(obj: SupportRequest) -> str:
        return obj.territory_id  # type: ignore[return-value]

    @staticmethod
    def resolve_territory_name(obj: SupportRequest) -> str:
        return obj.territory.name

    @staticmethod
    def resolve_skills(obj: SupportRequest) -> list[str]:
        return [s.slug for s in obj.required_skills.all()]


class RequestListOut(RequestOut):
    positioned_count: int
    team_count: int
    offer_count: int


class PositionedOut(Schema):
    slug: str
    name: str
    since: datetime.datetime


class RequestDetailOut(RequestOut):
    description: str
    contact_name: str
    contact_email: str
    contact_phone: str
    client_organization: str | None
    scope: str
    subsidiarity_note: str
    selection_mode: str
    price_rule: str
    qualified_at: datetime.datetime | None
    criteria: list[RequestCriterionOut]
    documents: list[DocumentOut]
    positioned: list[PositionedOut]

    @staticmethod
    def resolve_client_organization(obj: SupportRequest) -> str | None:
        return obj.client_organization.slug if obj.client_organization else None

    @staticmethod
    def resolve_criteria(obj: SupportRequest) -> list[Any]:
        return list(obj.criteria.all())

    @staticmethod
    def resolve_documents(obj: SupportRequest) -> list[RequestDocument]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_positioned(obj: SupportRequest) -> list[dict[str, Any]]:
        return [
            {"slug": p.person.slug, "name": p.person.full_name, "since": p.created_at}
            for p in selectors.positioning_list(support_request=obj)
        ]


class PublicRequestCreatedOut(Schema):
    id: UUID = Field(alias="uuid")
    status: str


class PanelMemberOut(Schema):
    slug: str
    name: str
    missions_12m: int = Field(alias="awarded_missions_12m")
    invited_at: datetime.datetime

    @staticmethod
    def resolve_slug(obj: PanelInvitation) -> str:
        return obj.person.slug

    @staticmethod
    def resolve_name(obj: PanelInvitation) -> str:
        return obj.person.full_name


class RequestIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field(max_length=20000)
    client_name: str = Field(max_length=200)
    contact_name: str = Field(max_length=160)
    contact_email: str = Field(max_length=254)
    contact_phone: str = Field("", max_length=40)
    territory: str = Field(max_length=5, description="INSEE code of a département or commune.")
    budget_min_ht: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    budget_max_ht: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    offers_deadline: datetime.datetime
    desired_start: datetime.date | None = None
    skills: list[str] = Field(default_factory=list, max_length=50)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.dict()
        data["territory_code"] = data.pop("territory")
        return data


class StewardRequestIn(RequestIn):
    client_name: str = Field("", max_length=200)
    source: RequestSource = RequestSource.DIRECT
    client_organization: str = Field("", max_length=120, description="Slug, if any.")


class ConfirmIn(Schema):
    token: str = Field(max_length=2000)


class RequestCriterionIn(Schema):
    name: str = Field(max_length=200)
    weight: int = Field(ge=-1000, le=1000)
    is_price: bool = False


class QualifyIn(Schema):
    scope: RequestScope
    subsidiarity_note: str = Field("", max_length=5000)
    selection_mode: SelectionMode
    price_rule: PriceRule = PriceRule.PROPORTIONAL
    criteria: list[RequestCriterionIn] = Field(max_length=50)
    offers_deadline: datetime.datetime


class CancelIn(Schema):
    reason: str = Field(max_length=2000)


# ---------------------------------------------------------------- endpoints


@router.get("/requests", response=list[RequestListOut])
@paginate(Pagination)
@cached_operation
def list_requests(
    request: HttpRequest,
    status: RequestStatus | None = None,
    skill: str = "",
    department: str = "",
    q: str = "",
) -> Any:
    """Confirmed requests (circle members and stewards), newest first."""
    return selectors.request_list(
        actor=authenticated_user(request),
        status=status or "",
        skill=skill[:80],
        department=department[:3],
        q=q[:100],
    )


@router.post("/requests/public", response={201: PublicRequestCreatedOut}, auth=None)
def submit_public_request(request: HttpRequest, payload: RequestIn) -> Status[Any]:
    """Anyone (no account): the request waits for the e-mail confirmation sent to the
    contact. Rate-limited per address (429)."""
    check_rate("request-submit", client_ip(request), **PUBLIC_RATE)
    created = services.request_submit_public(**payload.service_kwargs())
    return Status(201, created)


@router.post("/requests", response={201: RequestDetailOut})
def create_request(request: HttpRequest, payload: StewardRequestIn) -> Status[Any]:
    """Stewards: file a request received elsewhere; visible to the circle at once."""
    user = authenticated_user(request)
    data = payload.service_kwargs()
    data["source"] = str(payload.source.value)
    created = services.request_create(actor=user, **data)
    return Status(201, selectors.request_get(actor=user, uuid=created.uuid))


@router.get("/requests/{uuid}", response=RequestDetailOut)
def get_request(request: HttpRequest, uuid: UUID) -> SupportRequest:
    return selectors.request_get(actor=authenticated_user(request), uuid=uuid)


@router.post("/requests/{uuid}/confirm", response=PublicRequestCreatedOut, auth=None)
def confirm_request(request: HttpRequest, uuid: UUID, payload: ConfirmIn) -> SupportRequest:
    """The client confirms with the token of the e-mailed link; twice is harmless."""
    support_request = selectors.request_for_confirmation(uuid=uuid)
    return services.request_confirm(support_request=support_request, token=payload.token)


@router.post("/requests/{uuid}/qualify", response=RequestDetailOut)
def qualify_request(request: HttpRequest, uuid: UUID, payload: QualifyIn) -> SupportRequest:
    user = authenticated_user(request)
    support_request = selectors.request_get(actor=user, uuid=uuid)
    qualification.request_qualify(
        actor=user,
        support_request=support_request,
        scope=str(payload.scope.value),
        subsidiarity_note=payload.subsidiarity_note,
        selection_mode=str(payload.selection_mode.value),
        price_rule=str(payload.price_rule.value),
        criteria=[c.dict() for c in payload.criteria],
        offers_deadline=payload.offers_deadline,
    )
    return selectors.request_get(actor=user, uuid=uuid)


@router.post("/requests/{uuid}/cancel", response=RequestDetailOut)
def cancel_request(request: HttpRequest, uuid: UUID, payload: CancelIn) -> SupportRequest:
    user = authenticated_user(request)
    support_request = selectors.request_get(actor=user, uuid=uuid)
    qualification.request_cancel(actor=user, support_request=support_request, reason=payload.reason)
    return selectors.request_get(actor=user, uuid=uuid)


@router.post("/requests/{uuid}/documents", response={201: list[DocumentOut]})
def add_documents(
    request: HttpRequest, uuid: UUID, documents: File[list[UploadedFile]]
) -> Status[Any]:
    """Stewards: attach documents (multipart, field `documents`; at most 5 in all)."""
    user = authenticated_user(request)
    support_request = selectors.request_get(actor=user, uuid=uuid)
    stored = services.request_documents_add(
        actor=user, support_request=support_request, documents=documents
    )
    return Status(201, stored)


@router.get("/requests/{uuid}/documents/{document_id}", response={200: None})
def download_document(request: HttpRequest, uuid: UUID, document_id: UUID) -> FileResponse:
    """One document of a request, as an attachment (same visibility as the request)."""
    row = selectors.request_document_get(
        actor=authenticated_user(request), request_uuid=uuid, document_uuid=document_id
    )
    return download_response(row.file, filename=row.original_name, content_type=row.content_type)


@router.get("/requests/{uuid}/panel", response=list[PanelMemberOut])
def rotation_panel(request: HttpRequest, uuid: UUID) -> Any:
    """Who the rotation asked to look at the request, fewest missions first."""
    support_request = selectors.request_get(actor=authenticated_user(request), uuid=uuid)
    return list(panel_invitation_list(support_request))
