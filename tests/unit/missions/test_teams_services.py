"""Positioning and teams: one team per request, the deadline, transitions, e-mails."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.core.errors import Conflict, InvalidTransition, NotAllowed
from cercle.core.models import JournalEntry
from cercle.missions.enums import MemberStatus, RequestStatus, TeamRole
from cercle.missions.models import Positioning, Team, TeamMember
from cercle.missions.services import teams as services
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import (
    OfferFactory,
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import StewardFactory

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def past(request: Any) -> None:
    type(request).objects.filter(pk=request.pk).update(
        offers_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    request.refresh_from_db()


# ---------------------------------------------------------------- positioning


def test_a_circle_member_positions_and_withdraws_and_positions_again() -> None:
    person = consultant()
    request = SupportRequestFactory()
    positioning = services.positioning_create(
        actor=person.user, support_request=request, note="Je connais le territoire."
    )
    assert positioning.withdrawn_at is None
    assert JournalEntry.objects.filter(verb="positioning.created").count() == 1
    with pytest.raises(ValidationError) as error:
        services.positioning_create(actor=person.user, support_request=request)
    assert fr("You have already positioned on this request.") in error.value.messages
    services.positioning_withdraw(actor=person.user, support_request=request)
    assert Positioning.objects.get().withdrawn_at is not None
    services.positioning_create(actor=person.user, support_request=request, note="De retour")
    assert Positioning.objects.get().withdrawn_at is None
    assert Positioning.objects.count() == 1


def test_withdrawing_without_positioning_is_refused() -> None:
    with pytest.raises(ValidationError):
        services.positioning_withdraw(
            actor=consultant().user, support_request=SupportRequestFactory()
        )


def test_positioning_needs_the_circle() -> None:
    with pytest.raises(NotAllowed):
        services.positioning_create(
            actor=MemberFactory().user, support_request=SupportRequestFactory()
        )


def test_positioning_after_the_deadline_or_on_a_closed_request_is_refused() -> None:
    request = SupportRequestFactory()
    past(request)
    with pytest.raises(Conflict) as error:
        services.positioning_create(actor=consultant().user, support_request=request)
    assert error.value.message == fr(
        "The deadline for offers has passed: positionings and teams are locked."
    )
    cancelled = SupportRequestFactory(status=RequestStatus.CANCELLED)
    with pytest.raises(Conflict):
        services.positioning_create(actor=consultant().user, support_request=cancelled)
    assert not Positioning.objects.exists()


# ---------------------------------------------------------------- teams


def test_creating_a_team_makes_the_creator_its_accepted_lead() -> None:
    lead = consultant()
    request = QualifiedRequestFactory()
    team = services.team_create(actor=lead.user, support_request=request, name="Les Passeurs")
    member = TeamMember.objects.get(team=team)
    assert (member.person, member.role, member.status) == (
        lead,
        TeamRole.LEAD,
        MemberStatus.ACCEPTED,
    )
    assert JournalEntry.objects.filter(verb="team.created").exists()


def test_a_lead_cannot_form_a_second_team_on_the_same_request() -> None:
    lead = consultant()
    request = QualifiedRequestFactory()
    services.team_create(actor=lead.user, support_request=request, name="Un")
    with pytest.raises(ValidationError) as error:
        services.team_create(actor=lead.user, support_request=request, name="Deux")
    assert "name" in error.value.message_dict
    assert Team.objects.count() == 1


def test_team_names_are_unique_per_request_and_required() -> None:
    request = QualifiedRequestFactory()
    services.team_create(actor=consultant().user, support_request=request, name="Les Passeurs")
    with pytest.raises(ValidationError) as error:
        services.team_create(actor=consultant().user, support_request=request, name="Les Passeurs")
    assert error.value.message_dict["name"] == [
        fr("A team with this name already bids on this request.")
    ]
    with pytest.raises(ValidationError) as error:
        services.team_create(actor=consultant().user, support_request=request, name="  ")
    assert "name" in error.value.message_dict


def test_no_team_after_the_deadline() -> None:
    request = QualifiedRequestFactory()
    past(request)
    with pytest.raises(Conflict):
        services.team_create(actor=consultant().user, support_request=request, name="Tard")


@pytest.fixture
def team() -> Team:
    return TeamFactory(lead=consultant())  # type: ignore[return-value]


def test_invite_accept_and_the_emails(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    invitee = consultant()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member = services.team_member_invite(
            actor=team.lead.user, team=team, person=invitee, role=TeamRole.GUARANTOR
        )
    assert member.status == MemberStatus.INVITED
    assert [m.to for m in mail.outbox] == [[invitee.user.email]]
    assert team.name in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.team_member_accept(actor=invitee.user, member=member)
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED
    assert mail.outbox[-1].to == [team.lead.user.email]
    verbs = set(JournalEntry.objects.values_list("verb", flat=True))
    assert {"team.member_invited", "team.member_accepted"} <= verbs


def test_only_the_lead_invites_and_never_as_lead(team: Team) -> None:
    other = consultant()
    with pytest.raises(NotAllowed):
        services.team_member_invite(
            actor=other.user, team=team, person=consultant(), role=TeamRole.CO_CONTRACTOR
        )
    with pytest.raises(ValidationError) as error:
        services.team_member_invite(
            actor=team.lead.user, team=team, person=consultant(), role=TeamRole.LEAD
        )
    assert "role" in error.value.message_dict


def test_only_circle_members_are_invited_once(team: Team) -> None:
    with pytest.raises(ValidationError) as error:
        services.team_member_invite(
            actor=team.lead.user, team=team, person=MemberFactory(), role=TeamRole.CO_CONTRACTOR
        )
    assert "person" in error.value.message_dict
    invitee = consultant()
    services.team_member_invite(
        actor=team.lead.user, team=team, person=invitee, role=TeamRole.CO_CONTRACTOR
    )
    with pytest.raises(ValidationError):
        services.team_member_invite(
            actor=team.lead.user, team=team, person=invitee, role=TeamRole.SUB_CONTRACTOR
        )


def test_accepting_while_in_another_team_is_refused_with_a_clear_message(team: Team) -> None:
    busy = consultant()
    TeamFactory(request=team.request, lead=busy)
    member = add_member(team, busy, status=MemberStatus.INVITED)
    with pytest.raises(ValidationError) as error:
        services.team_member_accept(actor=busy.user, member=member)
    assert error.value.message_dict["person"] == [
        fr(
            "You are already in another team for this request: leave it first "
            "(one team per person and request)."
        )
    ]
    member.refresh_from_db()
    assert member.status == MemberStatus.INVITED


def test_the_database_settles_two_concurrent_accepts(team: Team, monkeypatch: Any) -> None:
    """When the service's check is raced, the unique constraint refuses the second
    accept and the service turns it into the same validation error."""
    person = consultant()
    other_team = TeamFactory(request=team.request, lead=consultant())
    first = add_member(team, person, status=MemberStatus.INVITED)
    second = add_member(other_team, person, status=MemberStatus.INVITED)
    services.team_member_accept(actor=person.user, member=first)
    # Simulate the race: the second accept does not see the first one.
    monkeypatch.setattr(services, "_already_in_team", lambda *a, **k: False)
    with pytest.raises(ValidationError) as error:
        services.team_member_accept(actor=person.user, member=second)
    assert "person" in error.value.message_dict
    second.refresh_from_db()
    assert second.status == MemberStatus.INVITED
    assert (
        TeamMember.objects.filter(
            person=person, request=team.request, status=MemberStatus.ACCEPTED
        ).count()
        == 1
    )


def test_the_constraint_itself_holds(team: Team) -> None:
    person = consultant()
    add_member(team, person)
    other = TeamFactory(request=team.request, lead=consultant())
    with pytest.raises(IntegrityError):
        add_member(other, person)


def test_only_the_invitee_answers_and_transitions_hold(team: Team) -> None:
    invitee = consultant()
    member = add_member(team, invitee, status=MemberStatus.INVITED)
    with pytest.raises(NotAllowed):
        services.team_member_accept(actor=team.lead.user, member=member)
    services.team_member_decline(actor=invitee.user, member=member)
    with pytest.raises(InvalidTransition):
        services.team_member_accept(actor=invitee.user, member=member)


def test_no_answer_after_the_deadline(team: Team) -> None:
    invitee = consultant()
    member = add_member(team, invitee, status=MemberStatus.INVITED)
    past(team.request)
    member.team.request.refresh_from_db()
    with pytest.raises(Conflict):
        services.team_member_accept(actor=invitee.user, member=member)


def test_lead_removes_a_member_and_withdraws_an_invitation(team: Team) -> None:
    accepted = add_member(team, consultant())
    invited = add_member(team, consultant(), status=MemberStatus.INVITED)
    services.team_member_remove(actor=team.lead.user, member=accepted)
    accepted.refresh_from_db()
    assert accepted.status == MemberStatus.LEFT
    assert services.team_member_remove(actor=team.lead.user, member=invited) is None
    assert not TeamMember.objects.filter(pk=invited.pk).exists()
    verbs = set(JournalEntry.objects.values_list("verb", flat=True))
    assert {"team.member_removed", "team.invitation_withdrawn"} <= verbs


def test_a_member_leaves_then_may_join_another_team(team: Team) -> None:
    person = consultant()
    member = add_member(team, person)
    with pytest.raises(NotAllowed):
        services.team_member_remove(actor=consultant().user, member=member)
    services.team_member_remove(actor=person.user, member=member)
    assert JournalEntry.objects.filter(verb="team.member_left").exists()
    other = services.team_create(actor=person.user, support_request=team.request, name="Autre")
    assert other.lead == person


def test_the_lead_cannot_leave_but_can_dissolve(team: Team) -> None:
    lead_row = TeamMember.objects.get(team=team, role=TeamRole.LEAD)
    with pytest.raises(NotAllowed):
        services.team_member_remove(actor=team.lead.user, member=lead_row)
    member = add_member(team, consultant())
    services.team_dissolve(actor=team.lead.user, team=team)
    member.refresh_from_db()
    lead_row.refresh_from_db()
    assert team.dissolved_at is not None
    assert member.status == lead_row.status == MemberStatus.LEFT


def test_a_team_with_a_submitted_offer_cannot_be_dissolved(team: Team) -> None:
    OfferFactory(team=team)
    with pytest.raises(Conflict):
        services.team_dissolve(actor=team.lead.user, team=team)
    team.refresh_from_db()
    assert team.dissolved_at is None


def test_a_steward_outside_the_circle_cannot_form_a_team() -> None:
    with pytest.raises(NotAllowed):
        services.team_create(
            actor=StewardFactory().user, support_request=QualifiedRequestFactory(), name="S"
        )


def test_the_lead_hands_over_then_may_leave(team: Team) -> None:
    old = team.lead
    successor = consultant()
    add_member(team, successor, role=TeamRole.SUB_CONTRACTOR)
    with pytest.raises(ValidationError):
        services.team_lead_transfer(actor=old.user, team=team, person=consultant())
    with pytest.raises(NotAllowed):
        services.team_lead_transfer(actor=successor.user, team=team, person=successor)
    services.team_lead_transfer(actor=old.user, team=team, person=successor)
    team.refresh_from_db()
    assert team.lead == successor
    roles = dict(TeamMember.objects.filter(team=team).values_list("person_id", "role"))
    assert roles == {old.pk: TeamRole.CO_CONTRACTOR, successor.pk: TeamRole.LEAD}
    services.team_member_remove(actor=old.user, member=TeamMember.objects.get(person=old))
