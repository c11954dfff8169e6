"""Who belongs to a decision group, who reads it, who writes in it, who manages it.

- A group's members are the people listed in it (always), plus, by its rule, every
  member of the network (`ALL_MEMBERS`) or everyone in the circle now (`CIRCLE`).
- Reading: a PUBLIC group is read by anyone; a MEMBERS group by the network's members;
  a GROUP group by its members. Stewards read every group, and a group's members always
  read their own group.
- Posting (threads, comments, proposals): the group's members and the stewards.
- Stewards create and edit groups; stewards and a group's administrators manage its
  listed members.

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
`readable_groups_q` and `member_groups_q` give the same rules as filters for selectors.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.decisions.enums import GroupVisibility, MembershipRule
from cercle.decisions.models import Group, GroupMembership
from cercle.membership.models import CircleMembership
from cercle.membership.viewer import Viewer, viewer_for
from cercle.network.enums import EngagementLevel
from cercle.network.models import OrganizationMembership, Person
from cercle.network.policies import person_is_member

# ---------------------------------------------------------------- membership


# The membership filters are `pk IN (subquery)` rather than correlated EXISTS: the same
# people, but PostgreSQL then hashes each subquery once. With EXISTS OR-ed together its
# estimate for 8,000 people was ~200,000, above `jit_above_cost`, and every proposal page
# paid 45-60 ms of JIT compilation for a 15 ms scan.


def _network_member_q() -> Q:
    """A member of the network: adhered personally, or belongs to an adhering organization."""
    adhering = OrganizationMembership.objects.filter(organization__member_since__isnull=False)
    return ~Q(engagement_level="") | Q(pk__in=adhering.values("person_id"))


def _in_circle_q() -> Q:
    return Q(pk__in=CircleMembership.objects.filter(ended_at__isnull=True).values("person_id"))


def group_members(group: Group) -> QuerySet[Person]:
    """The people who belong to `group` now (one query when evaluated)."""
    members = Q(pk__in=GroupMembership.objects.filter(group=group).values("person_id"))
    if group.membership_rule == MembershipRule.ALL_MEMBERS:
        members |= _network_member_q()
    elif group.membership_rule == MembershipRule.CIRCLE:
        members |= _in_circle_q()
    return Person.objects.filter(members).order_by("last_name", "first_name", "pk")


def _steward_q() -> Q:
    return Q(engagement_level=EngagementLevel.SOUCIEUX)


def group_readers(group: Group) -> QuerySet[Person]:
    """The people who may read `group` (for mentions and notifications)."""
    if group.visibility == GroupVisibility.PUBLIC:
        return Person.objects.all()
    readers = (
        Q(pk__in=GroupMembership.objects.filter(group=group).values("person_id")) | _steward_q()
    )
    if group.visibility == GroupVisibility.MEMBERS or (
        group.membership_rule == MembershipRule.ALL_MEMBERS
    ):
        readers |= _network_member_q()
    if group.membership_rule == MembershipRule.CIRCLE:
        readers |= _in_circle_q()
    return Person.objects.filter(readers)


def group_admins(group: Group) -> QuerySet[Person]:
    return Person.objects.filter(
        group_memberships__group=group, group_memberships__is_admin=True
    ).order_by("last_name", "first_name", "pk")


def _viewer(user_or_person: Any) -> Viewer:
    if isinstance(user_or_person, Person):
        return viewer_for(user_or_person.user)
    return viewer_for(user_or_person)


def _listed(person: Person, group: Group) -> GroupMembership | None:
    # Memberships already fetched by a selector spare a query.
    cache = getattr(group, "_prefetched_objects_cache", {})
    if "memberships" in cache:
        return next((m for m in group.memberships.all() if m.person_id == person.pk), None)
    return GroupMembership.objects.filter(group=group, person=person).first()


def is_group_member(person: Person | None, group: Group) -> bool:
    if person is None:
        return False
    if group.membership_rule == MembershipRule.ALL_MEMBERS and person_is_member(person):
        return True
    if (
        group.membership_rule == MembershipRule.CIRCLE
        and person.circle_memberships.filter(ended_at__isnull=True).exists()
    ):
        return True
    return _listed(person, group) is not None


def is_group_admin(person: Person | None, group: Group) -> bool:
    if person is None:
        return False
    membership = _listed(person, group)
    return membership is not None and membership.is_admin


def member_groups_q(user: Any) -> Q:
    """Groups the viewer belongs to, as a filter on `Group` (no query of its own
    beyond the viewer's, cached for the request)."""
    viewer = _viewer(user)
    if viewer.person is None:
        return Q(pk__in=[])
    q = Q(Exists(GroupMembership.objects.filter(group=OuterRef("pk"), person=viewer.person)))
    if viewer.is_member:
        q |= Q(membership_rule=MembershipRule.ALL_MEMBERS)
    if viewer.in_circle:
        q |= Q(membership_rule=MembershipRule.CIRCLE)
    return q


def readable_groups_q(user: Any) -> Q:
    """Groups the viewer may read, as a filter on `Group`."""
    viewer = _viewer(user)
    if viewer.is_steward:
        return Q()
    q = Q(visibility=GroupVisibility.PUBLIC)
    if viewer.person is None:
        return q
    if viewer.is_member:
        q |= Q(visibility=GroupVisibility.MEMBERS)
    return q | member_groups_q(user)


# ---------------------------------------------------------------- reading and posting


def can_read_group(user: Any, group: Group) -> bool:
    if group.visibility == GroupVisibility.PUBLIC:
        return True
    viewer = _viewer(user)
    if viewer.person is None:
        return False
    if viewer.is_steward:
        return True
    if group.visibility == GroupVisibility.MEMBERS and viewer.is_member:
        return True
    return is_group_member(viewer.person, group)


def check_can_read_group(user: Any, group: Group) -> None:
    if not can_read_group(user, group):
        raise NotAllowed(_("Only the members of this group can read it."))


def can_post_in_group(user: Any, group: Group) -> bool:
    viewer = _viewer(user)
    if viewer.person is None:
        return False
    return viewer.is_steward or is_group_member(viewer.person, group)


def check_can_post_in_group(user: Any, group: Group) -> None:
    if not can_post_in_group(user, group):
        raise NotAllowed(_("Only the members of this group and the stewards can write in it."))


# ---------------------------------------------------------------- managing groups


def can_create_group(user: Any) -> bool:
    return _viewer(user).is_steward


def check_can_create_group(user: Any) -> None:
    if not can_create_group(user):
        raise NotAllowed(_("Only stewards can create a group."))


def can_edit_group(user: Any, group: Group) -> bool:
    return _viewer(user).is_steward


def check_can_edit_group(user: Any, group: Group) -> None:
    if not can_edit_group(user, group):
        raise NotAllowed(_("Only stewards can change a group."))


def can_manage_group_members(user: Any, group: Group) -> bool:
    viewer = _viewer(user)
    return viewer.is_steward or is_group_admin(viewer.person, group)


def check_can_manage_group_members(user: Any, group: Group) -> None:
    if not can_manage_group_members(user, group):
        raise NotAllowed(_("Only stewards and the group's administrators can manage its members."))
