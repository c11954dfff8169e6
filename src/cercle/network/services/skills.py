"""Writes on the skills taxonomy, which stewards maintain."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.network.models import Skill
from cercle.network.policies import check_can_manage_skills
from cercle.network.services.common import clean_text, unique_slug

# Page addresses put these words where a skill's slug could go.
RESERVED_SKILL_SLUGS = frozenset({"nouvelle", "nouveau"})


def _check_name_free(name: str, *, exclude_pk: int | None = None) -> None:
    others = Skill.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if name and others.exists():
        raise ValidationError(
            {"name": [_("A skill with this name already exists.")]}, code="skill_name_taken"
        )


def skill_create(*, actor: User, name: str, description: str = "", is_major: bool = False) -> Skill:
    """A steward adds an entry to the taxonomy; it is active at once."""
    check_can_manage_skills(actor)
    name = clean_text(name)
    _check_name_free(name)
    skill = Skill(
        name=name,
        description=clean_text(description),
        is_major=bool(is_major),
        is_active=True,
        slug=unique_slug(Skill, name or "competence", reserved=RESERVED_SKILL_SLUGS),
    )
    skill.full_clean()
    with transaction.atomic():
        skill.save()
        journal.record(
            actor=actor,
            verb="skill.created",
            obj=skill,
            payload={"name": skill.name, "is_major": skill.is_major},
            visibility=Visibility.PUBLIC,
        )
    return skill


def skill_update(
    *,
    actor: User,
    skill: Skill,
    name: str,
    description: str = "",
    is_major: bool = False,
    is_active: bool = True,
) -> Skill:
    """A steward renames, describes, (un)flags as major, deactivates or reactivates a skill.

    The slug stays, so links and API clients keep working after a rename. A deactivated
    skill stays on the profiles that cite it but can no longer be newly chosen.
    """
    check_can_manage_skills(actor)
    name = clean_text(name)
    _check_name_free(name, exclude_pk=skill.pk)
    before = {
        "name": skill.name,
        "description": skill.description,
        "is_major": skill.is_major,
        "is_active": skill.is_active,
    }
    skill.name = name
    skill.description = clean_text(description)
    skill.is_major = bool(is_major)
    skill.is_active = bool(is_active)
    skill.full_clean()
    after = {
        "name": skill.name,
        "description": skill.description,
        "is_major": skill.is_major,
        "is_active": skill.is_active,
    }
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if not changed:
        return skill
    verb = "skill.updated"
    if set(changed) == {"is_active"}:
        verb = "skill.deactivated" if not skill.is_active else "skill.reactivated"
    with transaction.atomic():
        skill.save(update_fields=["name", "description", "is_major", "is_active"])
        journal.record(
            actor=actor,
            verb=verb,
            obj=skill,
            payload={"changed": changed},
            visibility=Visibility.PUBLIC,
        )
    return skill


def skill_deactivate(*, actor: User, skill: Skill) -> Skill:
    """Withdraw a skill from the choices offered to consultants."""
    return skill_update(
        actor=actor,
        skill=skill,
        name=skill.name,
        description=skill.description,
        is_major=skill.is_major,
        is_active=False,
    )
