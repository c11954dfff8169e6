"""Positioning, teams, invitations and suggestions through the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cercle.missions.enums import MemberStatus, TeamRole
from cercle.missions.models import Positioning, SupportRequest, Team, TeamMember
from cercle.network.enums import Availability
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import (
    EvaluatorFactory,
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import (
    OrganizationFactory,
    OrganizationMembershipFactory,
    SkillFactory,
    StewardFactory,
)
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def html(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- positioning


def test_position_and_withdraw_through_the_pages() -> None:
    person = consultant()
    request = SupportRequestFactory()
    client = logged_in(person)
    assert client.get(f"/demandes/{request.uuid}/positionnement/").status_code == 200
    response = client.post(f"/demandes/{request.uuid}/positionnement/", {"note": "Partant·e"})
    assert response.status_code == 302
    assert Positioning.objects.get().note == "Partant·e"
    again = client.post(f"/demandes/{request.uuid}/positionnement/", {"note": ""})
    assert again.status_code == 400
    assert escape(fr("You have already positioned on this request.")) in html(again)
    response = client.post(f"/demandes/{request.uuid}/positionnement/retrait/")
    assert response.status_code == 302
    assert Positioning.objects.get().withdrawn_at is not None
    second = client.post(f"/demandes/{request.uuid}/positionnement/retrait/")
    assert second.status_code == 400


def test_positioning_after_the_deadline_is_a_409_page() -> None:
    request = SupportRequestFactory(offers_deadline=timezone.now() - datetime.timedelta(hours=1))
    response = logged_in(consultant()).post(f"/demandes/{request.uuid}/positionnement/", {})
    assert response.status_code == 409
    assert not Positioning.objects.exists()


def test_outsiders_get_403_and_unknown_requests_404() -> None:
    request = SupportRequestFactory()
    assert logged_in(MemberFactory()).get(f"/demandes/{request.uuid}/equipes/").status_code == 403
    unconfirmed = SupportRequestFactory(status="unconfirmed")
    client = logged_in(consultant())
    assert client.get(f"/demandes/{unconfirmed.uuid}/equipes/").status_code == 404
    assert client.get("/demandes/00000000-0000-0000-0000-000000000000/equipes/").status_code == 404


def test_the_request_page_shows_the_teams_section() -> None:
    person = consultant()
    team = TeamFactory(lead=consultant())
    response = logged_in(person).get(team.request.get_absolute_url())
    assert response.status_code == 200
    body = html(response)
    assert escape(team.name) in body
    assert fr("I am interested") in body
    assert fr("Form a team") in body


# ---------------------------------------------------------------- teams


def test_form_a_team_invite_accept_through_the_pages() -> None:
    lead, invitee = consultant(), consultant()
    request = QualifiedRequestFactory()
    client = logged_in(lead)
    assert client.get(f"/demandes/{request.uuid}/equipes/nouvelle/").status_code == 200
    response = client.post(f"/demandes/{request.uuid}/equipes/nouvelle/", {"name": "Les Passeurs"})
    assert response.status_code == 302
    team = Team.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert invitee.slug in html(page)
    invited = client.post(
        f"/demandes/{request.uuid}/equipes/{team.uuid}/inviter/",
        {"person": invitee.slug, "role": TeamRole.HELPING_COMMONER},
    )
    assert invited.status_code == 302
    invitations = logged_in(invitee).get("/demandes/invitations/")
    assert invitations.status_code == 200
    assert escape(team.name) in html(invitations)
    accepted = logged_in(invitee).post(
        f"/demandes/{request.uuid}/equipes/{team.uuid}/membres/{invitee.slug}/accepter/"
    )
    assert accepted.status_code == 302
    assert TeamMember.objects.get(person=invitee).status == MemberStatus.ACCEPTED


def test_bad_team_input_is_a_400_and_creates_nothing() -> None:
    request = QualifiedRequestFactory()
    client = logged_in(consultant())
    response = client.post(f"/demandes/{request.uuid}/equipes/nouvelle/", {"name": ""})
    assert response.status_code == 400
    assert 'id="id_name_errors"' in html(response)
    assert not Team.objects.exists()


def test_bad_invitation_input_is_a_400() -> None:
    team = TeamFactory(lead=consultant())
    client = logged_in(team.lead)
    url = f"/demandes/{team.request.uuid}/equipes/{team.uuid}/inviter/"
    assert client.post(url, {"person": "personne", "role": "co_contractor"}).status_code == 400
    assert client.post(url, {"person": consultant().slug, "role": "lead"}).status_code == 400
    assert TeamMember.objects.count() == 1
    # Not the lead: 403.
    assert logged_in(consultant()).post(url, {}).status_code == 403


def test_accepting_while_in_another_team_shows_the_reason() -> None:
    busy = consultant()
    team = TeamFactory(lead=consultant())
    TeamFactory(request=team.request, lead=busy)
    add_member(team, busy, status=MemberStatus.INVITED)
    response = logged_in(busy).post(
        f"/demandes/{team.request.uuid}/equipes/{team.uuid}/membres/{busy.slug}/accepter/"
    )
    assert response.status_code == 400
    assert escape(
        fr(
            "You are already in another team for this request: leave it first "
            "(one team per person and request)."
        )
    ) in html(response)


def test_decline_leave_remove_and_dissolve() -> None:
    team = TeamFactory(lead=consultant())
    base = f"/demandes/{team.request.uuid}/equipes/{team.uuid}/"
    decliner, leaver, removed = consultant(), consultant(), consultant()
    add_member(team, decliner, status=MemberStatus.INVITED)
    add_member(team, leaver)
    add_member(team, removed)
    assert logged_in(decliner).post(f"{base}membres/{decliner.slug}/refuser/").status_code == 302
    assert logged_in(leaver).post(f"{base}membres/{leaver.slug}/retirer/").status_code == 302
    # Someone else cannot remove a member.
    assert logged_in(leaver).post(f"{base}membres/{removed.slug}/retirer/").status_code == 403
    assert logged_in(team.lead).post(f"{base}membres/{removed.slug}/retirer/").status_code == 302
    assert logged_in(team.lead).post(f"{base}membres/inconnu/retirer/").status_code == 404
    statuses = dict(TeamMember.objects.values_list("person_id", "status"))
    assert statuses[decliner.pk] == MemberStatus.DECLINED
    assert statuses[leaver.pk] == statuses[removed.pk] == MemberStatus.LEFT
    assert logged_in(team.lead).post(f"{base}dissoudre/").status_code == 302
    team.refresh_from_db()
    assert team.dissolved_at is not None


def test_steward_reads_teams_but_cannot_form_one() -> None:
    team = TeamFactory(lead=consultant())
    steward = logged_in(StewardFactory())
    assert steward.get(f"/demandes/{team.request.uuid}/equipes/{team.uuid}/").status_code == 200
    response = steward.post(f"/demandes/{team.request.uuid}/equipes/nouvelle/", {"name": "S"})
    assert response.status_code == 403


def test_after_the_deadline_team_changes_are_locked() -> None:
    team = TeamFactory(lead=consultant())
    invitee = consultant()
    add_member(team, invitee, status=MemberStatus.INVITED)
    SupportRequest.objects.filter(pk=team.request.pk).update(
        offers_deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    base = f"/demandes/{team.request.uuid}/equipes/{team.uuid}/"
    response = logged_in(invitee).post(f"{base}membres/{invitee.slug}/accepter/")
    assert response.status_code == 409
    assert TeamMember.objects.get(person=invitee).status == MemberStatus.INVITED
    page = logged_in(team.lead).get(base)
    assert fr("Invite a circle member") not in html(page)


# ---------------------------------------------------------------- query counts


def _teams(n: int) -> SupportRequest:
    request = QualifiedRequestFactory()
    for _ in range(n):
        team = TeamFactory(request=request, lead=consultant())
        add_member(team, consultant(), status=MemberStatus.INVITED)
    return request  # type: ignore[no-any-return]


def _count(django_assert_max_num_queries: Any, url: str, viewer: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(viewer)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_team_list_pages_make_the_same_queries_with_few_and_many_teams(
    django_assert_max_num_queries: Any,
) -> None:
    viewer = consultant()
    few = _teams(2)
    many = _teams(50)
    for path in ("/demandes/{}/equipes/", "/demandes/{}/"):
        small = _count(django_assert_max_num_queries, path.format(few.uuid), viewer)
        large = _count(django_assert_max_num_queries, path.format(many.uuid), viewer)
        assert small == large, path
    client = logged_in(viewer)
    with django_assert_max_num_queries(25):
        assert client.get(f"/demandes/{many.uuid}/equipes/").status_code == 200


def test_invitations_page_query_count_is_bounded(django_assert_max_num_queries: Any) -> None:
    person = consultant()
    for _ in range(12):
        add_member(TeamFactory(lead=consultant()), person, status=MemberStatus.INVITED)
    client = logged_in(person)
    with django_assert_max_num_queries(15):
        response = client.get("/demandes/invitations/")
    assert response.status_code == 200


# ---------------------------------------------------------------- suggestion


def test_suggestion_page_explains_and_respects_conflicts() -> None:
    animation, governance = SkillFactory(name="Animation"), SkillFactory(name="Gouvernance")
    client_org = OrganizationFactory()
    request = QualifiedRequestFactory(
        client_organization=client_org, skills=[animation, governance]
    )
    consultant(skills=[animation, governance], first_name="Inès", last_name="Marchal")
    insider = consultant(skills=[animation, governance], first_name="Paul", last_name="Verdier")
    OrganizationMembershipFactory(organization=client_org, person=insider)
    judge = consultant(skills=[animation, governance], first_name="Lou", last_name="Bastide")
    EvaluatorFactory(request=request, person=judge)
    consultant(
        skills=[animation, governance],
        availability=Availability.UNAVAILABLE,
        first_name="Noé",
        last_name="Ferrand",
    )
    response = logged_in(consultant()).get(f"/demandes/{request.uuid}/suggestion/")
    assert response.status_code == 200
    body = html(response)
    assert "Inès Marchal" in body
    for name in ("Paul Verdier", "Lou Bastide", "Noé Ferrand"):
        assert name not in body
    assert fr("Solver status: optimal (no better team exists under these rules).") in body


def test_suggestion_says_which_skills_nobody_covers() -> None:
    rare = SkillFactory(name="Comptabilité coopérative")
    request = QualifiedRequestFactory(skills=[rare])
    response = logged_in(StewardFactory()).get(f"/demandes/{request.uuid}/suggestion/")
    assert response.status_code == 200
    assert "Comptabilité coopérative" in html(response)
    assert fr(
        "Solver status: infeasible. Nobody available and free of conflicts covers these skills:"
    ) in html(response)


def test_suggestion_bad_parameters_are_a_400() -> None:
    request = QualifiedRequestFactory()
    client = logged_in(consultant())
    assert client.get(f"/demandes/{request.uuid}/suggestion/?jours=abc").status_code == 400
    assert client.get(f"/demandes/{request.uuid}/suggestion/?taille=0").status_code == 400
    assert client.get(f"/demandes/{request.uuid}/suggestion/?taille=3&jours=5").status_code == 200
    assert (
        logged_in(MemberFactory()).get(f"/demandes/{request.uuid}/suggestion/").status_code == 403
    )
