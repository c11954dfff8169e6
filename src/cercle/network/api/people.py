"""The caller's own profile, members' view of people, and engagement levels."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from cercle.core import services as core_services
from cercle.core.api import authenticated_user
from cercle.network import policies, selectors, services
from cercle.network.api.schemas import LevelIn, MeIn, MeOut, PersonOut
from cercle.network.models import Person

router = Router(tags=["people"])


@router.get("/me", response=MeOut)
def get_me(request: HttpRequest) -> Person:
    return selectors.person_for_user(user=authenticated_user(request))


@router.patch("/me", response=MeOut)
def update_me(request: HttpRequest, payload: MeIn) -> Person:
    """Edit the profile and choose the language (`fr` or `en`); all of it or nothing."""
    user = authenticated_user(request)
    person = selectors.person_for_user(user=user)
    changes = payload.dict(exclude_unset=True)
    language = changes.pop("language", None)
    with transaction.atomic():
        if language is not None:
            core_services.user_set_language(actor=user, language=language)
        if changes or language is None:
            values = {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "bio": person.bio,
                "territory_code": person.territory_id or "",
                **changes,
            }
            services.person_update_profile(actor=user, person=person, **values)
    return selectors.person_for_user(user=user)


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: UUID) -> Person:
    """Members only: the public directory of circle members is elsewhere."""
    user = authenticated_user(request)
    person = selectors.person_get_by_uuid(uuid=person_id)
    policies.check_can_view_person(user, person)
    return person


@router.post("/people/{person_id}/level", response=PersonOut)
def set_level(request: HttpRequest, person_id: UUID, payload: LevelIn) -> Person:
    """A steward changes another member's engagement level."""
    user = authenticated_user(request)
    person = selectors.person_get_by_uuid(uuid=person_id)
    services.person_set_engagement_level(actor=user, person=person, level=payload.level)
    return selectors.person_get_by_uuid(uuid=person_id)
