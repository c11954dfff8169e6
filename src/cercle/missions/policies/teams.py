"""Who may position, form teams, invite, answer invitations and read suggestions.

- circle members: position on a request, create a team (they lead it), answer their
  own invitations, leave a team they are in;
- a team's lead: invite circle members, remove members, dissolve the team;
- circle members and stewards: read teams, invitations' outcomes and suggestions.

Whether the request is still open (status, deadline) is a state rule the services
enforce with `timezone.now()`; `request_is_open` lets pages hide what would be refused.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.missions.enums import MemberStatus, RequestStatus, TeamRole
from cercle.missions.models import SupportRequest, Team, TeamMember
from cercle.missions.policies.common import can_view_requests, in_circle, refuse, viewer

OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.QUALIFIED)


def request_is_open(support_request: SupportRequest) -> bool:
    """Positioning and team changes are open until the offers deadline."""
    return support_request.status in OPEN_STATUSES and not support_request.deadline_passed(
        timezone.now()
    )


def can_view_teams(user: Any) -> bool:
    return can_view_requests(user)


def check_can_view_teams(user: Any) -> None:
    refuse(
        can_view_teams(user),
        _("Teams are visible to the members of the consultants' circle and to stewards."),
    )


def can_position(user: Any, support_request: SupportRequest | None = None) -> bool:
    return in_circle(user) and (support_request is None or request_is_open(support_request))


def check_can_position(user: Any) -> None:
    refuse(in_circle(user), _("Only members of the consultants' circle can position themselves."))


def can_create_team(user: Any, support_request: SupportRequest | None = None) -> bool:
    return can_position(user, support_request)


def check_can_create_team(user: Any) -> None:
    refuse(in_circle(user), _("Only members of the consultants' circle can form a team."))


def is_team_lead(user: Any, team: Team) -> bool:
    person = viewer(user).person
    return person is not None and team.lead_id == person.pk


def can_manage_team(user: Any, team: Team) -> bool:
    return is_team_lead(user, team) and in_circle(user) and team.dissolved_at is None


def check_can_manage_team(user: Any, team: Team) -> None:
    refuse(can_manage_team(user, team), _("Only the lead of this team can do this."))


def can_respond(user: Any, member: TeamMember) -> bool:
    person = viewer(user).person
    return person is not None and member.person_id == person.pk and member.status == "invited"


def check_can_respond(user: Any, member: TeamMember) -> None:
    person = viewer(user).person
    refuse(
        person is not None and member.person_id == person.pk,
        _("Only the invited person can answer this invitation."),
    )


def can_remove_member(user: Any, member: TeamMember) -> bool:
    """The lead removes others; anyone but the lead may leave on their own."""
    if member.role == TeamRole.LEAD:
        return False
    if member.status not in (MemberStatus.INVITED, MemberStatus.ACCEPTED):
        return False
    person = viewer(user).person
    if person is None:
        return False
    if member.person_id == person.pk:
        return member.status == MemberStatus.ACCEPTED
    return member.team.lead_id == person.pk and in_circle(user)


def check_can_remove_member(user: Any, member: TeamMember) -> None:
    if member.role == TeamRole.LEAD:
        refuse(False, _("The lead cannot leave the team; dissolve it instead."))
    refuse(
        can_remove_member(user, member),
        _("Only the lead can remove a member; members can leave a team they are in."),
    )


def can_view_suggestion(user: Any) -> bool:
    return can_view_requests(user)


def check_can_view_suggestion(user: Any) -> None:
    refuse(
        can_view_suggestion(user),
        _(
            "Team suggestions are visible to the members of the consultants' circle and to stewards."
        ),
    )
