"""The teams API: positionings, teams, invitations, answers, suggestions."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.missions.enums import MemberStatus
from cercle.missions.models import Positioning, SupportRequest, Team, TeamMember
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import (
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import SkillFactory, StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Api:
    def __init__(self, person: Any):
        self.client = Client()
        self.auth = bearer(token_secret(person))

    def get(self, url: str) -> Any:
        return self.client.get(API + url, **self.auth)

    def post(self, url: str, body: object = None) -> Any:
        return self.client.post(
            API + url, json.dumps(body or {}), content_type="application/json", **self.auth
        )

    def delete(self, url: str) -> Any:
        return self.client.delete(API + url, **self.auth)


def test_positionings_list_create_withdraw() -> None:
    person = consultant()
    request = SupportRequestFactory()
    api = Api(person)
    created = api.post(f"/requests/{request.uuid}/positionings", {"note": "Intéressée"})
    assert created.status_code == 201
    assert created.json()["person"] == person.slug
    listed = Api(consultant()).get(f"/requests/{request.uuid}/positionings")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    duplicate = api.post(f"/requests/{request.uuid}/positionings", {})
    assert duplicate.status_code == 422
    assert "note" in duplicate.json()["errors"]
    assert api.delete(f"/requests/{request.uuid}/positionings/mine").status_code == 204
    assert api.delete(f"/requests/{request.uuid}/positionings/mine").status_code == 422
    assert Positioning.objects.get().withdrawn_at is not None


def test_positioning_errors() -> None:
    request = SupportRequestFactory(offers_deadline=timezone.now() - datetime.timedelta(hours=1))
    assert Api(consultant()).post(f"/requests/{request.uuid}/positionings").status_code == 409
    assert Api(MemberFactory()).post(f"/requests/{request.uuid}/positionings").status_code == 403
    anonymous = Client().post(
        f"{API}/requests/{request.uuid}/positionings", "{}", content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert Api(consultant()).post("/requests/not-a-uuid/positionings").status_code == 422
    too_long = Api(consultant()).post(
        f"/requests/{SupportRequestFactory().uuid}/positionings", {"note": "x" * 3000}
    )
    assert too_long.status_code == 422
    assert not Positioning.objects.exists()


def test_team_journey_through_the_api() -> None:
    lead, invitee = consultant(), consultant()
    request = QualifiedRequestFactory()
    lead_api, invitee_api = Api(lead), Api(invitee)
    created = lead_api.post(f"/requests/{request.uuid}/teams", {"name": "Les Passeurs"})
    assert created.status_code == 201
    team_id = created.json()["id"]
    assert created.json()["members"][0]["role"] == "lead"
    invited = lead_api.post(
        f"/teams/{team_id}/invitations", {"person": invitee.slug, "role": "guarantor"}
    )
    assert invited.status_code == 201
    mine = invitee_api.get("/me/invitations")
    assert mine.json()["count"] == 1
    assert mine.json()["items"][0]["team"] == team_id
    accepted = invitee_api.post(f"/teams/{team_id}/members/{invitee.slug}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert invitee_api.post(f"/teams/{team_id}/members/{invitee.slug}/accept").status_code == 409
    team = lead_api.get(f"/teams/{team_id}")
    assert [m["status"] for m in team.json()["members"]] == ["accepted", "accepted"]
    listed = invitee_api.get(f"/requests/{request.uuid}/teams")
    assert listed.json()["count"] == 1
    left = invitee_api.post(f"/teams/{team_id}/members/{invitee.slug}/remove")
    assert left.status_code == 200
    assert left.json()["status"] == "left"
    dissolved = lead_api.post(f"/teams/{team_id}/dissolve")
    assert dissolved.status_code == 200
    assert dissolved.json()["dissolved_at"]


def test_team_api_errors_change_nothing() -> None:
    lead = consultant()
    team = TeamFactory(lead=lead)
    api = Api(lead)
    assert api.post(f"/requests/{team.request.uuid}/teams", {"name": ""}).status_code == 422
    assert api.post(f"/requests/{team.request.uuid}/teams", {}).status_code == 422
    bad_role = api.post(f"/teams/{team.uuid}/invitations", {"person": "x", "role": "lead"})
    assert bad_role.status_code == 422
    unknown = api.post(f"/teams/{team.uuid}/invitations", {"person": "x", "role": "guarantor"})
    assert unknown.status_code == 422
    assert "person" in unknown.json()["errors"]
    outsider = Api(consultant()).post(
        f"/teams/{team.uuid}/invitations", {"person": consultant().slug, "role": "guarantor"}
    )
    assert outsider.status_code == 403
    assert api.get("/teams/00000000-0000-0000-0000-000000000000").status_code == 404
    assert api.post(f"/teams/{team.uuid}/members/nobody/accept").status_code == 404
    assert Api(MemberFactory()).get(f"/teams/{team.uuid}").status_code == 403
    assert Team.objects.count() == 1
    assert TeamMember.objects.count() == 1


def test_one_team_per_request_through_the_api() -> None:
    busy = consultant()
    team = TeamFactory(lead=consultant())
    TeamFactory(request=team.request, lead=busy)
    add_member(team, busy, status=MemberStatus.INVITED)
    response = Api(busy).post(f"/teams/{team.uuid}/members/{busy.slug}/accept")
    assert response.status_code == 422
    assert "person" in response.json()["errors"]
    decline = Api(busy).post(f"/teams/{team.uuid}/members/{busy.slug}/decline")
    assert decline.json()["status"] == "declined"


def _teams(n: int) -> SupportRequest:
    request = QualifiedRequestFactory()
    for _ in range(n):
        team = TeamFactory(request=request, lead=consultant())
        add_member(team, consultant(), status=MemberStatus.INVITED)
    return request  # type: ignore[no-any-return]


def test_team_list_api_query_count_does_not_grow(django_assert_max_num_queries: Any) -> None:
    api = Api(consultant())
    api.get("/me/invitations")  # the token's first use is recorded once
    counts = []
    for request in (_teams(2), _teams(50)):
        url = f"/requests/{request.uuid}/teams?limit=100"
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(15):
        api.get(f"/requests/{request.uuid}/teams?limit=100")


def test_suggestions_api() -> None:
    skill = SkillFactory()
    request = QualifiedRequestFactory(skills=[skill])
    person = consultant(skills=[skill])
    response = Api(StewardFactory()).get(f"/requests/{request.uuid}/suggestions")
    assert response.status_code == 200
    body = response.json()
    assert body["teams"][0]["status"] == "OPTIMAL"
    assert body["teams"][0]["members"][0]["person"] == person.slug
    assert body["teams"][0]["members"][0]["skills"] == [{"slug": skill.slug, "name": skill.name}]
    assert body["final_status"] == "INFEASIBLE"
    bad = Api(consultant()).get(f"/requests/{request.uuid}/suggestions?max_size=0")
    assert bad.status_code == 422
    assert Api(MemberFactory()).get(f"/requests/{request.uuid}/suggestions").status_code == 403


def test_suggestions_api_names_uncovered_skills() -> None:
    skill = SkillFactory()
    request = QualifiedRequestFactory(skills=[skill])
    body = Api(consultant()).get(f"/requests/{request.uuid}/suggestions").json()
    assert body["teams"] == []
    assert body["final_status"] == "INFEASIBLE"
    assert body["uncovered_skills"] == [{"slug": skill.slug, "name": skill.name}]


def test_lead_transfer_through_the_api_and_the_page() -> None:
    from tests.integration.core.conftest import logged_in

    lead, successor = consultant(), consultant()
    team = TeamFactory(lead=lead)
    add_member(team, successor)
    response = Api(lead).post(f"/teams/{team.uuid}/members/{successor.slug}/lead")
    assert response.status_code == 200
    assert response.json()["lead"] == successor.slug
    again = Api(lead).post(f"/teams/{team.uuid}/members/{successor.slug}/lead")
    assert again.status_code == 403
    page = logged_in(successor).post(
        f"/demandes/{team.request.uuid}/equipes/{team.uuid}/membres/{lead.slug}/chef-de-file/"
    )
    assert page.status_code == 302
    team.refresh_from_db()
    assert team.lead == lead
