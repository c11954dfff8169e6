"""The directory lists circle members who consented, and nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cercle.core.errors import NotFound
from cercle.membership.enums import CircleEndReason
from cercle.membership.selectors.directory import (
    directory_get,
    directory_is_listed,
    directory_list,
    directory_skill_choices,
)
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    CircleMembershipFactory,
    MemberFactory,
    bulk_listed_members,
    circle_member,
)
from tests.factories.network import SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def version() -> Any:
    return CharterVersionFactory()


def test_only_circle_members_with_a_consenting_signature_are_listed(version: Any) -> None:
    listed = circle_member(version)
    signed_only = MemberFactory()
    CharterSignatureFactory(person=signed_only, version=version)
    in_circle_unsigned = MemberFactory()
    CircleMembershipFactory(person=in_circle_unsigned)
    left = circle_member(version)
    left.circle_memberships.update(ended_at=timezone.now(), end_reason=CircleEndReason.LEFT)
    assert list(directory_list()) == [listed]
    assert directory_is_listed(person=listed)
    for person in (signed_only, in_circle_unsigned, left):
        assert not directory_is_listed(person=person)
        with pytest.raises(NotFound):
            directory_get(slug=person.slug)
    assert directory_get(slug=listed.slug) == listed


def test_an_outdated_signature_still_lists_a_circle_member(version: Any) -> None:
    """Consent given on an older version stands until the person leaves the circle."""
    person = circle_member(version)
    CharterVersionFactory()
    assert directory_is_listed(person=person)


def test_filter_by_skill_and_departement(version: Any) -> None:
    facilitation, legal = SkillFactory(), SkillFactory()
    north = bulk_listed_members(
        2, version=version, skills=[facilitation], territory_codes=("59350",)
    )
    south = bulk_listed_members(1, version=version, skills=[legal], territory_codes=("13", "13055"))
    assert list(directory_list(skill=facilitation.slug)) == north
    assert list(directory_list(territory="13")) == south
    assert list(directory_list(territory="59")) == north
    assert not directory_list(skill=legal.slug, territory="59").exists()
    assert list(directory_list(skill="", territory="")) == [*north, *south]


def test_only_public_references_are_shown(version: Any) -> None:
    [person] = bulk_listed_members(1, version=version, references=3)
    shown = directory_get(slug=person.slug).consultant_profile.public_references
    assert len(shown) == 2
    assert all(r.is_public for r in shown)


def test_skill_choices_put_major_skills_first() -> None:
    minor = SkillFactory(name="Animation")
    major = SkillFactory(name="Zèbre", is_major=True)
    SkillFactory(is_active=False)
    assert directory_skill_choices() == [(major.slug, major.name), (minor.slug, minor.name)]
