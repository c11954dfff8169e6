"""The public directory: circle members who consented to being listed, and nobody else.

A person is listed while they have an open period in the circle and a charter signature
that consents to the listing. Every public read (pages and API) goes through
`directory_people()`, so the rule lives in one place. Lists prefetch everything they
show: the number of queries does not grow with the number of members.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.membership.models import CharterSignature, CircleMembership
from cercle.network.models import (
    ConsultantProfile,
    ConsultantReference,
    Organization,
    Person,
    Skill,
    Territory,
)


def directory_people() -> QuerySet[Person]:
    """Everyone the public may see, unordered and without prefetching."""
    in_circle = CircleMembership.objects.filter(person=OuterRef("pk"), ended_at__isnull=True)
    consented = CharterSignature.objects.filter(person=OuterRef("pk"), consents_to_listing=True)
    return Person.objects.filter(Exists(in_circle), Exists(consented))


def _with_public_details(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.select_related("consultant_profile", "territory").prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.order_by("name")),
        Prefetch(
            "consultant_profile__skills",
            queryset=Skill.objects.filter(is_active=True).order_by("-is_major", "name"),
        ),
        Prefetch("consultant_profile__territories", queryset=Territory.objects.order_by("code")),
        Prefetch(
            "consultant_profile__references",
            queryset=ConsultantReference.objects.filter(is_public=True).order_by("-year", "client"),
            to_attr="public_references",
        ),
    )


def normalize_department(code: str) -> str:
    return (code or "").strip().upper()


def directory_list(*, skill: str = "", territory: str = "") -> QuerySet[Person]:
    """Listed people, filtered by a skill slug and a served département code."""
    people = directory_people()
    if skill:
        people = people.filter(
            Exists(
                ConsultantProfile.skills.through.objects.filter(
                    consultantprofile__person=OuterRef("pk"), skill__slug=skill
                )
            )
        )
    department = normalize_department(territory)
    if department:
        people = people.filter(
            Exists(
                ConsultantProfile.territories.through.objects.filter(
                    consultantprofile__person=OuterRef("pk"),
                    territory__department_code=department,
                )
            )
        )
    return _with_public_details(people).order_by("last_name", "first_name", "pk")


def directory_get(*, slug: str) -> Person:
    """One listed person; anyone else is "not found", whether they exist or not."""
    person = _with_public_details(directory_people()).filter(slug=slug).first()
    if person is None:
        raise NotFound(_("Nobody with this name is listed in the directory."))
    return person


def directory_skill_choices() -> list[tuple[str, str]]:
    """Active skills (slug, name), major ones first, for the filter (one query)."""
    return list(
        Skill.objects.filter(is_active=True)
        .order_by("-is_major", "name")
        .values_list("slug", "name")
    )


def directory_is_listed(*, person: Person) -> bool:
    return directory_people().filter(pk=person.pk).exists()
