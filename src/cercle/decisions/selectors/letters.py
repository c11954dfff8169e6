"""Reads of support letters shared by the pages and the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed, NotFound
from cercle.decisions.models import LetterAssessment, ReadingCriterion, SupportLetterRequest
from cercle.decisions.policies.letters import REVIEWER_LEVELS, can_view_letter
from cercle.membership.viewer import viewer_for
from cercle.network.enums import ActorType
from cercle.network.models import Organization, OrganizationMembership, Person

CHOICES_LIMIT = 1000


def _base() -> QuerySet[SupportLetterRequest]:
    return SupportLetterRequest.objects.select_related(
        "holder", "requested_by", "reviewer", "proposal"
    )


def letter_list(*, actor: Any, status: str = "", mine: bool = False) -> QuerySet[Any]:
    """Members and stewards see every request; anyone else the ones they made."""
    viewer = viewer_for(actor)
    if viewer.person is None:
        raise NotAllowed(_("Sign in to see support letters."))
    letters = _base().order_by("-created_at", "-id")
    if mine or not (viewer.is_member or viewer.is_steward):
        letters = letters.filter(requested_by=viewer.person)
    if status:
        letters = letters.filter(status=status)
    return letters


def letter_get(*, actor: Any, uuid: UUID | str) -> SupportLetterRequest:
    """One request with what its page shows; a 404 for those who may not see it."""
    letter = (
        _base()
        .select_related("requested_by__user", "reviewer_appointed_by")
        .prefetch_related(
            Prefetch("operators", queryset=Organization.objects.order_by("name")),
            Prefetch(
                "assessments",
                queryset=LetterAssessment.objects.select_related("criterion").order_by(
                    "criterion__position", "id"
                ),
            ),
        )
        .filter(uuid=uuid)
        .first()
    )
    if letter is None or not can_view_letter(actor, letter):
        raise NotFound(_("No such support letter request."))
    return letter


# ---------------------------------------------------------------- reviewer candidates


@dataclass
class Candidate:
    person: Person
    reasons: list[str] = field(default_factory=list)

    @property
    def has_conflict(self) -> bool:
        return bool(self.reasons)


def reviewer_candidate_people(*, letter: SupportLetterRequest) -> QuerySet[Person]:
    """Contributors and stewards, by name (the current reviewer left out)."""
    people = Person.objects.filter(engagement_level__in=REVIEWER_LEVELS)
    if letter.reviewer_id is not None:
        people = people.exclude(pk=letter.reviewer_id)
    return people.order_by("last_name", "first_name", "id").only(
        "slug", "first_name", "last_name", "engagement_level"
    )


def reviewer_candidates(
    *, letter: SupportLetterRequest, people: Iterable[Person]
) -> list[Candidate]:
    """Each person with the reasons they may not review `letter` (an empty list: no
    conflict). One query for the lot, with the wording of `letter_conflict_reasons`."""
    people = list(people)
    organizations = {o.pk: o for o in [letter.holder, *letter.operators.all()]}
    ties: dict[int, list[int]] = defaultdict(list)
    for person_id, organization_id in (
        OrganizationMembership.objects.filter(
            person_id__in=[p.pk for p in people], organization_id__in=list(organizations)
        )
        .order_by("organization__name")
        .values_list("person_id", "organization_id")
    ):
        ties[person_id].append(organization_id)
    candidates = []
    for person in people:
        reasons = []
        if person.pk == letter.requested_by_id:
            reasons.append(_("asked for this letter"))
        reasons += [
            _("belongs to the organization “%(name)s”") % {"name": organizations[pk].name}
            for pk in ties.get(person.pk, [])
        ]
        candidates.append(Candidate(person=person, reasons=reasons))
    return candidates


def reviewer_choices(*, letter: SupportLetterRequest) -> list[tuple[str, str]]:
    people = reviewer_candidate_people(letter=letter)[:CHOICES_LIMIT]
    return [(p.slug, p.full_name) for p in people]


def person_by_slug(*, slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).select_related("user").first()


# ---------------------------------------------------------------- organizations


def holder_choices(*, actor: Any) -> list[tuple[str, str]]:
    """The organizations one may ask for: one's own (stewards: any), providers left out."""
    viewer = viewer_for(actor)
    organizations = Organization.objects.exclude(actor_type=ActorType.PRESTATAIRE)
    if not viewer.is_steward:
        organizations = organizations.filter(memberships__person=viewer.person)
    return [
        (o.slug, o.name)
        for o in organizations.order_by("name", "id").only("slug", "name")[:CHOICES_LIMIT]
    ]


def operator_choices() -> list[tuple[str, str]]:
    organizations = Organization.objects.order_by("name", "id").only("slug", "name")
    return [(o.slug, o.name) for o in organizations[:CHOICES_LIMIT]]


def organization_by_slug(*, slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug).first() if slug else None


def organizations_by_slugs(*, slugs: Sequence[str]) -> tuple[list[Organization], list[str]]:
    """The organizations found, and the slugs that match none."""
    found = {o.slug: o for o in Organization.objects.filter(slug__in=list(slugs))}
    return [found[s] for s in dict.fromkeys(slugs) if s in found], [
        s for s in slugs if s not in found
    ]


# ---------------------------------------------------------------- criteria


def reading_criterion_list(*, active_only: bool = False) -> QuerySet[ReadingCriterion]:
    criteria = ReadingCriterion.objects.order_by("position", "id")
    return criteria.filter(is_active=True) if active_only else criteria


def reading_criterion_get(*, uuid: UUID | str) -> ReadingCriterion:
    criterion = ReadingCriterion.objects.filter(uuid=uuid).first()
    if criterion is None:
        raise NotFound(_("No such reading criterion."))
    return criterion
