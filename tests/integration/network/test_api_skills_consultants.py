"""API: the skills taxonomy, the caller's consultant profile and references, territories."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.network.models import ConsultantProfile, ConsultantReference, Skill
from tests.factories.network import (
    ConsultantProfileFactory,
    ConsultantReferenceFactory,
    SkillFactory,
)
from tests.integration.network.conftest import api_client, assert_error, send

pytestmark = pytest.mark.django_db

SKILLS = "/api/v1/skills"
PROFILE = "/api/v1/me/consultant-profile"
REFERENCES = f"{PROFILE}/references"


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# --- Skills -------------------------------------------------------------------------


def test_skills_are_public_and_paginated(client: Client) -> None:
    SkillFactory(name="B")
    SkillFactory(name="A", is_major=True)
    SkillFactory(name="C", is_active=False)
    body = client.get(SKILLS).json()
    assert body["count"] == 2
    assert [s["name"] for s in body["items"]] == ["A", "B"]
    # Withdrawn skills are for stewards only; anonymous callers never see them.
    assert client.get(SKILLS, {"include_inactive": "true"}).json()["count"] == 2
    SkillFactory.create_batch(5)
    few = _count(client, SKILLS)
    SkillFactory.create_batch(495)
    assert _count(client, SKILLS) == few


def test_a_steward_creates_and_patches_skills(steward: Any) -> None:
    client = api_client(steward)
    response = send(client, "POST", SKILLS, {"name": "Gouvernance", "is_major": True})
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    response = send(client, "PATCH", f"{SKILLS}/{slug}", {"is_active": False})
    assert response.status_code == 200
    skill = Skill.objects.get()
    assert (skill.name, skill.is_major, skill.is_active) == ("Gouvernance", True, False)
    assert_error(send(client, "PATCH", f"{SKILLS}/nope", {"name": "X"}), 404)


def test_skill_refusals_and_bad_input(steward: Any, contributor: Any) -> None:
    skill = SkillFactory(name="Finance")
    assert_error(send(Client(), "POST", SKILLS, {"name": "X"}), 401)
    assert_error(send(api_client(contributor), "POST", SKILLS, {"name": "X"}), 403)
    assert_error(send(api_client(contributor), "PATCH", f"{SKILLS}/{skill.slug}", {}), 403)
    client = api_client(steward)
    assert_error(send(client, "POST", SKILLS, {"name": "finance"}), 422, "name")
    assert_error(send(client, "POST", SKILLS, {"name": ""}), 422, "name")
    assert_error(send(client, "POST", SKILLS, {}), 422, "name")
    assert_error(send(client, "PATCH", f"{SKILLS}/{skill.slug}", {"is_major": "maybe"}), 422)
    assert list(Skill.objects.values_list("name", "is_major")) == [("Finance", False)]


# --- Consultant profile --------------------------------------------------------------


def test_no_profile_yet_is_404(non_member: Any) -> None:
    assert_error(api_client(non_member).get(PROFILE), 404)
    assert_error(Client().get(PROFILE), 401)


def test_put_creates_then_replaces_the_profile(
    non_member: Any, django_assert_max_num_queries: Any
) -> None:
    skill = SkillFactory()
    client = api_client(non_member)
    body = {
        "headline": "Tiers-lieux",
        "skills": [skill.slug],
        "day_rate_min": "400",
        "day_rate_max": 550.5,
        "availability": "limited",
        "days_per_month": 4,
        "territory_codes": ["59", "2a"],
    }
    response = send(client, "PUT", PROFILE, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["skills"] == [skill.slug]
    assert data["day_rate_max"] == "550.50"
    assert data["territory_codes"] == ["2A", "59"]
    assert data["references"] == []
    response = send(client, "PUT", PROFILE, {"headline": "Seul"})
    data = response.json()
    assert (data["headline"], data["skills"], data["day_rate_min"]) == ("Seul", [], None)
    ConsultantReferenceFactory.create_batch(3, profile=ConsultantProfile.objects.get())
    with django_assert_max_num_queries(8):
        assert len(client.get(PROFILE).json()["references"]) == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day_rate_min": "700", "day_rate_max": "500"}, "day_rate_max"),
        ({"day_rate_min": "-1"}, "day_rate_min"),
        ({"day_rate_min": "10.555"}, "day_rate_min"),
        ({"day_rate_min": "beaucoup"}, "day_rate_min"),
        ({"days_per_month": 45}, "days_per_month"),
        ({"availability": "never"}, "availability"),
        ({"skills": ["ghost"]}, "skills"),
        ({"territory_codes": ["99999"]}, "territory_codes"),
        ({"territory_codes": "59"}, "territory_codes"),
    ],
)
def test_bad_profiles_are_422_and_change_nothing(
    non_member: Any, changes: dict[str, Any], field: str
) -> None:
    ConsultantProfileFactory(person=non_member, headline="Avant")
    body = {"headline": "Après"} | changes
    assert_error(send(api_client(non_member), "PUT", PROFILE, body), 422, field)
    assert ConsultantProfile.objects.get().headline == "Avant"


def test_references_through_the_api(non_member: Any) -> None:
    client = api_client(non_member)
    response = send(
        client, "POST", REFERENCES, {"client": "Ville", "year": 2021, "summary": "Étude"}
    )
    assert response.status_code == 201, response.content
    ref_id = response.json()["id"]
    assert response.json()["is_public"] is False
    response = send(client, "PATCH", f"{REFERENCES}/{ref_id}", {"is_public": True})
    assert response.json()["is_public"] is True
    assert response.json()["client"] == "Ville"
    assert len(client.get(PROFILE).json()["references"]) == 1
    assert send(client, "DELETE", f"{REFERENCES}/{ref_id}").status_code == 204
    assert not ConsultantReference.objects.exists()


def test_reference_refusals_and_bad_input(non_member: Any, steward: Any) -> None:
    theirs = ConsultantReferenceFactory(client="Secret")
    client = api_client(steward)
    assert_error(send(client, "PATCH", f"{REFERENCES}/{theirs.uuid}", {"client": "X"}), 404)
    assert_error(send(client, "DELETE", f"{REFERENCES}/{theirs.uuid}"), 404)
    anonymous_body = {"client": "X", "year": 2020, "summary": "S"}
    assert_error(send(Client(), "POST", REFERENCES, anonymous_body), 401)
    mine = api_client(non_member)
    assert_error(
        send(mine, "POST", REFERENCES, {"client": "X", "year": 1900, "summary": "S"}),
        422,
        "year",
    )
    assert_error(send(mine, "POST", REFERENCES, {"client": "X", "summary": "S"}), 422, "year")
    assert_error(
        send(mine, "POST", REFERENCES, {"client": "", "year": 2020, "summary": "S"}),
        422,
        "client",
    )
    assert ConsultantReference.objects.get().client == "Secret"
    assert ConsultantReference.objects.count() == 1


# --- Territories ----------------------------------------------------------------------


def test_territories_search(client: Client) -> None:
    body = client.get("/api/v1/territories", {"q": "lille"}).json()
    assert any(t["code"] == "59350" and t["name"] == "Lille" for t in body["items"])
    body = client.get("/api/v1/territories", {"q": "2A", "limit": 1}).json()
    assert body["items"] == [
        {"code": "2A", "name": "Corse-du-Sud", "kind": "departement", "department_code": "2A"}
    ]
    assert body["count"] > 1
    assert client.get("/api/v1/territories", {"limit": 5}).json()["count"] > 30000
    assert_error(client.get("/api/v1/territories", {"q": "x" * 81}), 422, "q")
    assert_error(client.get("/api/v1/territories", {"limit": "many"}), 422, "limit")


def test_the_openapi_document_lists_the_network_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/me": {"get", "patch"},
        "/api/v1/people/{person_id}": {"get"},
        "/api/v1/people/{person_id}/level": {"post"},
        "/api/v1/organizations": {"get", "post"},
        "/api/v1/organizations/{slug}": {"get", "patch"},
        "/api/v1/organizations/{slug}/members": {"get", "post"},
        "/api/v1/organizations/{slug}/members/{person_id}": {"patch", "delete"},
        "/api/v1/skills": {"get", "post"},
        "/api/v1/skills/{slug}": {"patch"},
        "/api/v1/me/consultant-profile": {"get", "put"},
        "/api/v1/me/consultant-profile/references": {"post"},
        "/api/v1/me/consultant-profile/references/{reference_id}": {"patch", "delete"},
        "/api/v1/territories": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) >= methods, path
