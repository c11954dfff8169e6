"""Reads on people, organizations, skills, consultants' profiles and territories.

Pages and the API share these; each fetches what its page shows in a fixed number of
queries, whatever the number of rows.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cercle.network.enums import ActorType, TerritoryKind
from cercle.network.models import (
    ConsultantProfile,
    ConsultantReference,
    Organization,
    OrganizationMembership,
    Person,
    Skill,
    Territory,
)
from cercle.network.validators import DEPARTMENT_RE

TERRITORY_SEARCH_MIN = 2
TERRITORY_SEARCH_LIMIT = 20


# --- People -------------------------------------------------------------------------


def _memberships_with_organizations() -> Prefetch[Any]:
    return Prefetch(
        "memberships",
        queryset=OrganizationMembership.objects.select_related(
            "organization", "organization__territory"
        ).order_by("organization__name"),
    )


def _people() -> QuerySet[Person]:
    return Person.objects.select_related("territory", "user").prefetch_related(
        _memberships_with_organizations()
    )


def person_get(*, slug: str) -> Person:
    """A person's page: territory, organizations (with roles), consultant profile."""
    person = get_object_or_404(_people(), slug=slug)
    person_attach_consultant_profile(person)
    return person


def person_get_by_uuid(*, uuid: Any) -> Person:
    person = get_object_or_404(_people(), uuid=uuid)
    person_attach_consultant_profile(person)
    return person


def person_for_user(*, user: Any) -> Person:
    """The signed-in person with what their profile page shows."""
    return get_object_or_404(_people(), user=user)


def person_attach_consultant_profile(person: Person) -> None:
    """Set `person.consultant` to their profile (or None), skills and territories loaded."""
    person.consultant = consultant_profile_get(person=person, with_references=False)  # type: ignore[attr-defined]


# --- Organizations ------------------------------------------------------------------


def organization_list(*, actor_type: str = "", department: str = "") -> QuerySet[Organization]:
    """Organizations by name, optionally of one actor type and in one département."""
    errors: dict[str, list[str]] = {}
    if actor_type and actor_type not in ActorType.values:
        errors["actor_type"] = [_("Select a valid choice.")]
    department = (department or "").strip().upper()
    if department and not DEPARTMENT_RE.fullmatch(department):
        errors["department"] = [_("Enter a département code such as 59, 2A or 974.")]
    if errors:
        raise ValidationError(errors)
    organizations = Organization.objects.select_related("territory")
    if actor_type:
        organizations = organizations.filter(actor_type=actor_type)
    if department:
        organizations = organizations.filter(territory__department_code=department)
    return organizations.order_by("name", "pk")


def organization_get(*, slug: str) -> Organization:
    """One organization with its territory and its people (and their roles)."""
    return get_object_or_404(
        Organization.objects.select_related("territory").prefetch_related(
            Prefetch(
                "memberships",
                queryset=OrganizationMembership.objects.select_related(
                    "person", "person__user"
                ).order_by("-role", "person__last_name", "person__first_name"),
            )
        ),
        slug=slug,
    )


def organization_memberships(*, organization: Organization) -> list[OrganizationMembership]:
    """Administrators first, then by name; uses what `organization_get` prefetched."""
    memberships = list(organization.memberships.all())
    return sorted(
        memberships,
        key=lambda m: (m.role != "admin", m.person.last_name, m.person.first_name),
    )


# --- Skills -------------------------------------------------------------------------


def skill_list(*, include_inactive: bool = False) -> QuerySet[Skill]:
    """Major skills first, then by name, with how many consultants cite each."""
    skills = Skill.objects.annotate(consultant_count=Count("consultants", distinct=True))
    if not include_inactive:
        skills = skills.filter(is_active=True)
    return skills.order_by("-is_major", "name")


def skill_get(*, slug: str) -> Skill:
    return get_object_or_404(Skill, slug=slug)


def skill_choices(*, profile: ConsultantProfile | None = None) -> list[tuple[str, str]]:
    """The active taxonomy as (slug, name) pairs for a form, plus the inactive skills
    that `profile` already cites (so saving the form does not drop them silently)."""
    allowed = Q(is_active=True)
    if profile is not None and profile.pk is not None:
        allowed |= Q(consultants=profile)
    return list(
        Skill.objects.filter(allowed)
        .distinct()
        .order_by("-is_major", "name")
        .values_list("slug", "name")
    )


# --- Consultants' profiles ----------------------------------------------------------


def consultant_profile_get(
    *, person: Person, with_references: bool = True, public_only: bool = False
) -> ConsultantProfile | None:
    prefetch: list[Any] = ["skills", "territories"]
    if with_references:
        references = ConsultantReference.objects.order_by("-year", "client")
        if public_only:
            references = references.filter(is_public=True)
        prefetch.append(Prefetch("references", queryset=references))
    return ConsultantProfile.objects.filter(person=person).prefetch_related(*prefetch).first()


def consultant_reference_get(*, person: Person, uuid: Any) -> ConsultantReference:
    """One of the person's own references (404 for anyone else's)."""
    return get_object_or_404(
        ConsultantReference.objects.select_related("profile"), uuid=uuid, profile__person=person
    )


# --- Territories --------------------------------------------------------------------


def territory_search(
    *, q: str, limit: int | None = TERRITORY_SEARCH_LIMIT, allow_all: bool = False
) -> QuerySet[Territory]:
    """Départements then communes whose code starts with, or whose name contains, `q`.

    A query shorter than two characters finds nothing (a single digit is a code prefix),
    unless `allow_all` asks for every territory when `q` is empty.
    """
    q = (q or "").strip()
    if not q and allow_all:
        territories = Territory.objects.order_by("-kind", "name", "code")
        return territories[:limit] if limit else territories
    if len(q) < TERRITORY_SEARCH_MIN and not re.fullmatch(r"[0-9]", q):
        return Territory.objects.none()
    match = Q(code__startswith=q.upper()) | Q(name__icontains=q)
    # Départements first: "departement" sorts after "commune", so descending.
    territories = Territory.objects.filter(match).order_by("-kind", "name", "code")
    return territories[:limit] if limit else territories


def department_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} · {name}")
        for code, name in Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT)
        .order_by("code")
        .values_list("code", "name")
    ]


def territory_codes_text(territories: Any) -> str:
    """The codes of territories, as a person types them in a form."""
    return ", ".join(t.code for t in territories)
