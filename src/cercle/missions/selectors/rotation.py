"""The rotation (tourniquet): which circle members are asked to look at a request.

The ranking is a pure function over `Candidate`s, so that it can be tested on its own;
`rotation_panel` feeds it from the database in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from cercle.membership.models import CircleMembership
from cercle.missions.models import PanelInvitation, SupportRequest
from cercle.missions.selectors.fairness import awarded_missions_since
from cercle.network.models import ConsultantProfile, OrganizationMembership, Person

PANEL_SIZE = 5


@dataclass(frozen=True)
class Candidate:
    person_id: int
    first_name: str
    last_name: str
    slug: str
    circle_joined_at: datetime.datetime
    missions_12m: int

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def rotation_key(candidate: Candidate) -> tuple[int, float, str, str, int]:
    """Fewest missions first, then the most recent arrivals in the circle, then the name."""
    return (
        candidate.missions_12m,
        -candidate.circle_joined_at.timestamp(),
        candidate.last_name.casefold(),
        candidate.first_name.casefold(),
        candidate.person_id,
    )


def rank_panel(candidates: Sequence[Candidate], size: int = PANEL_SIZE) -> list[Candidate]:
    """The `size` candidates the rotation asks first (pure: no database)."""
    if size <= 0:
        return []
    return sorted(candidates, key=rotation_key)[:size]


def _eligible_people(support_request: SupportRequest) -> QuerySet[Person]:
    """Active circle members with a consultant profile whose skills fit, outside the
    client's organization. One query when evaluated."""
    open_membership = CircleMembership.objects.filter(person=OuterRef("pk"), ended_at__isnull=True)
    people = Person.objects.annotate(
        circle_joined_at=Subquery(open_membership.order_by("-joined_at").values("joined_at")[:1])
    ).filter(circle_joined_at__isnull=False, consultant_profile__isnull=False)
    skill_ids = [s.pk for s in support_request.required_skills.all()]
    if skill_ids:
        fitting = ConsultantProfile.skills.through.objects.filter(
            consultantprofile__person=OuterRef("pk"), skill_id__in=skill_ids
        )
        people = people.filter(Exists(fitting))
    if support_request.client_organization_id:
        client_people = OrganizationMembership.objects.filter(
            person=OuterRef("pk"), organization_id=support_request.client_organization_id
        )
        people = people.exclude(Exists(client_people))
    return people


def rotation_candidates(support_request: SupportRequest) -> list[Candidate]:
    """Everyone the rotation may ask, with their awarded missions in the last 12 months."""
    rows = _eligible_people(support_request).values_list(  # type: ignore[misc]
        "pk", "first_name", "last_name", "slug", "circle_joined_at"
    )
    missions = awarded_missions_since()
    return [
        Candidate(
            person_id=pk,
            first_name=first,
            last_name=last,
            slug=slug,
            circle_joined_at=joined,
            missions_12m=missions.get(pk, 0),
        )
        for pk, first, last, slug, joined in rows
    ]


def rotation_panel(support_request: SupportRequest, size: int = PANEL_SIZE) -> list[Candidate]:
    """The panel the rotation would ask now, best first."""
    return rank_panel(rotation_candidates(support_request), size)


def panel_invitation_list(support_request: SupportRequest) -> QuerySet[PanelInvitation]:
    """The people the rotation asked, with their figures at the time; one query."""
    return PanelInvitation.objects.filter(request=support_request).select_related("person")
