"""Who may do what in the network. Engagement levels, in order:
sympathisant (supporter) < contributeur (contributor) < soucieux (steward).

- anyone signed in: fill an adhesion contract, edit their own profile, create an
  organization;
- a member (own adhesion validated, or belonging to an adhering organization), at any
  level: read the members' pages and the journal, sign the charter and join the circle;
- contributor and above: raise a regulation concern about a circle member;
- steward: maintain the menus, the skills taxonomy and the charter, discuss and decide
  adhesions, follow engagements, run regulation, change engagement levels.

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.network.enums import LEVEL_RANK, EngagementLevel, OrganizationRole
from cercle.network.models import Organization, Person


def person_is_member(person: Person) -> bool:
    """A member adhered personally (has a level) or belongs to an adhering organization."""
    if person.engagement_level:
        return True
    return person.organizations.filter(member_since__isnull=False).exists()


def _person(user: Any) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first() if not hasattr(user, "person") else user.person


def level_at_least(user: Any, level: str) -> bool:
    person = _person(user)
    return person is not None and LEVEL_RANK.get(person.engagement_level, 0) >= LEVEL_RANK[level]


@rules.predicate
def is_steward(user: Any) -> bool:
    return level_at_least(user, EngagementLevel.SOUCIEUX)


@rules.predicate
def is_contributor(user: Any) -> bool:
    return level_at_least(user, EngagementLevel.CONTRIBUTEUR)


@rules.predicate
def is_member(user: Any) -> bool:
    person = _person(user)
    return person is not None and person_is_member(person)


@rules.predicate
def is_org_admin(user: Any, organization: Organization) -> bool:
    person = _person(user)
    return (
        person is not None
        and organization.memberships.filter(person=person, role=OrganizationRole.ADMIN).exists()
    )


def can_set_engagement_level(user: Any, person: Person) -> bool:
    # A steward may not promote or demote themself: another steward does it.
    target = _person(user)
    return bool(is_steward(user)) and target is not None and target.pk != person.pk


def check_can_set_engagement_level(user: Any, person: Person) -> None:
    if not can_set_engagement_level(user, person):
        raise NotAllowed(_("Only another steward can change a member's engagement level."))
