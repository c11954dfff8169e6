from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cercle.core.errors import NotAllowed
from cercle.decisions.enums import GroupVisibility, MembershipRule
from cercle.decisions.models import Group
from cercle.decisions.policies.groups import (
    can_create_group,
    can_manage_group_members,
    can_post_in_group,
    can_read_group,
    check_can_read_group,
    group_members,
    is_group_admin,
    is_group_member,
    readable_groups_q,
)
from tests.factories.decisions_threads import (
    AssociationGroupFactory,
    CircleGroupFactory,
    GroupAdminFactory,
    GroupFactory,
    GroupMembershipFactory,
)
from tests.factories.membership_charter import CircleMembershipFactory, MemberFactory
from tests.factories.network import (
    MemberOrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    StewardFactory,
)

pytestmark = pytest.mark.django_db


def test_listed_group_members_are_the_people_listed() -> None:
    group = GroupFactory()
    listed = GroupMembershipFactory(group=group).person
    MemberFactory()
    assert list(group_members(group)) == [listed]
    assert is_group_member(listed, group)


def test_association_counts_every_member_of_the_network() -> None:
    group = AssociationGroupFactory()
    member = MemberFactory()
    org_member = OrganizationMembershipFactory(organization=MemberOrganizationFactory()).person
    outsider = PersonFactory()
    members = set(group_members(group))
    assert {member, org_member} <= members
    assert outsider not in members
    assert is_group_member(org_member, group)
    assert not is_group_member(outsider, group)


def test_circle_group_counts_the_circle_now() -> None:
    group = CircleGroupFactory()
    inside = CircleMembershipFactory().person
    left = CircleMembershipFactory(ended_at="2024-01-01T00:00:00Z", end_reason="left").person
    assert list(group_members(group)) == [inside]
    assert is_group_member(inside, group)
    assert not is_group_member(left, group)


@pytest.mark.parametrize(
    ("visibility", "anonymous", "outsider", "member", "group_member", "steward"),
    [
        (GroupVisibility.PUBLIC, True, True, True, True, True),
        (GroupVisibility.MEMBERS, False, False, True, True, True),
        (GroupVisibility.GROUP, False, False, False, True, True),
    ],
)
def test_reading_follows_the_visibility(
    visibility: str,
    anonymous: bool,
    outsider: bool,
    member: bool,
    group_member: bool,
    steward: bool,
) -> None:
    group = GroupFactory(visibility=visibility)
    in_group = GroupMembershipFactory(group=group).person
    people = {
        "anonymous": AnonymousUser(),
        "outsider": PersonFactory().user,
        "member": MemberFactory().user,
        "group_member": in_group.user,
        "steward": StewardFactory().user,
    }
    expected = {
        "anonymous": anonymous,
        "outsider": outsider,
        "member": member,
        "group_member": group_member,
        "steward": steward,
    }
    for key, user in people.items():
        assert can_read_group(user, group) is expected[key], key
        readable = Group.objects.filter(readable_groups_q(user)).filter(pk=group.pk).exists()
        assert readable is expected[key], key


def test_check_can_read_raises() -> None:
    group = GroupFactory(visibility=GroupVisibility.GROUP)
    with pytest.raises(NotAllowed):
        check_can_read_group(MemberFactory().user, group)


def test_posting_is_for_group_members_and_stewards() -> None:
    group = GroupFactory(visibility=GroupVisibility.PUBLIC)
    in_group = GroupMembershipFactory(group=group).person
    assert can_post_in_group(in_group.user, group)
    assert can_post_in_group(StewardFactory().user, group)
    assert not can_post_in_group(MemberFactory().user, group)
    assert not can_post_in_group(AnonymousUser(), group)


def test_circle_rule_groups_show_to_circle_members_only() -> None:
    group = CircleGroupFactory(visibility=GroupVisibility.GROUP)
    inside = CircleMembershipFactory().person
    assert can_read_group(inside.user, group)
    assert not can_read_group(MemberFactory().user, group)
    assert group.membership_rule == MembershipRule.CIRCLE


def test_managing_groups() -> None:
    group = GroupFactory()
    admin = GroupAdminFactory(group=group).person
    plain = GroupMembershipFactory(group=group).person
    steward = StewardFactory()
    assert is_group_admin(admin, group)
    assert not is_group_admin(plain, group)
    assert can_manage_group_members(admin.user, group)
    assert can_manage_group_members(steward.user, group)
    assert not can_manage_group_members(plain.user, group)
    assert can_create_group(steward.user)
    assert not can_create_group(admin.user)
