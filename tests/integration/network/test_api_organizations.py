"""API: organizations (public reads, admin writes) and their people."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.network.models import Organization, OrganizationMembership
from tests.factories.network import (
    MemberOrganizationFactory,
    OrganizationAdminFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
)
from tests.integration.network.conftest import api_client, assert_error, send

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations"
VALID_SIRET = "73282932000074"


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_list_is_public_paginated_and_filtered(client: Client) -> None:
    MemberOrganizationFactory(name="A Lille", territory_id="59350")
    OrganizationFactory(name="B Arras", territory_id="62", actor_type="association")
    OrganizationFactory(name="C Nord", territory_id="59", actor_type="association")
    body = client.get(URL, {"limit": 2}).json()
    assert body["count"] == 3
    assert [o["name"] for o in body["items"]] == ["A Lille", "B Arras"]
    assert body["items"][0]["is_member"] is True
    assert body["items"][0]["territory"]["code"] == "59350"
    body = client.get(URL, {"department": "59", "actor_type": "association"}).json()
    assert [o["name"] for o in body["items"]] == ["C Nord"]
    assert_error(client.get(URL, {"actor_type": "pirate"}), 422, "actor_type")
    assert_error(client.get(URL, {"department": "999"}), 422, "department")


def test_the_list_costs_the_same_with_5_or_50_rows(client: Client) -> None:
    OrganizationFactory.create_batch(5)
    few = _count(client, URL)
    OrganizationFactory.create_batch(495)
    assert _count(client, URL) == few


def test_detail_is_public(client: Client, django_assert_max_num_queries: Any) -> None:
    organization = OrganizationFactory(siret=VALID_SIRET)
    with django_assert_max_num_queries(3):
        response = client.get(f"{URL}/{organization.slug}")
    body = response.json()
    assert body["id"] == str(organization.uuid)
    assert body["siret"] == VALID_SIRET
    assert "people" not in body
    assert_error(client.get(f"{URL}/nope"), 404)


def test_create_makes_the_caller_admin(non_member: Any) -> None:
    response = send(
        api_client(non_member),
        "POST",
        URL,
        {"name": "La Ruche", "actor_type": "tiers_lieu", "territory_code": "2a", "siret": ""},
    )
    assert response.status_code == 201, response.content
    assert response.json()["territory"]["code"] == "2A"
    organization = Organization.objects.get()
    assert organization.memberships.get().person == non_member


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"siret": "123"}, "siret"),
        ({"siret": "73282932000075"}, "siret"),
        ({"siret": VALID_SIRET}, "siret"),
        ({"territory_code": "00000"}, "territory_code"),
        ({"actor_type": "pirate"}, "actor_type"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"website": "nope"}, "website"),
    ],
)
def test_bad_creations_are_422_and_create_nothing(
    non_member: Any, changes: dict[str, Any], field: str
) -> None:
    OrganizationFactory(siret=VALID_SIRET)
    body = {"name": "X", "actor_type": "association", "territory_code": "59"} | changes
    assert_error(send(api_client(non_member), "POST", URL, body), 422, field)
    assert Organization.objects.count() == 1


def test_anonymous_cannot_create(client: Client) -> None:
    body = {"name": "X", "actor_type": "association", "territory_code": "59"}
    assert_error(send(client, "POST", URL, body), 401)
    assert not Organization.objects.exists()


def test_an_admin_patches(steward: Any) -> None:
    admin = OrganizationAdminFactory()
    url = f"{URL}/{admin.organization.slug}"
    response = send(api_client(admin.person), "PATCH", url, {"description": "Nouveau"})
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Nouveau"
    assert response.json()["name"] == admin.organization.name
    assert_error(send(api_client(steward), "PATCH", url, {"name": "Pris"}), 403)
    assert_error(send(Client(), "PATCH", url, {"name": "Pris"}), 401)
    assert_error(
        send(api_client(admin.person), "PATCH", url, {"territory_code": "Lille"}),
        422,
        "territory_code",
    )
    organization = Organization.objects.get()
    assert (organization.name, organization.territory_id) == (admin.organization.name, "59350")


def test_people_of_an_organization(supporter: Any, non_member: Any) -> None:
    admin = OrganizationAdminFactory()
    OrganizationMembershipFactory.create_batch(2, organization=admin.organization)
    url = f"{URL}/{admin.organization.slug}/members"
    body = api_client(supporter).get(url).json()
    assert body["count"] == 3
    assert body["items"][0]["role"] == "admin"
    assert body["items"][0]["person"]["id"] == str(admin.person.uuid)
    assert_error(api_client(non_member).get(url), 403)
    assert_error(Client().get(url), 401)
    assert api_client(admin.person).get(url).status_code == 200


def test_admins_add_set_roles_and_remove() -> None:
    admin = OrganizationAdminFactory()
    newcomer = PersonFactory(user__email="new@example.org")
    client = api_client(admin.person)
    base = f"{URL}/{admin.organization.slug}/members"
    response = send(client, "POST", base, {"email": "New@example.org"})
    assert response.status_code == 201, response.content
    assert response.json()["person"]["id"] == str(newcomer.uuid)
    assert response.json()["role"] == "member"
    response = send(client, "PATCH", f"{base}/{newcomer.uuid}", {"role": "admin"})
    assert response.json()["role"] == "admin"
    response = send(client, "DELETE", f"{base}/{newcomer.uuid}")
    assert response.status_code == 204
    assert not OrganizationMembership.objects.filter(person=newcomer).exists()


def test_member_refusals_and_bad_input() -> None:
    admin = OrganizationAdminFactory()
    plain = OrganizationMembershipFactory(organization=admin.organization).person
    other = PersonFactory(user__email="other@example.org")
    base = f"{URL}/{admin.organization.slug}/members"
    assert_error(send(api_client(plain), "POST", base, {"email": "other@example.org"}), 403)
    assert_error(send(Client(), "POST", base, {"email": "other@example.org"}), 401)
    admin_client = api_client(admin.person)
    assert_error(send(admin_client, "POST", base, {"email": "ghost@example.org"}), 422, "email")
    assert_error(send(admin_client, "POST", base, {"email": plain.user.email}), 422, "email")
    assert_error(
        send(admin_client, "POST", base, {"email": "other@example.org", "role": "boss"}),
        422,
        "role",
    )
    assert_error(send(admin_client, "POST", base, {}), 422, "email")
    assert_error(send(api_client(plain), "DELETE", f"{base}/{admin.person.uuid}"), 403)
    assert_error(send(admin_client, "DELETE", f"{base}/{other.uuid}"), 422, "person")
    assert_error(
        send(admin_client, "PATCH", f"{base}/{admin.person.uuid}", {"role": "member"}), 422, "role"
    )
    assert_error(send(admin_client, "DELETE", f"{base}/{admin.person.uuid}"), 422, "person")
    assert OrganizationMembership.objects.count() == 2
    assert OrganizationMembership.objects.get(person=admin.person).role == "admin"


def test_the_people_list_costs_the_same_with_5_or_50_people(supporter: Any) -> None:
    admin = OrganizationAdminFactory()
    OrganizationMembershipFactory.create_batch(4, organization=admin.organization)
    client = api_client(supporter)
    url = f"{URL}/{admin.organization.slug}/members"
    client.get(url)  # the token's first use records when it was used: one write, once
    few = _count(client, url)
    OrganizationMembershipFactory.create_batch(495, organization=admin.organization)
    assert _count(client, url) == few
