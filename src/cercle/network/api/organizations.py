"""Organizations and the people who act for them."""

# No `from __future__ import annotations` here: ninja's pagination wrapper resolves the
# parameters' annotations in its own module, where these names do not exist.

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.errors import NotAllowed
from cercle.core.pagecache import cached_operation
from cercle.network import policies, selectors, services
from cercle.network.api.schemas import (
    MemberIn,
    MemberOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    RoleIn,
)
from cercle.network.enums import ActorType
from cercle.network.models import Organization, OrganizationMembership

router = Router(tags=["organizations"])


@router.get("/organizations", response=list[OrganizationOut])
@paginate(Pagination)
@cached_operation
def list_organizations(
    request: HttpRequest, actor_type: ActorType | None = None, department: str = ""
) -> object:
    """Public: every organization, by name; filter by actor type and département code."""
    return selectors.organization_list(
        actor_type=actor_type.value if actor_type else "", department=department
    )


@router.post("/organizations", response={201: OrganizationOut})
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status[Any]:
    """The caller becomes the new organization's administrator."""
    organization = services.organization_create(actor=authenticated_user(request), **payload.dict())
    return Status(201, selectors.organization_get(slug=organization.slug))


@router.get("/organizations/{slug}", response=OrganizationOut)
def get_organization(request: HttpRequest, slug: str) -> Organization:
    return selectors.organization_get(slug=slug)


@router.patch("/organizations/{slug}", response=OrganizationOut)
def update_organization(
    request: HttpRequest, slug: str, payload: OrganizationPatch
) -> Organization:
    user = authenticated_user(request)
    organization = selectors.organization_get(slug=slug)
    policies.check_can_edit_organization(user, organization)
    values = {
        "name": organization.name,
        "actor_type": organization.actor_type,
        "territory_code": organization.territory_id,
        "siret": organization.siret or "",
        "description": organization.description,
        "website": organization.website,
        **payload.dict(exclude_unset=True),
    }
    services.organization_update(actor=user, organization=organization, **values)
    return selectors.organization_get(slug=slug)


@router.get("/organizations/{slug}/members", response=list[MemberOut])
@paginate(Pagination)
def list_members(request: HttpRequest, slug: str) -> object:
    """For network members and the organization's own people."""
    user = authenticated_user(request)
    organization = selectors.organization_get(slug=slug)
    if not policies.can_view_organization_people(user, organization):
        raise NotAllowed()
    return selectors.organization_memberships(organization=organization)


@router.post("/organizations/{slug}/members", response={201: MemberOut})
def add_member(request: HttpRequest, slug: str, payload: MemberIn) -> Status[Any]:
    """An administrator adds the person behind an existing account."""
    user = authenticated_user(request)
    organization = selectors.organization_get(slug=slug)
    membership = services.organization_member_add(
        actor=user, organization=organization, email=payload.email, role=payload.role
    )
    return Status(201, membership)


@router.patch("/organizations/{slug}/members/{person_id}", response=MemberOut)
def set_member_role(
    request: HttpRequest, slug: str, person_id: UUID, payload: RoleIn
) -> OrganizationMembership:
    user = authenticated_user(request)
    organization = selectors.organization_get(slug=slug)
    person = selectors.person_get_by_uuid(uuid=person_id)
    return services.organization_member_set_role(
        actor=user, organization=organization, person=person, role=payload.role
    )


@router.delete("/organizations/{slug}/members/{person_id}", response={204: None})
def remove_member(request: HttpRequest, slug: str, person_id: UUID) -> Status[Any]:
    """An administrator removes someone, or a person leaves; one administrator stays."""
    user = authenticated_user(request)
    organization = selectors.organization_get(slug=slug)
    person = selectors.person_get_by_uuid(uuid=person_id)
    services.organization_member_remove(actor=user, organization=organization, person=person)
    return Status(204, None)
