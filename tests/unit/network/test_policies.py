"""Who may do what: anonymous, non-member, member through an organization, and each level."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from cercle.core.errors import NotAllowed
from cercle.network import policies
from cercle.network.enums import OrganizationRole
from tests.factories.network import (
    ConsultantReferenceFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "org_member", "supporter", "contributor", "steward"]


def _user(request: pytest.FixtureRequest, role: str) -> Any:
    subject = request.getfixturevalue(role)
    return subject if isinstance(subject, AnonymousUser) else subject.user


# (can_*, check_can_*, roles allowed) for the rules that depend on the level only.
LEVEL_RULES = [
    (policies.can_fill_adhesion, policies.check_can_fill_adhesion, set(ROLES) - {"anonymous"}),
    (
        policies.can_create_organization,
        policies.check_can_create_organization,
        set(ROLES) - {"anonymous"},
    ),
    (
        policies.can_read_member_pages,
        policies.check_can_read_member_pages,
        {"org_member", "supporter", "contributor", "steward"},
    ),
    (
        policies.can_sign_charter,
        policies.check_can_sign_charter,
        {"org_member", "supporter", "contributor", "steward"},
    ),
    (policies.can_raise_concern, policies.check_can_raise_concern, {"contributor", "steward"}),
    (policies.can_manage_skills, policies.check_can_manage_skills, {"steward"}),
    (policies.can_steward, policies.check_can_steward, {"steward"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("can", "check", "allowed"), LEVEL_RULES, ids=[r[0].__name__ for r in LEVEL_RULES]
)
def test_level_rules(
    request: pytest.FixtureRequest, role: str, can: Any, check: Any, allowed: set[str]
) -> None:
    """Each level may do what the one below may do, and no more; check_* raises NotAllowed."""
    user = _user(request, role)
    assert can(user) is (role in allowed)
    if role in allowed:
        check(user)
    else:
        with pytest.raises(NotAllowed) as refusal:
            check(user)
        assert str(refusal.value)


@pytest.mark.parametrize("role", ROLES)
def test_people_pages_are_for_members(request: pytest.FixtureRequest, role: str) -> None:
    """Members at any level (personal or through an organization) see people's pages."""
    other = PersonFactory()
    user = _user(request, role)
    expected = role in {"org_member", "supporter", "contributor", "steward"}
    assert policies.can_view_person(user, other) is expected


def test_everyone_sees_their_own_page(non_member: Any) -> None:
    """A non-member still sees their own page, not anyone else's."""
    assert policies.can_view_person(non_member.user, non_member)
    with pytest.raises(NotAllowed):
        policies.check_can_view_person(non_member.user, PersonFactory())


@pytest.mark.parametrize("role", ROLES)
def test_only_the_person_edits_their_profiles(request: pytest.FixtureRequest, role: str) -> None:
    """Not even a steward edits someone else's profile or consultant profile."""
    other = PersonFactory()
    user = _user(request, role)
    assert not policies.can_edit_profile(user, other)
    assert not policies.can_edit_consultant_profile(user, other)
    with pytest.raises(NotAllowed):
        policies.check_can_edit_consultant_profile(user, other)
    if role != "anonymous":
        me = request.getfixturevalue(role)
        assert policies.can_edit_profile(user, me)
        assert policies.can_edit_consultant_profile(user, me)


def test_only_the_author_edits_a_reference(steward: Any) -> None:
    reference = ConsultantReferenceFactory()
    author = reference.profile.person
    assert policies.can_edit_reference(author.user, reference)
    assert not policies.can_edit_reference(steward.user, reference)
    assert not policies.can_edit_reference(AnonymousUser(), reference)
    with pytest.raises(NotAllowed):
        policies.check_can_edit_reference(steward.user, reference)


@pytest.mark.parametrize("role", ROLES)
def test_engagement_level_needs_another_steward(request: pytest.FixtureRequest, role: str) -> None:
    """Only a steward changes someone's level, and never their own."""
    target = PersonFactory()
    user = _user(request, role)
    assert policies.can_set_engagement_level(user, target) is (role == "steward")
    if role != "anonymous":
        me = request.getfixturevalue(role)
        assert not policies.can_set_engagement_level(user, me)
        with pytest.raises(NotAllowed):
            policies.check_can_set_engagement_level(user, me)


@pytest.mark.parametrize("role", ROLES)
def test_organization_rights_come_from_the_organization_not_the_level(
    request: pytest.FixtureRequest, role: str
) -> None:
    """A steward is not an organization's administrator; its administrator is."""
    organization = OrganizationFactory()
    admin = OrganizationMembershipFactory(organization=organization, role=OrganizationRole.ADMIN)
    user = _user(request, role)
    assert not policies.can_edit_organization(user, organization)
    assert not policies.can_manage_organization_people(user, organization)
    with pytest.raises(NotAllowed):
        policies.check_can_edit_organization(user, organization)
    assert policies.can_edit_organization(admin.person.user, organization)
    assert policies.can_manage_organization_people(admin.person.user, organization)


def test_a_plain_member_of_the_organization_cannot_administer_it() -> None:
    organization = OrganizationFactory()
    plain = OrganizationMembershipFactory(organization=organization, role=OrganizationRole.MEMBER)
    assert not policies.can_edit_organization(plain.person.user, organization)
    with pytest.raises(NotAllowed):
        policies.check_can_manage_organization_people(plain.person.user, organization)


def test_anyone_may_leave_but_only_admins_remove_others() -> None:
    organization = OrganizationFactory()
    admin = OrganizationMembershipFactory(organization=organization, role=OrganizationRole.ADMIN)
    plain = OrganizationMembershipFactory(organization=organization)
    other = OrganizationMembershipFactory(organization=organization)
    assert policies.can_remove_from_organization(plain.person.user, organization, plain.person)
    assert not policies.can_remove_from_organization(plain.person.user, organization, other.person)
    assert policies.can_remove_from_organization(admin.person.user, organization, other.person)
    with pytest.raises(NotAllowed):
        policies.check_can_remove_from_organization(AnonymousUser(), organization, other.person)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_an_organizations_people(request: pytest.FixtureRequest, role: str) -> None:
    """Network members, and the organization's own people, see who belongs to it."""
    organization = OrganizationFactory()
    insider = OrganizationMembershipFactory(organization=organization).person
    user = _user(request, role)
    expected = role in {"org_member", "supporter", "contributor", "steward"}
    assert policies.can_view_organization_people(user, organization) is expected
    assert policies.can_view_organization_people(insider.user, organization)


def test_a_person_in_a_non_adhering_organization_is_not_a_member() -> None:
    person = PersonFactory()
    OrganizationMembershipFactory(person=person)
    assert not policies.is_member(person.user)
    assert not policies.person_is_member(person)
