"""Reads for positioning and teams: the request as the circle sees it, its teams,
positionings, one team, one member, and a person's pending invitations."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.membership.selectors.directory import directory_people
from cercle.membership.viewer import viewer_for
from cercle.missions.enums import MemberStatus, RequestStatus
from cercle.missions.models import Evaluator, Positioning, SupportRequest, Team, TeamMember
from cercle.missions.policies.common import person_required
from cercle.missions.policies.teams import check_can_view_teams
from cercle.network.models import Person

# Members a team page and a team list show: the invited and the accepted, lead first.
LIVE_MEMBER_STATUSES = (MemberStatus.INVITED, MemberStatus.ACCEPTED)


def request_for_teams(*, actor: Any, uuid: UUID | str) -> SupportRequest:
    """A confirmed request, for circle members and stewards (403 for others)."""
    check_can_view_teams(actor)
    support_request = (
        SupportRequest.objects.exclude(status=RequestStatus.UNCONFIRMED).filter(uuid=uuid).first()
    )
    if support_request is None:
        raise NotFound(_("No request has this identifier."))
    return support_request


def positioning_list(*, actor: Any, support_request: SupportRequest) -> QuerySet[Positioning]:
    check_can_view_teams(actor)
    return (
        Positioning.objects.filter(request=support_request, withdrawn_at__isnull=True)
        .select_related("person")
        .order_by("created_at", "id")
    )


def positioning_of(*, person: Person | None, support_request: SupportRequest) -> Positioning | None:
    if person is None:
        return None
    return Positioning.objects.filter(
        request=support_request, person=person, withdrawn_at__isnull=True
    ).first()


def _members_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "members",
        queryset=TeamMember.objects.filter(status__in=LIVE_MEMBER_STATUSES)
        .select_related("person")
        .order_by("invited_at", "id"),
        to_attr="live_members",
    )


def team_list(*, actor: Any, support_request: SupportRequest) -> QuerySet[Team]:
    """The request's teams still standing, with their members (three queries)."""
    check_can_view_teams(actor)
    return (
        Team.objects.filter(request=support_request, dissolved_at__isnull=True)
        .select_related("lead", "request")
        .prefetch_related(_members_prefetch())
        .order_by("created_at", "id")
    )


def request_teams(
    *, actor: Any, support_request: SupportRequest, person: Person | None
) -> list[Team]:
    """The request's standing teams with their live members, plus the teams `person` leads
    or is an accepted member of, even dissolved (two queries). Each team carries
    `viewer_accepted`: whether `person` is an accepted member of it. The request page
    reads the team list, the person's team and what the person may see of the offers
    from these rows (see `standing`, `accepted_team`, `led_team`, `tied_team_ids`)."""
    check_can_view_teams(actor)
    teams = Team.objects.filter(request=support_request)
    if person is None:
        teams = teams.filter(dissolved_at__isnull=True)
    else:
        accepted = TeamMember.objects.filter(
            request=support_request, person=person, status=MemberStatus.ACCEPTED
        )
        teams = teams.filter(
            Q(dissolved_at__isnull=True) | Q(lead=person) | Q(pk__in=accepted.values("team_id"))
        ).annotate(viewer_accepted=Exists(accepted.filter(team=OuterRef("pk"))))
    return list(
        teams.select_related("lead", "request")
        .prefetch_related(_members_prefetch())
        .order_by("created_at", "id")
    )


def standing(teams: list[Team]) -> list[Team]:
    """The teams of `request_teams` that are not dissolved (what `team_list` lists)."""
    return [t for t in teams if t.dissolved_at is None]


def accepted_team(teams: list[Team]) -> Team | None:
    """The person's team (what `my_team` reads): at most one, by a database constraint."""
    return next((t for t in teams if getattr(t, "viewer_accepted", False)), None)


def led_team(teams: list[Team], person: Person | None) -> Team | None:
    """The standing team the person leads (what `offers.team_led_by` reads)."""
    if person is None:
        return None
    return next((t for t in teams if t.lead_id == person.pk and t.dissolved_at is None), None)


