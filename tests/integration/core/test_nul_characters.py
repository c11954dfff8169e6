"""A NUL character in a request is refused with a 400 before it reaches the database."""

from __future__ import annotations

import io

import pytest
from django.test import Client, RequestFactory

from cercle.core.middleware import NulCharacterMiddleware
from cercle.network.models import Organization
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_api_refuses_a_json_body_with_a_nul_character(client: Client) -> None:
    person = PersonFactory()
    client.force_login(person.user)
    response = client.post(
        "/api/v1/organizations",
        data='{"name": "A\\u0000B", "actor_type": "tiers_lieu", "territory_code": "59"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert not Organization.objects.exists()


def test_a_query_string_with_a_nul_character_is_refused(client: Client) -> None:
    response = client.get("/api/v1/territories?q=59%00")
    assert response.status_code == 400
    assert client.get("/structures/?territory=5%009").status_code == 400


def test_a_form_post_with_a_nul_character_is_refused_and_changes_nothing(client: Client) -> None:
    client.force_login(PersonFactory().user)
    response = client.post(
        "/structures/nouvelle/",
        data="name=A%00B&actor_type=tiers_lieu&territory_code=59",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Organization.objects.exists()


def test_uploaded_files_may_contain_any_byte() -> None:
    request = RequestFactory().post("/anything/", data={"file": io.BytesIO(b"%PDF\x00\x01")})
    assert not NulCharacterMiddleware(lambda r: None)._has_nul(request)  # type: ignore[arg-type, return-value]
