"""The public directory, its pages and its API: who is listed, filters, 404s."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cercle.membership.enums import CircleEndReason
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    CircleMembershipFactory,
    MemberFactory,
    bulk_listed_members,
    circle_member,
)
from tests.factories.network import OrganizationFactory, SkillFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def version() -> Any:
    return CharterVersionFactory()


@pytest.fixture
def hidden(version: Any) -> list[Any]:
    """People who must not appear anywhere public."""
    signed_only = MemberFactory(slug="signed-only")
    CharterSignatureFactory(person=signed_only, version=version)
    unsigned = MemberFactory(slug="unsigned")
    CircleMembershipFactory(person=unsigned)
    left = circle_member(version, slug="left-the-circle")
    left.circle_memberships.update(ended_at=timezone.now(), end_reason=CircleEndReason.LEFT)
    return [signed_only, unsigned, left]


def test_the_directory_page_lists_only_consenting_circle_members(
    client: Client, version: Any, hidden: list[Any], django_assert_max_num_queries: Any
) -> None:
    organization = OrganizationFactory(name="La Fabrique du Coin")
    major = SkillFactory(name="Gouvernance partagée", is_major=True)
    [listed] = bulk_listed_members(1, version=version, skills=[major], organization=organization)
    with django_assert_max_num_queries(10):
        response = client.get("/annuaire/")
    assert response.status_code == 200
    body = response.content.decode()
    assert listed.full_name in body
    assert "La Fabrique du Coin" in body
    assert "badge-major" in body
    for person in hidden:
        assert person.full_name not in body
        assert person.slug not in body


def test_the_member_page_and_404s(
    client: Client, version: Any, hidden: list[Any], django_assert_max_num_queries: Any
) -> None:
    [listed] = bulk_listed_members(1, version=version, references=2)
    with django_assert_max_num_queries(10):
        response = client.get(f"/annuaire/{listed.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Commune 0" in body  # the public reference
    assert "Commune 1" not in body  # the private one
    for person in hidden:
        assert client.get(f"/annuaire/{person.slug}/").status_code == 404
    assert client.get("/annuaire/personne-inexistante/").status_code == 404


def test_filters_on_the_page(client: Client, version: Any) -> None:
    skill = SkillFactory()
    north = bulk_listed_members(1, version=version, skills=[skill], territory_codes=("59350",))
    south = bulk_listed_members(1, version=version, territory_codes=("2A",))
    by_skill = client.get(f"/annuaire/?skill={skill.slug}").content.decode()
    assert north[0].full_name in by_skill
    assert south[0].full_name not in by_skill
    by_department = client.get("/annuaire/?territory=2a").content.decode()
    assert south[0].full_name in by_department
    assert north[0].full_name not in by_department


def test_bad_filters_are_a_400_with_field_errors(client: Client) -> None:
    response = client.get("/annuaire/?territory=nord&skill=inconnue")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_territory_errors"' in body
    assert 'id="id_skill_errors"' in body


def test_the_directory_api(
    client: Client, version: Any, hidden: list[Any], django_assert_max_num_queries: Any
) -> None:
    skill = SkillFactory(is_major=True)
    people = bulk_listed_members(3, version=version, skills=[skill], references=2)
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/directory")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {item["slug"] for item in body["items"]} == {p.slug for p in people}
    first = body["items"][0]
    assert first["skills"] == [{"slug": skill.slug, "name": skill.name, "is_major": True}]
    assert len(first["references"]) == 1
    assert {t["code"] for t in first["territories"]} == {"59", "59350"}
    with django_assert_max_num_queries(8):
        detail = client.get(f"{API}/directory/{people[0].slug}")
    assert detail.status_code == 200
    assert detail.json()["slug"] == people[0].slug
    for person in hidden:
        assert client.get(f"{API}/directory/{person.slug}").status_code == 404
    filtered = client.get(f"{API}/directory?skill={skill.slug}&territory=59&limit=2").json()
    assert filtered["count"] == 3
    assert len(filtered["items"]) == 2
    assert client.get(f"{API}/directory?territory=13").json()["count"] == 0


def test_the_directory_api_refuses_a_bad_departement(client: Client) -> None:
    response = client.get(f"{API}/directory?territory=nord")
    assert response.status_code == 422
    assert "territory" in response.json()["errors"]


def test_a_signed_in_caller_sees_the_same_public_directory(client: Client, version: Any) -> None:
    hidden_member = MemberFactory()
    CharterSignatureFactory(person=hidden_member, version=version)
    circle_member(version)
    response = client.get(f"{API}/directory", **bearer(token_secret(hidden_member)))
    assert response.json()["count"] == 1
