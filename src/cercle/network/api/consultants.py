"""The caller's own consultant profile and references."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from cercle.core.api import authenticated_user
from cercle.core.errors import NotFound
from cercle.network import selectors, services
from cercle.network.api.schemas import (
    ConsultantProfileIn,
    ConsultantProfileOut,
    ReferenceIn,
    ReferenceOut,
    ReferencePatch,
)
from cercle.network.models import ConsultantProfile, ConsultantReference

router = Router(tags=["consultant profile"])


def _profile(request: HttpRequest) -> ConsultantProfile:
    person = services.person_of(authenticated_user(request))
    profile = selectors.consultant_profile_get(person=person)
    if profile is None:
        raise NotFound(_("You have no consultant profile yet."))
    return profile


@router.get("/me/consultant-profile", response=ConsultantProfileOut)
def get_consultant_profile(request: HttpRequest) -> ConsultantProfile:
    return _profile(request)


@router.put("/me/consultant-profile", response=ConsultantProfileOut)
def put_consultant_profile(request: HttpRequest, payload: ConsultantProfileIn) -> ConsultantProfile:
    """Create or replace the whole profile (references are managed on their own)."""
    user = authenticated_user(request)
    services.consultant_profile_update(
        actor=user, person=services.person_of(user), **payload.dict()
    )
    return _profile(request)


@router.post("/me/consultant-profile/references", response={201: ReferenceOut})
def create_reference(request: HttpRequest, payload: ReferenceIn) -> Status[Any]:
    user = authenticated_user(request)
    reference = services.consultant_reference_create(
        actor=user, person=services.person_of(user), **payload.dict()
    )
    return Status(201, reference)


@router.patch("/me/consultant-profile/references/{reference_id}", response=ReferenceOut)
def update_reference(
    request: HttpRequest, reference_id: UUID, payload: ReferencePatch
) -> ConsultantReference:
    user = authenticated_user(request)
    reference = selectors.consultant_reference_get(
        person=services.person_of(user), uuid=reference_id
    )
    values = {
        "client": reference.client,
        "year": reference.year,
        "summary": reference.summary,
        "is_public": reference.is_public,
        **payload.dict(exclude_unset=True),
    }
    return services.consultant_reference_update(actor=user, reference=reference, **values)


@router.delete("/me/consultant-profile/references/{reference_id}", response={204: None})
def delete_reference(request: HttpRequest, reference_id: UUID) -> Status[Any]:
    user = authenticated_user(request)
    reference = selectors.consultant_reference_get(
        person=services.person_of(user), uuid=reference_id
    )
    services.consultant_reference_delete(actor=user, reference=reference)
    return Status(204, None)
