"""Who is looking: the roles that navigation, policies and the journal depend on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cercle.network.enums import EngagementLevel
from cercle.network.models import Person


@dataclass(frozen=True)
class Viewer:
    person: Person | None
    is_member: bool
    is_steward: bool
    in_circle: bool

    @property
    def level(self) -> str:
        return self.person.engagement_level if self.person else ""


ANONYMOUS = Viewer(person=None, is_member=False, is_steward=False, in_circle=False)


def viewer_for(user: Any) -> Viewer:
    """Two queries at most, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_cercle_viewer", None)
    if cached is not None:
        return cached
    from cercle.network.policies import person_is_member

    person = Person.objects.filter(user=user).first()
    if person is None:
        viewer = ANONYMOUS
    else:
        viewer = Viewer(
            person=person,
            is_member=person_is_member(person),
            is_steward=person.engagement_level == EngagementLevel.SOUCIEUX,
            in_circle=person.circle_memberships.filter(ended_at__isnull=True).exists(),
        )
    user._cercle_viewer = viewer
    return viewer
