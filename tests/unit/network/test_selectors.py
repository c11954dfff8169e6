"""Reads: filters, visibility of inactive skills, territory search, bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from cercle.network import selectors
from tests.factories.network import (
    ConsultantProfileFactory,
    ConsultantReferenceFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


def test_organizations_filter_by_actor_type_and_department() -> None:
    lille = OrganizationFactory(name="A", territory_id="59350", actor_type="tiers_lieu")
    nord = OrganizationFactory(name="B", territory_id="59", actor_type="association")
    OrganizationFactory(name="C", territory_id="62", actor_type="tiers_lieu")
    assert list(selectors.organization_list(department="59")) == [lille, nord]
    assert list(selectors.organization_list(actor_type="tiers_lieu", department="59")) == [lille]
    assert [o.name for o in selectors.organization_list()] == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"actor_type": "pirate"}, "actor_type"), ({"department": "59350"}, "department")],
)
def test_bad_filters_are_field_errors(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        selectors.organization_list(**kwargs)
    assert field in error.value.message_dict


def test_organization_people_admins_first(django_assert_num_queries: Any) -> None:
    organization = OrganizationFactory()
    plain = OrganizationMembershipFactory(organization=organization, person__last_name="Aaron")
    admin = OrganizationMembershipFactory(
        organization=organization, person__last_name="Zola", role="admin"
    )
    with django_assert_num_queries(2):
        fetched = selectors.organization_get(slug=organization.slug)
        people = selectors.organization_memberships(organization=fetched)
        names = [m.person.full_name for m in people]
    assert [m.pk for m in people] == [admin.pk, plain.pk]
    assert len(names) == 2


def test_an_unknown_organization_is_404() -> None:
    with pytest.raises(Http404):
        selectors.organization_get(slug="nope")


def test_inactive_skills_are_hidden_unless_asked() -> None:
    active = SkillFactory(name="B")
    major = SkillFactory(name="Z", is_major=True)
    inactive = SkillFactory(name="A", is_active=False)
    assert list(selectors.skill_list()) == [major, active]
    assert list(selectors.skill_list(include_inactive=True)) == [major, inactive, active]


def test_skill_choices_keep_inactive_skills_a_profile_cites(person: Any) -> None:
    kept = SkillFactory(name="Kept", is_active=False)
    SkillFactory(name="Gone", is_active=False)
    SkillFactory(name="Live")
    profile = ConsultantProfileFactory(person=person, skills=[kept])
    assert [n for _, n in selectors.skill_choices()] == ["Live"]
    assert [n for _, n in selectors.skill_choices(profile=profile)] == ["Kept", "Live"]


def test_skills_count_their_consultants() -> None:
    skill = SkillFactory()
    ConsultantProfileFactory(skills=[skill])
    ConsultantProfileFactory(skills=[skill])
    assert selectors.skill_list().get(pk=skill.pk).consultant_count == 2  # type: ignore[attr-defined]


def test_public_only_references(person: Any) -> None:
    profile = ConsultantProfileFactory(person=person)
    public = ConsultantReferenceFactory(profile=profile, is_public=True)
    ConsultantReferenceFactory(profile=profile, is_public=False)
    fetched = selectors.consultant_profile_get(person=person, public_only=True)
    assert fetched is not None
    assert list(fetched.references.all()) == [public]


def test_someone_elses_reference_is_404(person: Any) -> None:
    reference = ConsultantReferenceFactory()
    with pytest.raises(Http404):
        selectors.consultant_reference_get(person=person, uuid=reference.uuid)


def test_territory_search_by_name_and_code() -> None:
    by_code = list(selectors.territory_search(q="2A"))
    assert by_code[0].code == "2A"
    assert all(t.code.startswith("2A") for t in by_code)
    by_name = [t.code for t in selectors.territory_search(q="lille")]
    assert "59350" in by_name
    assert list(selectors.territory_search(q="l")) == []
    assert len(selectors.territory_search(q="5")) == 20
    assert not selectors.territory_search(q="zzzzqqq").exists()


def test_territory_search_lists_departements_first() -> None:
    results = list(selectors.territory_search(q="59"))
    assert results[0].code == "59"
    assert results[0].kind == "departement"
