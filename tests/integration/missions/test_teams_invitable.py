"""Who a team's lead may invite: one rule, shown by the invite form, checked by the service.

The invite form lists only people the invitation would accept: circle members listed in
the directory, not yet in the team, not an accepted member of another team on the
request, not an evaluator of it. Nobody else's name is shown to the lead.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.membership.models import CircleMembership
from cercle.missions.enums import MemberStatus, TeamRole
from cercle.missions.models import Team, TeamMember
from cercle.missions.selectors.teams import invitable_people
from cercle.missions.services import teams as services
from cercle.network.models import Person
from tests.factories.membership_charter import CircleMembershipFactory, MemberFactory
from tests.factories.missions import EvaluatorFactory, TeamFactory, add_member, consultant
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def _cast(team: Team) -> dict[str, Person]:
    """One person per reason to be (or not be) invitable, each with a distinct name."""
    support_request = team.request
    people: dict[str, Person] = {}
    people["eligible"] = consultant(last_name="Invitable-Ok")
    people["invited_elsewhere"] = consultant(last_name="Invitable-Ailleurs")
    elsewhere = TeamFactory(request=support_request, lead=consultant(last_name="Autre-Chef"))
    add_member(elsewhere, people["invited_elsewhere"], status=MemberStatus.INVITED)
    people["not_in_circle"] = MemberFactory(last_name="Hors-Cercle")
    people["excluded"] = consultant(last_name="Exclu-Cercle")
    CircleMembership.objects.filter(person=people["excluded"]).update(
        ended_at=timezone.now(), end_reason="excluded"
    )
    people["evaluator"] = consultant(last_name="Evaluatrice-Neutre")
    EvaluatorFactory(request=support_request, person=people["evaluator"])
    people["accepted_elsewhere"] = consultant(last_name="Deja-Equipier")
    add_member(elsewhere, people["accepted_elsewhere"])
    people["already_invited"] = consultant(last_name="Deja-Invite")
    add_member(team, people["already_invited"], status=MemberStatus.INVITED)
    people["declined"] = consultant(last_name="A-Decline")
    add_member(team, people["declined"], status=MemberStatus.DECLINED)
    unlisted = MemberFactory(last_name="Sans-Consentement")
    CircleMembershipFactory(person=unlisted)
    people["no_listing_consent"] = unlisted
    return people


INVITABLE = {"eligible", "invited_elsewhere"}


def _accepted(team: Team, person: Person) -> bool:
    try:
        with transaction.atomic():
            services.team_member_invite(
                actor=team.lead.user, team=team, person=person, role=TeamRole.CO_CONTRACTOR
            )
            transaction.set_rollback(True)
    except ValidationError:
        return False
    return True


def test_the_invite_list_and_the_service_apply_the_same_rule() -> None:
    team = TeamFactory(lead=consultant(last_name="Chef-Equipe"))
    people = _cast(team)
    listed = {slug for slug, _ in invitable_people(team=team)}
    for key, person in people.items():
        assert (person.slug in listed) == (key in INVITABLE), key
        assert _accepted(team, person) == (key in INVITABLE), key
    assert team.lead.slug not in listed


def test_the_team_page_names_nobody_the_lead_may_not_invite() -> None:
    team = TeamFactory(lead=consultant(last_name="Chef-Equipe"))
    people = _cast(team)
    page = logged_in(team.lead).get(f"/demandes/{team.request.uuid}/equipes/{team.uuid}/")
    assert page.status_code == 200
    form = page.content.decode().split('name="person"', 1)[1].split("</select>", 1)[0]
    for key, person in people.items():
        assert (person.last_name in form) == (key in INVITABLE), key


def test_inviting_someone_off_the_list_is_a_400_that_creates_nothing() -> None:
    team = TeamFactory(lead=consultant())
    people = _cast(team)
    url = f"/demandes/{team.request.uuid}/equipes/{team.uuid}/inviter/"
    before = TeamMember.objects.count()
    client = logged_in(team.lead)
    for key in ("evaluator", "not_in_circle", "accepted_elsewhere", "no_listing_consent"):
        response = client.post(url, {"person": people[key].slug, "role": "co_contractor"})
        assert response.status_code == 400, key
    assert TeamMember.objects.count() == before


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("not_in_circle", "Only members of the consultants' circle can join a team."),
        ("already_invited", "This person was already invited to this team."),
        ("accepted_elsewhere", "This person is already in another team for this request."),
        ("evaluator", "An evaluator of this request cannot join a team that bids on it."),
        (
            "no_listing_consent",
            "Only circle members listed in the directory can be invited to a team.",
        ),
    ],
)
def test_the_service_says_why_someone_cannot_be_invited(key: str, message: str) -> None:
    team = TeamFactory(lead=consultant())
    person: Any = _cast(team)[key]
    with pytest.raises(ValidationError) as error:
        services.team_member_invite(
            actor=team.lead.user, team=team, person=person, role=TeamRole.GUARANTOR
        )
    assert error.value.message_dict["person"] == [fr(message)]
