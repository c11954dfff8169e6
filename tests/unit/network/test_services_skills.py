"""The skills taxonomy: stewards create, edit and deactivate; everything is journaled."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cercle.core.errors import NotAllowed
from cercle.core.models import JournalEntry
from cercle.network import services
from cercle.network.models import Skill
from tests.factories.network import SkillFactory

pytestmark = pytest.mark.django_db


def test_a_steward_creates_a_skill(steward: Any) -> None:
    skill = services.skill_create(
        actor=steward.user, name=" Gouvernance partagée ", description="Statuts", is_major=True
    )
    assert (skill.name, skill.slug, skill.is_major, skill.is_active) == (
        "Gouvernance partagée",
        "gouvernance-partagee",
        True,
        True,
    )
    entry = JournalEntry.objects.get(verb="skill.created")
    assert entry.visibility == "public"


@pytest.mark.parametrize("role", ["non_member", "supporter", "contributor"])
def test_only_stewards_create(request: pytest.FixtureRequest, role: str) -> None:
    person = request.getfixturevalue(role)
    with pytest.raises(NotAllowed):
        services.skill_create(actor=person.user, name="Facilitation")
    assert not Skill.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 121, "FACILITATION"])
def test_bad_or_duplicate_names_are_field_errors(steward: Any, name: str) -> None:
    SkillFactory(name="Facilitation")
    with pytest.raises(ValidationError) as error:
        services.skill_create(actor=steward.user, name=name)
    assert "name" in error.value.message_dict
    assert Skill.objects.count() == 1


def test_update_keeps_the_slug_and_records_the_change(steward: Any) -> None:
    skill = SkillFactory(name="Facilitation", slug="facilitation")
    services.skill_update(
        actor=steward.user, skill=skill, name="Facilitation de groupes", is_major=True
    )
    skill.refresh_from_db()
    assert (skill.name, skill.slug, skill.is_major) == (
        "Facilitation de groupes",
        "facilitation",
        True,
    )
    entry = JournalEntry.objects.get(verb="skill.updated")
    assert entry.payload["changed"] == {"name": "Facilitation de groupes", "is_major": True}


def test_renaming_to_another_skills_name_changes_nothing(steward: Any) -> None:
    SkillFactory(name="Facilitation")
    skill = SkillFactory(name="Comptabilité")
    with pytest.raises(ValidationError):
        services.skill_update(actor=steward.user, skill=skill, name="facilitation")
    assert Skill.objects.get(pk=skill.pk).name == "Comptabilité"


def test_deactivate_then_reactivate(steward: Any) -> None:
    skill = SkillFactory()
    services.skill_deactivate(actor=steward.user, skill=skill)
    assert not Skill.objects.get(pk=skill.pk).is_active
    services.skill_update(actor=steward.user, skill=skill, name=skill.name, is_active=True)
    assert Skill.objects.get(pk=skill.pk).is_active
    verbs = list(
        JournalEntry.objects.filter(verb__startswith="skill.")
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["skill.deactivated", "skill.reactivated"]


def test_an_update_that_changes_nothing_writes_nothing(steward: Any) -> None:
    skill = SkillFactory(description="")
    services.skill_update(actor=steward.user, skill=skill, name=skill.name)
    assert not JournalEntry.objects.filter(verb__startswith="skill.").exists()


def test_a_contributor_cannot_deactivate(contributor: Any) -> None:
    skill = SkillFactory()
    with pytest.raises(NotAllowed):
        services.skill_deactivate(actor=contributor.user, skill=skill)
    assert Skill.objects.get(pk=skill.pk).is_active
