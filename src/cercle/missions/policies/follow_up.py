"""Who may follow a mission after its award.

- Circle members and stewards see missions, their updates and documentation.
- The team's accepted members start a mission and post progress; the lead delivers and
  documents it (the lead answers for the team).
- A steward who is not on the team closes it and reviews its quality: nobody judges their
  own mission.
- The client's satisfaction answers and the quality reviews are for stewards and the team.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.missions.enums import MemberStatus
from cercle.missions.models import Mission, TeamMember
from cercle.missions.policies.common import refuse, viewer


def team_person_ids(mission: Mission) -> set[int]:
    """Accepted members of the mission's team, lead included (one query, cached)."""
    cached: set[int] | None = getattr(mission, "_team_person_ids", None)
    if cached is None:
        if "members" in getattr(mission.team, "_prefetched_objects_cache", {}):
            cached = {
                m.person_id for m in mission.team.members.all() if m.status == MemberStatus.ACCEPTED
            }
        else:
            cached = set(
                TeamMember.objects.filter(
                    team_id=mission.team_id, status=MemberStatus.ACCEPTED
                ).values_list("person_id", flat=True)
            )
        cached.add(mission.lead_id)
        mission._team_person_ids = cached  # type: ignore[attr-defined]
    return cached


def _person_id(user: Any) -> int | None:
    person = viewer(user).person
    return person.pk if person is not None else None


def is_on_team(user: Any, mission: Mission) -> bool:
    pid = _person_id(user)
    return pid is not None and pid in team_person_ids(mission)


def is_lead(user: Any, mission: Mission) -> bool:
    pid = _person_id(user)
    return pid is not None and pid == mission.lead_id


def can_view_missions(user: Any) -> bool:
    v = viewer(user)
    return v.is_steward or v.in_circle


def check_can_view_missions(user: Any) -> None:
    refuse(
        can_view_missions(user),
        _("Missions are visible to the members of the consultants' circle and to stewards."),
    )


def can_view_mission(user: Any, mission: Mission) -> bool:
    return can_view_missions(user) or is_on_team(user, mission)


def check_can_view_mission(user: Any, mission: Mission) -> None:
    refuse(
        can_view_mission(user, mission),
        _("Missions are visible to the members of the consultants' circle and to stewards."),
    )


def can_start(user: Any, mission: Mission) -> bool:
    return is_on_team(user, mission)


def check_can_start(user: Any, mission: Mission) -> None:
    refuse(can_start(user, mission), _("Only the mission's team can start it."))


def can_post_update(user: Any, mission: Mission) -> bool:
    return is_on_team(user, mission)


def check_can_post_update(user: Any, mission: Mission) -> None:
    refuse(can_post_update(user, mission), _("Only the mission's team can post an update."))


def can_deliver(user: Any, mission: Mission) -> bool:
    return is_lead(user, mission)


def check_can_deliver(user: Any, mission: Mission) -> None:
    refuse(can_deliver(user, mission), _("Only the team lead can declare the delivery."))


def can_document(user: Any, mission: Mission) -> bool:
    return is_lead(user, mission)


def check_can_document(user: Any, mission: Mission) -> None:
    refuse(can_document(user, mission), _("Only the team lead can document the mission."))


def can_close(user: Any, mission: Mission) -> bool:
    return viewer(user).is_steward and not is_on_team(user, mission)


def check_can_close(user: Any, mission: Mission) -> None:
    refuse(
        can_close(user, mission),
        _("Only a steward who is not on the mission's team can close it."),
    )


def can_view_confidential(user: Any, mission: Mission) -> bool:
    """The client's answers and the quality reviews: stewards and the team."""
    return viewer(user).is_steward or is_on_team(user, mission)


def can_review_quality(user: Any, mission: Mission | None = None) -> bool:
    if not viewer(user).is_steward:
        return False
    return mission is None or not is_on_team(user, mission)


def check_can_review_quality(user: Any, mission: Mission | None = None) -> None:
    if not viewer(user).is_steward:
        refuse(False, _("Only stewards review the quality of missions."))
    refuse(
        can_review_quality(user, mission),
        _("A steward does not review a mission of their own team."),
    )
