"""The concentration page and the OCDS export, through the pages and the API."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.missions import ocds
from cercle.missions.enums import MemberStatus, RequestStatus, SelectionMode, TeamRole
from cercle.missions.models import Mission, Offer, SupportRequest, Team, TeamMember
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import (
    MissionFactory,
    OfferFactory,
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    consultant,
)
from tests.factories.network import PersonFactory, StewardFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

PAGE = "/cercle/concentration/"
API = "/api/v1"


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def bulk_missions(n: int, people: list[Any]) -> None:
    """`n` awarded missions in five queries, each to a team of two of `people`."""
    now = timezone.now()
    requests = SupportRequest.objects.bulk_create(
        SupportRequest(
            title=f"Demande {i}",
            description="Accompagner un lieu.",
            client_name="Commune",
            contact_name="Contact",
            contact_email=f"c{i}@commune.example",
            territory_id="59",
            budget_min_ht=Decimal("1000"),
            budget_max_ht=Decimal("5000"),
            offers_deadline=now - datetime.timedelta(days=30),
            status=RequestStatus.AWARDED,
            scope="local",
            selection_mode=SelectionMode.CLIENT,
            qualified_at=now - datetime.timedelta(days=60),
            confirmed_at=now - datetime.timedelta(days=60),
        )
        for i in range(n)
    )
    teams = Team.objects.bulk_create(
        Team(request=r, name=f"Équipe {i}", lead=people[i % len(people)])
        for i, r in enumerate(requests)
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            team=t,
            request=t.request,
            person=people[(i + k) % len(people)],
            role=TeamRole.LEAD if k == 0 else TeamRole.CO_CONTRACTOR,
            status=MemberStatus.ACCEPTED,
        )
        for i, t in enumerate(teams)
        for k in range(2)
    )
    offers = Offer.objects.bulk_create(
        Offer(
            request=t.request,
            team=t,
            label="A",
            price_ht=Decimal(1000 + i),
            days=Decimal("5"),
            method="Ateliers.",
            submitted_at=now - datetime.timedelta(days=40),
        )
        for i, t in enumerate(teams)
    )
    Mission.objects.bulk_create(
        Mission(
            request=o.request,
            offer=o,
            team=o.team,
            lead=o.team.lead,
            amount_ht=o.price_ht,
            awarded_at=now - datetime.timedelta(days=1 + i % 300),
        )
        for i, o in enumerate(offers)
    )


def _queries(client: Client, url: str, **extra: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, **extra).status_code == 200
    return len(context.captured_queries)


# ---------------------------------------------------------------- concentration


def test_members_see_the_concentration_with_chart_table_and_rules() -> None:
    lead = consultant(first_name="Anouk", last_name="Verger")
    MissionFactory(offer=OfferFactory(team=TeamFactory(lead=lead), price_ht=Decimal("9000")))
    response = logged_in(MemberFactory()).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anouk Verger" in html
    assert 'role="img"' in html
    assert "<title id=" in html
    assert "<desc id=" in html
    assert "<caption>" in html
    assert "10000" in html.replace("\u202f", "").replace(" ", "").replace(".", "")
    assert fr("One member received all the awarded value.") in html


def test_a_chosen_period_and_a_bad_date() -> None:
    client = logged_in(MemberFactory())
    assert client.get(PAGE + "?depuis=2024-01-01").status_code == 200
    bad = client.get(PAGE + "?depuis=n'importe quand")
    assert bad.status_code == 400
    future = client.get(PAGE + "?depuis=2999-01-01")
    assert future.status_code == 400


def test_non_members_are_refused() -> None:
    assert logged_in(PersonFactory()).get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302


def test_the_page_makes_the_same_number_of_queries_at_10_and_1000_missions(
    django_assert_max_num_queries: Any,
) -> None:
    people = [consultant() for _i in range(6)]
    client = logged_in(people[0])
    bulk_missions(10, people)
    few = _queries(client, PAGE)
    bulk_missions(990, people)
    assert Mission.objects.count() == 1000
    assert _queries(client, PAGE) == few
    with django_assert_max_num_queries(12):
        client.get(PAGE)


def test_the_api_gives_the_same_figures() -> None:
    lead, partner = consultant(), consultant()
    team = TeamFactory(lead=lead)
    TeamMember.objects.create(
        team=team,
        request=team.request,
        person=partner,
        role=TeamRole.CO_CONTRACTOR,
        status=MemberStatus.ACCEPTED,
    )
    MissionFactory(offer=OfferFactory(team=team, price_ht=Decimal("1000.01")))
    auth = bearer(token_secret(lead))
    response = Client().get(API + "/transparency/concentration", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["missions"] == 1
    assert body["hhi"] == 5000
    assert sorted(Decimal(r["value_ht"]) for r in body["rows"]) == [
        Decimal("500.00"),
        Decimal("500.01"),
    ]
    assert (
        Client().get(API + "/transparency/concentration?since=2999-01-01", **auth).status_code
        == 422
    )
    assert Client().get(API + "/transparency/concentration?since=hier", **auth).status_code == 422
    outsider = bearer(token_secret(PersonFactory()))
    assert Client().get(API + "/transparency/concentration", **outsider).status_code == 403
    assert Client().get(API + "/transparency/concentration").status_code == 401


def test_the_api_pages_the_member_rows_and_keeps_the_figures_of_all() -> None:
    people = [consultant() for _i in range(7)]
    auth = bearer(token_secret(people[0]))
    bulk_missions(20, people)
    whole = Client().get(API + "/transparency/concentration?limit=100", **auth).json()
    assert whole["rows_count"] == whole["members"] == len(whole["rows"]) == 7
    page = Client().get(API + "/transparency/concentration?limit=3&offset=3", **auth).json()
    assert page["rows"] == whole["rows"][3:6]
    assert page["rows_count"] == page["members"] == 7
    assert (page["hhi"], page["total_value_ht"]) == (whole["hhi"], whole["total_value_ht"])
    for bad in ("limit=0", "limit=101", "offset=-1"):
        response = Client().get(API + f"/transparency/concentration?{bad}", **auth)
        assert response.status_code == 422


def test_the_api_makes_the_same_number_of_queries_at_10_and_1000_missions() -> None:
    people = [consultant() for _i in range(4)]
    auth = bearer(token_secret(people[0]))
    client = Client()
    bulk_missions(10, people)
    _queries(client, API + "/transparency/concentration", **auth)
    few = _queries(client, API + "/transparency/concentration", **auth)
    bulk_missions(990, people)
    assert _queries(client, API + "/transparency/concentration", **auth) == few


# ---------------------------------------------------------------- OCDS


def test_a_circle_member_downloads_the_package_and_it_validates() -> None:
    request = QualifiedRequestFactory()
    OfferFactory(team=TeamFactory(request=request))
    response = logged_in(consultant()).get(f"/demandes/{request.uuid}/ocds.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="ocds-{request.uuid}.json"'
    package = json.loads(response.content)
    assert ocds.validate_package(package) == []
    assert logged_in(StewardFactory()).get(f"/demandes/{request.uuid}/ocds.json").status_code == 200


def test_the_export_is_refused_outside_the_circle_and_unknown_requests_are_404() -> None:
    request = SupportRequestFactory()
    assert logged_in(MemberFactory()).get(f"/demandes/{request.uuid}/ocds.json").status_code == 403
    member = logged_in(consultant())
    unconfirmed = SupportRequestFactory(status=RequestStatus.UNCONFIRMED, confirmed_at=None)
    assert member.get(f"/demandes/{unconfirmed.uuid}/ocds.json").status_code == 404
    assert member.get("/demandes/00000000-0000-0000-0000-000000000000/ocds.json").status_code == 404


def test_the_api_export_and_its_refusals() -> None:
    request = QualifiedRequestFactory()
    auth = bearer(token_secret(consultant()))
    response = Client().get(API + f"/requests/{request.uuid}/ocds", **auth)
    assert response.status_code == 200
    assert ocds.validate_package(response.json()) == []
    assert response.json()["releases"][0]["ocid"] == f"ocds-cercle-{request.uuid}"
    outsider = bearer(token_secret(MemberFactory()))
    assert Client().get(API + f"/requests/{request.uuid}/ocds", **outsider).status_code == 403
    assert Client().get(API + f"/requests/{request.uuid}/ocds").status_code == 401
    missing = API + "/requests/00000000-0000-0000-0000-000000000000/ocds"
    assert Client().get(missing, **auth).status_code == 404
    assert Client().get(API + "/requests/pas-un-uuid/ocds", **auth).status_code in (404, 422)


def test_the_export_makes_the_same_number_of_queries_with_5_and_50_offers() -> None:
    request = QualifiedRequestFactory(selection_mode=SelectionMode.CLIENT)
    client = logged_in(consultant())
    url = f"/demandes/{request.uuid}/ocds.json"
    for _i in range(5):
        OfferFactory(team=TeamFactory(request=request))
    SupportRequest.objects.filter(pk=request.pk).update(
        offers_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    few = _queries(client, url)
    for _i in range(45):
        OfferFactory(team=TeamFactory(request=request))
    assert _queries(client, url) == few