def tied_team_ids(teams: list[Team], person: Person | None) -> frozenset[int]:
    """The teams whose offers the person sees in full as a member: those they lead or are
    an accepted member of (the `team_ids` of `policies.offers.offer_audience`)."""
    if person is None:
        return frozenset()
    return frozenset(
        t.pk for t in teams if t.lead_id == person.pk or getattr(t, "viewer_accepted", False)
    )


def team_get(*, actor: Any, support_request: SupportRequest, team_uuid: UUID | str) -> Team:
    check_can_view_teams(actor)
    team = (
        Team.objects.filter(request=support_request, uuid=team_uuid)
        .select_related("lead", "request")
        .prefetch_related(_members_prefetch())
        .first()
    )
    if team is None:
        raise NotFound(_("No team has this identifier on this request."))
    return team


def team_get_by_uuid(*, actor: Any, team_uuid: UUID | str) -> Team:
    """A team addressed on its own (the API's `/teams/{uuid}`)."""
    check_can_view_teams(actor)
    team = (
        Team.objects.filter(uuid=team_uuid)
        .exclude(request__status=RequestStatus.UNCONFIRMED)
        .select_related("lead", "request")
        .prefetch_related(_members_prefetch())
        .first()
    )
    if team is None:
        raise NotFound(_("No team has this identifier."))
    return team


def member_get(*, actor: Any, team: Team, person_slug: str) -> TeamMember:
    check_can_view_teams(actor)
    member = (
        TeamMember.objects.filter(team=team, person__slug=person_slug)
        .select_related("person__user", "team__lead__user", "team__request", "request")
        .first()
    )
    if member is None:
        raise NotFound(_("This person is not in this team."))
    return member


def my_team(*, person: Person | None, support_request: SupportRequest) -> Team | None:
    """The team a person is an accepted member of on a request, if any."""
    if person is None:
        return None
    row = (
        TeamMember.objects.filter(
            request=support_request, person=person, status=MemberStatus.ACCEPTED
        )
        .select_related("team")
        .first()
    )
    return row.team if row else None


def invitation_list(*, actor: Any) -> QuerySet[TeamMember]:
    """The caller's pending invitations, nearest deadline first."""
    person = person_required(actor)
    return (
        TeamMember.objects.filter(person=person, status=MemberStatus.INVITED)
        .select_related("person", "team", "team__lead", "request", "invited_by")
        .order_by("request__offers_deadline", "id")
    )


def invitable(*, team: Team) -> QuerySet[Person]:
    """Who the team's lead may invite: the one rule the invite form lists and
    `services.team_member_invite` checks.

    Circle members listed in the directory (an open period in the circle and a signature
    consenting to the listing), who have no row in this team yet (invited, accepted,
    declined or gone), are not an accepted member of another team on the same request
    (one team per person and request), and are not an evaluator of the request (nobody
    judges offers they bid in).
    """
    support_request_id = team.request_id
    accepted_elsewhere = TeamMember.objects.filter(
        person=OuterRef("pk"), request_id=support_request_id, status=MemberStatus.ACCEPTED
    ).exclude(team=team)
    evaluating = Evaluator.objects.filter(person=OuterRef("pk"), request_id=support_request_id)
    in_this_team = TeamMember.objects.filter(person=OuterRef("pk"), team=team)
    return directory_people().exclude(
        Exists(in_this_team) | Exists(accepted_elsewhere) | Exists(evaluating)
    )


def invitable_people(*, team: Team) -> list[tuple[str, str]]:
    """(slug, name) of the people `invitable` lets the lead invite, by name (one query)."""
    people = invitable(team=team).order_by("last_name", "first_name", "id")
    return [
        (slug, f"{first} {last}")
        for slug, first, last in people.values_list("slug", "first_name", "last_name")
    ]


def person_by_slug(*, slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).select_related("user").first()


def viewer_person(user: Any) -> Person | None:
    return viewer_for(user).person
