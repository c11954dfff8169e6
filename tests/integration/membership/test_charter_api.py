"""The charter and circle API: versions, signatures, PDF, join, leave, members."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from cercle.membership.models import CharterSignature, CharterVersion, CircleMembership
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    MemberFactory,
    circle_member,
)
from tests.factories.network import PersonFactory, StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def post(client: Client, url: str, body: object | None = None, **extra: str) -> Any:
    return client.post(API + url, json.dumps(body or {}), content_type="application/json", **extra)


def error_body(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body


def fr(message: str, **values: Any) -> str:
    with translation.override("fr"):
        text = gettext(message)
    return text % values if values else text


@pytest.fixture
def version() -> Any:
    return CharterVersionFactory()


def test_versions_and_current_are_public(
    client: Client, version: Any, django_assert_max_num_queries: Any
) -> None:
    newer = CharterVersionFactory()
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/charter/versions")
    body = response.json()
    assert body["count"] == 2
    assert [v["number"] for v in body["items"]] == [newer.number, version.number]
    assert len(body["items"][0]["engagements"]) == 5
    with django_assert_max_num_queries(3):
        current = client.get(f"{API}/charter/current").json()
    assert current["number"] == newer.number
    assert current["engagements"][0]["code"] == "inform-network"


def test_current_is_404_before_any_publication(client: Client) -> None:
    error_body(client.get(f"{API}/charter/current"), 404)


def test_a_steward_publishes_through_the_api(client: Client, version: Any) -> None:
    body = {
        "title": "Charte API",
        "closing": "J'accepte.",
        "engagements": [{"code": "inform", "title": "Informer", "text": "Je préviens."}],
    }
    response = post(client, "/charter/versions", body, **auth(StewardFactory()))
    assert response.status_code == 201, response.content
    assert response.json()["number"] == version.number + 1
    assert response.json()["engagements"][0]["code"] == "inform"


def test_publishing_refusals(client: Client, version: Any) -> None:
    """Anonymous 401, member 403, bad body 422 with field errors; nothing created."""
    body = {"title": "X", "closing": "Y", "engagements": []}
    error_body(post(client, "/charter/versions", body), 401)
    error_body(post(client, "/charter/versions", body, **auth(MemberFactory())), 403)
    errors = error_body(post(client, "/charter/versions", body, **auth(StewardFactory())), 422)
    assert errors["errors"]["engagements"] == [fr("A charter needs at least one engagement.")]
    missing = error_body(
        post(client, "/charter/versions", {"title": "X"}, **auth(StewardFactory())), 422
    )
    assert {"closing", "engagements"} <= set(missing["errors"])
    assert CharterVersion.objects.count() == 1


def test_sign_then_list_mine(client: Client, version: Any) -> None:
    member = MemberFactory()
    headers = auth(member)
    body = {"version": version.number, "consents_to_listing": True, "mandates_follow_up": True}
    response = post(client, "/charter/signatures", body, **headers)
    assert response.status_code == 201, response.content
    assert response.json()["version"] == version.number
    mine = client.get(f"{API}/charter/signatures/mine", **headers).json()
    assert mine["count"] == 1
    assert mine["items"][0]["id"] == response.json()["id"]


def test_signing_errors_are_422_with_translated_field_errors(client: Client, version: Any) -> None:
    member = MemberFactory()
    headers = auth(member)
    newer = CharterVersionFactory()
    outdated = error_body(
        post(
            client,
            "/charter/signatures",
            {"version": version.number, "consents_to_listing": True, "mandates_follow_up": True},
            **headers,
        ),
        422,
    )
    assert outdated["errors"]["version"] == [
        fr(
            "Version %(signed)s is no longer the current charter: read version "
            "%(current)s, then sign it.",
            signed=version.number,
            current=newer.number,
        )
    ]
    no_consent = error_body(
        post(client, "/charter/signatures", {"version": newer.number}, **headers), 422
    )
    assert set(no_consent["errors"]) == {"consents_to_listing", "mandates_follow_up"}
    wrong_type = error_body(
        post(client, "/charter/signatures", {"version": "deux"}, **headers), 422
    )
    assert "version" in wrong_type["errors"]
    assert not CharterSignature.objects.exists()


def test_signing_needs_a_member(client: Client, version: Any) -> None:
    body = {"version": version.number, "consents_to_listing": True, "mandates_follow_up": True}
    error_body(post(client, "/charter/signatures", body), 401)
    error_body(post(client, "/charter/signatures", body, **auth(PersonFactory())), 403)


def test_the_signature_pdf(client: Client, version: Any) -> None:
    signature = CharterSignatureFactory(version=version)
    url = f"{API}/charter/signatures/{signature.uuid}/pdf"
    response = client.get(url, **auth(signature.person))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    error_body(client.get(url, **auth(MemberFactory())), 403)
    error_body(client.get(url), 401)
    error_body(
        client.get(
            f"{API}/charter/signatures/00000000-0000-0000-0000-000000000000/pdf",
            **auth(signature.person),
        ),
        404,
    )


def test_join_leave_and_the_members_list(
    client: Client, version: Any, django_assert_max_num_queries: Any
) -> None:
    member = MemberFactory()
    CharterSignatureFactory(person=member, version=version)
    headers = auth(member)
    joined = post(client, "/circle/join", **headers)
    assert joined.status_code == 201, joined.content
    error_body(post(client, "/circle/join", **headers), 409)
    other = circle_member(version)
    with django_assert_max_num_queries(10):
        members = client.get(f"{API}/circle/members", **headers).json()
    assert members["count"] == 2
    assert {m["slug"] for m in members["items"]} == {member.slug, other.slug}
    assert all(m["signed_current_charter"] for m in members["items"])
    left = post(client, "/circle/leave", **headers)
    assert left.status_code == 200
    assert left.json()["end_reason"] == "left"
    error_body(post(client, "/circle/leave", **headers), 409)
    assert CircleMembership.objects.filter(person=member).count() == 1


def test_joining_refusals(client: Client, version: Any) -> None:
    error_body(post(client, "/circle/join"), 401)
    error_body(post(client, "/circle/join", **auth(PersonFactory())), 403)
    unsigned = error_body(post(client, "/circle/join", **auth(MemberFactory())), 409)
    assert unsigned["detail"] == fr(
        "Sign the current version of the charter before joining the circle."
    )
    error_body(client.get(f"{API}/circle/members", **auth(PersonFactory())), 403)
    error_body(client.get(f"{API}/circle/members"), 401)


def test_the_endpoints_are_documented(client: Client) -> None:
    """The OpenAPI document lists every charter, circle, engagement, regulation and
    directory endpoint."""
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in (
        "/charter/versions",
        "/charter/current",
        "/charter/signatures",
        "/charter/signatures/mine",
        "/charter/signatures/{signature_id}/pdf",
        "/circle/join",
        "/circle/leave",
        "/circle/members",
        "/engagement-checks",
        "/engagement-checks/{check_id}",
        "/regulation-cases",
        "/regulation-cases/{case_id}/hearing",
        "/regulation-cases/{case_id}/decision",
        "/directory",
        "/directory/{slug}",
    ):
        assert f"{API}{path}" in paths
