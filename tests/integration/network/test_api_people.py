"""API: /me, /people/{uuid} (members only) and /people/{uuid}/level (stewards)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cercle.network.models import Person
from tests.factories.network import OrganizationAdminFactory, PersonFactory, SupporterFactory
from tests.integration.network.conftest import api_client, assert_error, send

pytestmark = pytest.mark.django_db


def test_me_needs_a_token() -> None:
    assert_error(Client().get("/api/v1/me"), 401)
    bad = Client(headers={"Authorization": "Bearer crcl_wrong"})
    assert_error(bad.get("/api/v1/me"), 401)


def test_me_shows_the_callers_profile(non_member: Any, django_assert_max_num_queries: Any) -> None:
    membership = OrganizationAdminFactory(person=non_member)
    client = api_client(non_member)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(non_member.uuid)
    assert body["territory_code"] == "59"
    assert body["engagement_level"] == ""
    assert body["organizations"] == [
        {
            "slug": membership.organization.slug,
            "name": membership.organization.name,
            "role": "admin",
        }
    ]


def test_patch_me_changes_only_what_is_sent(non_member: Any) -> None:
    response = send(api_client(non_member), "PATCH", "/api/v1/me", {"bio": "Bonjour"})
    assert response.status_code == 200, response.content
    person = Person.objects.get(pk=non_member.pk)
    assert (person.bio, person.first_name, person.territory_id) == (
        "Bonjour",
        non_member.first_name,
        "59",
    )
    response = send(api_client(non_member), "PATCH", "/api/v1/me", {"territory_code": None})
    assert response.json()["territory_code"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"territory_code": "99999"}, "territory_code"),
        ({"territory_code": "Nord"}, "territory_code"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "x" * 81}, "first_name"),
        ({"bio": 12}, "bio"),
    ],
)
def test_bad_patches_are_422_and_change_nothing(
    non_member: Any, body: dict[str, Any], field: str
) -> None:
    response = send(api_client(non_member), "PATCH", "/api/v1/me", body)
    assert_error(response, 422, field)
    person = Person.objects.get(pk=non_member.pk)
    assert (person.first_name, person.territory_id) == (non_member.first_name, "59")


def test_errors_come_in_the_callers_language(non_member: Any) -> None:
    non_member.user.language = "fr"
    non_member.user.save()
    response = send(api_client(non_member), "PATCH", "/api/v1/me", {"first_name": ""})
    assert response.json()["errors"]["first_name"] == ["Ce champ est obligatoire."]


def test_people_are_for_members_only(non_member: Any, supporter: Any) -> None:
    other = PersonFactory()
    url = f"/api/v1/people/{other.uuid}"
    assert_error(Client().get(url), 401)
    assert_error(api_client(non_member).get(url), 403)
    response = api_client(supporter).get(url)
    assert response.status_code == 200
    assert response.json()["full_name"] == other.full_name
    assert_error(api_client(supporter).get("/api/v1/people/not-a-uuid"), 422)
    assert_error(
        api_client(supporter).get("/api/v1/people/00000000-0000-0000-0000-000000000000"), 404
    )


def test_a_steward_sets_a_level(steward: Any) -> None:
    target = SupporterFactory()
    url = f"/api/v1/people/{target.uuid}/level"
    response = send(api_client(steward), "POST", url, {"level": "contributeur"})
    assert response.status_code == 200, response.content
    assert response.json()["engagement_level"] == "contributeur"
    assert Person.objects.get(pk=target.pk).engagement_level == "contributeur"


def test_level_refusals(steward: Any, contributor: Any) -> None:
    target = SupporterFactory()
    url = f"/api/v1/people/{target.uuid}/level"
    assert_error(send(Client(), "POST", url, {"level": "soucieux"}), 401)
    assert_error(send(api_client(contributor), "POST", url, {"level": "soucieux"}), 403)
    own = f"/api/v1/people/{steward.uuid}/level"
    assert_error(send(api_client(steward), "POST", own, {"level": "sympathisant"}), 403)
    assert_error(send(api_client(steward), "POST", url, {"level": "boss"}), 422, "level")
    assert_error(send(api_client(steward), "POST", url, {}), 422, "level")
    assert Person.objects.get(pk=target.pk).engagement_level == "sympathisant"
    assert Person.objects.get(pk=steward.pk).engagement_level == "soucieux"
