"""The skills taxonomy: public to read, maintained by stewards."""

# No `from __future__ import annotations` here: ninja's pagination wrapper resolves the
# parameters' annotations in its own module, where these names do not exist.

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.network import policies, selectors, services
from cercle.network.api.schemas import SkillIn, SkillOut, SkillPatch
from cercle.network.models import Skill

router = Router(tags=["skills"])


@router.get("/skills", response=list[SkillOut])
@paginate(Pagination)
def list_skills(request: HttpRequest, include_inactive: bool = False) -> object:
    """Major skills first, then by name; withdrawn ones only for stewards who ask."""
    show_inactive = include_inactive and policies.can_manage_skills(request.user)
    return selectors.skill_list(include_inactive=show_inactive)


@router.post("/skills", response={201: SkillOut})
def create_skill(request: HttpRequest, payload: SkillIn) -> Status[Any]:
    return Status(201, services.skill_create(actor=authenticated_user(request), **payload.dict()))


@router.patch("/skills/{slug}", response=SkillOut)
def update_skill(request: HttpRequest, slug: str, payload: SkillPatch) -> Skill:
    """Rename, describe, flag as major, deactivate (`is_active: false`) or reactivate."""
    user = authenticated_user(request)
    skill = selectors.skill_get(slug=slug)
    values = {
        "name": skill.name,
        "description": skill.description,
        "is_major": skill.is_major,
        "is_active": skill.is_active,
        **payload.dict(exclude_unset=True),
    }
    return services.skill_update(actor=user, skill=skill, **values)


@router.post("/skills/{slug}/deactivate", response=SkillOut)
def deactivate_skill(request: HttpRequest, slug: str) -> Skill:
    """Withdraw a skill from the choices offered to consultants (profiles keep it)."""
    user = authenticated_user(request)
    return services.skill_deactivate(actor=user, skill=selectors.skill_get(slug=slug))
