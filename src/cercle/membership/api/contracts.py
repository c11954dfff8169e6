"""API: adhesion menus and contracts, through the same services as the pages."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.errors import NotAllowed
from cercle.core.pdf import pdf_response
from cercle.membership.enums import ContractStatus, ContributionKind, MenuSection
from cercle.membership.models import AdhesionContract, ContractChoice, ContractComment, MenuItem
from cercle.membership.policies.contracts import can_manage_menus
from cercle.membership.selectors import contracts as selectors
from cercle.membership.services import contracts as services
from cercle.membership.services import menus as menu_services
from cercle.network.enums import ActorType

router = Router(tags=["contracts"])

# ---------------------------------------------------------------- menus


class MenuItemOut(Schema):
    id: UUID = Field(alias="uuid")
    actor_type: str
    section: str
    label: str
    help_text: str
    is_free_text: bool
    contribution_kind: str
    rate_percent: Decimal | None
    amount_ht: Decimal | None
    position: int
    is_active: bool


class MenuItemPatch(Schema):
    label: str | None = Field(None, max_length=300)
    help_text: str | None = Field(None, max_length=5000)
    is_free_text: bool | None = None
    contribution_kind: ContributionKind | None = None
    rate_percent: Decimal | None = None
    amount_ht: Decimal | None = None
    position: int | None = Field(None, ge=0, le=32767)
    is_active: bool | None = None


class MenuItemIn(Schema):
    actor_type: ActorType
    section: MenuSection
    label: str = Field(max_length=300)
    help_text: str = Field("", max_length=5000)
    is_free_text: bool = False
    contribution_kind: ContributionKind | None = None
    rate_percent: Decimal | None = None
    amount_ht: Decimal | None = None
    position: int | None = Field(None, ge=0, le=32767)


@router.get("/menu-items", response=list[MenuItemOut])
@paginate(Pagination)
def list_menu_items(
    request: HttpRequest,
    actor_type: ActorType | None = None,
    section: MenuSection | None = None,
    include_withdrawn: bool = False,
) -> Any:
    """The items offered in contracts; stewards may also ask for withdrawn ones."""
    if include_withdrawn and not can_manage_menus(request.user):
        raise NotAllowed()
    return selectors.menu_item_list(
        actor_type=actor_type or "", section=section or "", active_only=not include_withdrawn
    )


@router.post("/menu-items", response={201: MenuItemOut})
def create_menu_item(request: HttpRequest, payload: MenuItemIn) -> Status[Any]:
    fields = payload.dict()
    item = menu_services.menu_item_create(
        actor=authenticated_user(request),
        actor_type=fields.pop("actor_type"),
        section=fields.pop("section"),
        **fields,
    )
    return Status(201, item)


@router.patch("/menu-items/{item_id}", response=MenuItemOut)
def update_menu_item(request: HttpRequest, item_id: UUID, payload: MenuItemPatch) -> MenuItem:
    user = authenticated_user(request)
    changes = payload.dict(exclude_unset=True)
    for name in ("label", "is_free_text", "is_active", "position"):
        if name in changes and changes[name] is None:
            changes.pop(name)  # null means "leave as is" for fields that cannot be empty
    item = selectors.menu_item_get(uuid=item_id)
    return menu_services.menu_item_update(actor=user, item=item, **changes)


class MenuItemMoveIn(Schema):
    direction: Literal["up", "down"] = Field(description="up or down, one place")


@router.post("/menu-items/{item_id}/move", response=MenuItemOut)
def move_menu_item(request: HttpRequest, item_id: UUID, payload: MenuItemMoveIn) -> MenuItem:
    """Move an item one place up or down in its section; positions become 1, 2, 3…"""
    user = authenticated_user(request)
    item = selectors.menu_item_get(uuid=item_id)
    return menu_services.menu_item_move(
        actor=user, item=item, offset=-1 if payload.direction == "up" else 1
    )


# ---------------------------------------------------------------- contracts


class ChoiceOut(Schema):
    item: UUID
    section: str
    label: str
    contribution_kind: str
    free_text: str
    rate_percent: Decimal | None
    amount_ht: Decimal | None

    @staticmethod
    def resolve_item(choice: ContractChoice) -> UUID:
        return choice.item.uuid


class ContractCommentOut(Schema):
    id: UUID = Field(alias="uuid")
    author: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(comment: ContractComment) -> str:
        return str(comment.author)


class ContractOut(Schema):
    id: UUID = Field(alias="uuid")
    lineage: UUID
    version: int
    amends: UUID | None
    applicant_person: UUID | None
    applicant_organization: UUID | None
    applicant_name: str
    actor_type: str
    status: str
    motivation: str
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    refusal_reason: str

    @staticmethod
    def resolve_amends(contract: AdhesionContract) -> UUID | None:
        return contract.amends.uuid if contract.amends else None

    @staticmethod
    def resolve_applicant_person(contract: AdhesionContract) -> UUID | None:
        return contract.applicant_person.uuid if contract.applicant_person else None

    @staticmethod
    def resolve_applicant_organization(contract: AdhesionContract) -> UUID | None:
        organization = contract.applicant_organization
        return organization.uuid if organization else None

    @staticmethod
    def resolve_decided_by(contract: AdhesionContract) -> str | None:
        return str(contract.decided_by) if contract.decided_by else None


class ContractVersionOut(ContractOut):
    choices: list[ChoiceOut]

    @staticmethod
    def resolve_choices(contract: AdhesionContract) -> list[ContractChoice]:
        return list(contract.choices.all())


class ContractDetailOut(ContractOut):
    choices: list[ChoiceOut]
    comments: list[ContractCommentOut]

    @staticmethod
    def resolve_choices(contract: AdhesionContract) -> list[ContractChoice]:
        return list(contract.choices.all())

    @staticmethod
    def resolve_comments(contract: AdhesionContract) -> list[ContractComment]:
        return list(contract.comments.all())


class ContractStartIn(Schema):
    organization: UUID | None = Field(
        None, description="Apply for this organization (you administer it); else for yourself."
    )
    actor_type: ActorType | None = Field(
        None, description="For yourself: citoyen (default) or prestataire."
    )


class ContractChoiceIn(Schema):
    item: UUID
    free_text: str = Field("", max_length=5000)


class ContractPatch(Schema):
    motivation: str | None = Field(None, max_length=5000)
    choices: list[ContractChoiceIn] | None = Field(
        None, description="Replaces every choice; `free_text` is required for “other” items."
    )


class ContractCommentIn(Schema):
    body: str = Field(max_length=5000)


class ContractRefuseIn(Schema):
    reason: str = Field(max_length=5000)


def _detail(request: HttpRequest, contract_id: UUID) -> AdhesionContract:
    return selectors.contract_get(actor=authenticated_user(request), uuid=contract_id)


@router.get("/contracts", response=list[ContractOut])
@paginate(Pagination)
def list_contracts(
    request: HttpRequest,
    status: ContractStatus | None = None,
    actor_type: ActorType | None = None,
    scope: Literal["mine", "queue"] | None = None,
) -> Any:
    """Your contracts and your organizations'; every contract for stewards.

    `scope=mine`: only yours and your organizations', even for a steward (the adhesion
    page). `scope=queue` (stewards): the contracts waiting for a steward, oldest first.
    """
    user = authenticated_user(request)
    if scope == "queue":
        contracts = selectors.contract_queue(actor=user)
    else:
        contracts = selectors.contract_list(actor=user, mine_only=scope == "mine")
    if status:
        contracts = contracts.filter(status=status)
    if actor_type:
        contracts = contracts.filter(actor_type=actor_type)
    return contracts


@router.post("/contracts", response={201: ContractDetailOut})
def start_contract(request: HttpRequest, payload: ContractStartIn) -> Status[Any]:
    user = authenticated_user(request)
    kwargs: dict[str, Any] = {"actor_type": payload.actor_type or ""}
    if payload.organization is not None:
        kwargs = {"organization": selectors.organization_for_application(payload.organization)}
    contract = services.contract_start(actor=user, **kwargs)
    return Status(201, selectors.contract_get(actor=user, uuid=contract.uuid))


@router.get("/contracts/{contract_id}", response=ContractDetailOut)
def get_contract(request: HttpRequest, contract_id: UUID) -> AdhesionContract:
    return _detail(request, contract_id)


@router.get("/contracts/{contract_id}/versions", response=list[ContractVersionOut])
@paginate(Pagination)
def list_contract_versions(request: HttpRequest, contract_id: UUID) -> Any:
    """Every version of this contract (amendments included), oldest first."""
    return selectors.contract_versions(actor=authenticated_user(request), uuid=contract_id)


@router.patch("/contracts/{contract_id}", response=ContractDetailOut)
def update_contract(
    request: HttpRequest, contract_id: UUID, payload: ContractPatch
) -> AdhesionContract:
    contract = _detail(request, contract_id)
    choices = None
    if payload.choices is not None:
        choices = {str(choice.item): choice.free_text for choice in payload.choices}
    services.contract_update(
        actor=authenticated_user(request),
        contract=contract,
        motivation=payload.motivation,
        choices=choices,
    )
    return _detail(request, contract_id)


@router.post("/contracts/{contract_id}/submit", response=ContractDetailOut)
def submit_contract(request: HttpRequest, contract_id: UUID) -> AdhesionContract:
    services.contract_submit(
        actor=authenticated_user(request), contract=_detail(request, contract_id)
    )
    return _detail(request, contract_id)


@router.post("/contracts/{contract_id}/comments", response={201: ContractCommentOut})
def comment_contract(
    request: HttpRequest, contract_id: UUID, payload: ContractCommentIn
) -> Status[Any]:
    comment = services.contract_comment(
        actor=authenticated_user(request),
        contract=_detail(request, contract_id),
        body=payload.body,
    )
    return Status(201, comment)


@router.post("/contracts/{contract_id}/validate", response=ContractDetailOut)
def validate_contract(request: HttpRequest, contract_id: UUID) -> AdhesionContract:
    services.contract_validate(
        actor=authenticated_user(request), contract=_detail(request, contract_id)
    )
    return _detail(request, contract_id)


@router.post("/contracts/{contract_id}/refuse", response=ContractDetailOut)
def refuse_contract(
    request: HttpRequest, contract_id: UUID, payload: ContractRefuseIn
) -> AdhesionContract:
    services.contract_refuse(
        actor=authenticated_user(request),
        contract=_detail(request, contract_id),
        reason=payload.reason,
    )
    return _detail(request, contract_id)


@router.post("/contracts/{contract_id}/amend", response={201: ContractDetailOut})
def amend_contract(request: HttpRequest, contract_id: UUID) -> Status[Any]:
    user = authenticated_user(request)
    amendment = services.contract_amend(actor=user, contract=_detail(request, contract_id))
    return Status(201, selectors.contract_get(actor=user, uuid=amendment.uuid))


_PDF_RESPONSE = {200: {"description": "The contract as PDF", "content": {"application/pdf": {}}}}


@router.get("/contracts/{contract_id}/pdf", openapi_extra={"responses": _PDF_RESPONSE})
def contract_pdf(request: HttpRequest, contract_id: UUID) -> HttpResponse:
    contract = _detail(request, contract_id)
    pdf = selectors.contract_pdf(actor=authenticated_user(request), contract=contract)
    return pdf_response(pdf, f"contrat-adhesion-{contract.uuid}-v{contract.version}.pdf")
