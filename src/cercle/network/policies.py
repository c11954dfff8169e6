"""Who may do what in the network. Engagement levels, in order:
sympathisant (supporter) < contributeur (contributor) < soucieux (steward).

- anyone signed in: fill an adhesion contract, edit their own profile and consultant
  profile, create an organization;
- an organization's administrators: edit it, add and remove its people, set their role;
- a member (own adhesion validated, or belonging to an adhering organization), at any
  level: read the members' pages (people's pages) and the journal, sign the charter and
  join the circle;
- contributor and above: raise a regulation concern about a circle member;
- steward: maintain the menus, the skills taxonomy and the charter, discuss and decide
  adhesions, follow engagements, run regulation, change engagement levels (not their own).

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.network.enums import LEVEL_RANK, EngagementLevel, OrganizationRole
from cercle.network.models import ConsultantReference, Organization, Person


def person_is_member(person: Person) -> bool:
    """A member adhered personally (has a level) or belongs to an adhering organization."""
    if person.engagement_level:
        return True
    return person.organizations.filter(member_since__isnull=False).exists()


def person_or_none(user: Any) -> Person | None:
    """The Person behind a login, or None for anonymous callers and bare logins."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person  # type: ignore[no-any-return]
    except Person.DoesNotExist:
        return None


_person = person_or_none


def level_at_least(user: Any, level: str) -> bool:
    person = _person(user)
    return person is not None and LEVEL_RANK.get(person.engagement_level, 0) >= LEVEL_RANK[level]


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return _person(user) is not None


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


def _is_admin_of(person: Person, organization: Organization) -> bool:
    # Use memberships already fetched by a selector rather than asking again.
    cache = getattr(organization, "_prefetched_objects_cache", {})
    if "memberships" in cache:
        return any(
            m.person_id == person.pk and m.role == OrganizationRole.ADMIN
            for m in cache["memberships"]
        )
    return organization.memberships.filter(person=person, role=OrganizationRole.ADMIN).exists()


def _belongs_to(person: Person, organization: Organization) -> bool:
    cache = getattr(organization, "_prefetched_objects_cache", {})
    if "memberships" in cache:
        return any(m.person_id == person.pk for m in cache["memberships"])
    return organization.memberships.filter(person=person).exists()


@rules.predicate
def is_org_admin(user: Any, organization: Organization) -> bool:
    person = _person(user)
    return person is not None and _is_admin_of(person, organization)


def _is_self(user: Any, person: Person) -> bool:
    me = _person(user)
    return me is not None and me.pk == person.pk


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


# --- Anyone signed in -------------------------------------------------------------


def can_fill_adhesion(user: Any) -> bool:
    return bool(is_signed_in(user))


def check_can_fill_adhesion(user: Any) -> None:
    _refuse(can_fill_adhesion(user), _("Sign in to fill in an adhesion contract."))


def can_edit_profile(user: Any, person: Person) -> bool:
    """Only the person themself edits their profile."""
    return _is_self(user, person)


def check_can_edit_profile(user: Any, person: Person) -> None:
    _refuse(can_edit_profile(user, person), _("Only this person can edit their profile."))


def can_edit_consultant_profile(user: Any, person: Person) -> bool:
    return _is_self(user, person)


def check_can_edit_consultant_profile(user: Any, person: Person) -> None:
    _refuse(
        can_edit_consultant_profile(user, person),
        _("Only this person can edit their consultant profile."),
    )


def can_edit_reference(user: Any, reference: ConsultantReference) -> bool:
    me = _person(user)
    return me is not None and reference.profile.person_id == me.pk


def check_can_edit_reference(user: Any, reference: ConsultantReference) -> None:
    _refuse(can_edit_reference(user, reference), _("Only its author can change this reference."))


def can_create_organization(user: Any) -> bool:
    return bool(is_signed_in(user))


def check_can_create_organization(user: Any) -> None:
    _refuse(can_create_organization(user), _("Sign in to create an organization."))


# --- Organization administrators ----------------------------------------------------


def can_edit_organization(user: Any, organization: Organization) -> bool:
    return bool(is_org_admin(user, organization))


def check_can_edit_organization(user: Any, organization: Organization) -> None:
    _refuse(
        can_edit_organization(user, organization),
        _("Only the organization's administrators can edit it."),
    )


def can_manage_organization_people(user: Any, organization: Organization) -> bool:
    return bool(is_org_admin(user, organization))


def check_can_manage_organization_people(user: Any, organization: Organization) -> None:
    _refuse(
        can_manage_organization_people(user, organization),
        _("Only the organization's administrators can manage its people."),
    )


def can_remove_from_organization(user: Any, organization: Organization, person: Person) -> bool:
    """An administrator removes anyone; anyone may leave an organization themself."""
    return _is_self(user, person) or bool(is_org_admin(user, organization))


def check_can_remove_from_organization(
    user: Any, organization: Organization, person: Person
) -> None:
    _refuse(
        can_remove_from_organization(user, organization, person),
        _("Only the organization's administrators can remove someone from it."),
    )


def can_view_organization_people(user: Any, organization: Organization) -> bool:
    """Who belongs to an organization: network members and the organization's own people."""
    me = _person(user)
    if me is None:
        return False
    return person_is_member(me) or _belongs_to(me, organization)


# --- Members, at any level ----------------------------------------------------------


def can_view_person(user: Any, person: Person) -> bool:
    """People's pages are for members; everyone may see their own."""
    return _is_self(user, person) or bool(is_member(user))


def check_can_view_person(user: Any, person: Person) -> None:
    _refuse(can_view_person(user, person), _("People's pages are open to members of the network."))


def can_read_member_pages(user: Any) -> bool:
    return bool(is_member(user))


def check_can_read_member_pages(user: Any) -> None:
    _refuse(can_read_member_pages(user), _("This page is open to members of the network."))


def can_sign_charter(user: Any) -> bool:
    return bool(is_member(user))


def check_can_sign_charter(user: Any) -> None:
    _refuse(can_sign_charter(user), _("Only members of the network can sign the charter."))


# --- Contributors and stewards ------------------------------------------------------


def can_raise_concern(user: Any) -> bool:
    return bool(is_contributor(user))


def check_can_raise_concern(user: Any) -> None:
    _refuse(can_raise_concern(user), _("Contributors and stewards can raise a regulation concern."))


# --- Stewards -----------------------------------------------------------------------


def can_manage_skills(user: Any) -> bool:
    return bool(is_steward(user))


def check_can_manage_skills(user: Any) -> None:
    _refuse(can_manage_skills(user), _("Only stewards maintain the skills taxonomy."))


def can_steward(user: Any) -> bool:
    """Menus, charter versions, adhesions, engagements and regulation: stewards' work."""
    return bool(is_steward(user))


def check_can_steward(user: Any) -> None:
    _refuse(can_steward(user), _("Only stewards can do this."))


def can_set_engagement_level(user: Any, person: Person) -> bool:
    # A steward may not promote or demote themself: another steward does it.
    return bool(is_steward(user)) and not _is_self(user, person)


def check_can_set_engagement_level(user: Any, person: Person) -> None:
    if not can_set_engagement_level(user, person):
        raise NotAllowed(_("Only another steward can change a member's engagement level."))
