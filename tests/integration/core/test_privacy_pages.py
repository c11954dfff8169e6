"""My data: the page and the API download the ZIP and erase the account, confirmed."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from cercle.core.models import User
from cercle.network.models import Person
from tests.factories.network import PersonFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-assez-long-7"


@pytest.fixture
def someone() -> Any:
    person = PersonFactory(first_name="Clothilde", last_name="Ombrevalle")
    person.user.set_password(PASSWORD)
    person.user.save()
    return person


def names_in_zip(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def test_the_page_offers_the_download_and_the_erasure_form(someone: Any) -> None:
    response = logged_in(someone).get("/compte/mes-donnees/")
    assert response.status_code == 200
    assert b"/compte/mes-donnees/export/" in response.content
    assert b'name="password"' in response.content


def test_the_page_downloads_a_zip_of_my_data(someone: Any) -> None:
    response = logged_in(someone).get("/compte/mes-donnees/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "network.person.json" in names_in_zip(response.content)


def test_the_page_asks_to_log_in(someone: Any) -> None:
    response = Client().get("/compte/mes-donnees/export/")
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password": "faux", "confirm": "on"}, b"password"),
        ({"password": PASSWORD}, b"confirm"),
        ({}, b"password"),
    ],
)
def test_a_wrong_or_unconfirmed_erasure_is_a_400_and_changes_nothing(
    someone: Any, data: dict[str, str], field: bytes
) -> None:
    response = logged_in(someone).post("/compte/mes-donnees/", data)
    assert response.status_code == 400
    assert field in response.content
    assert Person.objects.get(pk=someone.pk).last_name == "Ombrevalle"


def test_erasure_from_the_page_logs_out_and_pseudonymises(someone: Any) -> None:
    client = logged_in(someone)
    response = client.post("/compte/mes-donnees/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert Person.objects.get(pk=someone.pk).last_name != "Ombrevalle"
    assert client.get("/compte/mes-donnees/").status_code == 302  # logged out


def test_the_api_exports_my_data(someone: Any) -> None:
    response = Client().get("/api/v1/me/export", **bearer(token_secret(someone)))
    assert response.status_code == 200
    assert "core.user.json" in names_in_zip(response.content)


def test_the_api_refuses_an_anonymous_export() -> None:
    assert Client().get("/api/v1/me/export").status_code == 401


def test_the_api_refuses_erasure_with_a_wrong_password(someone: Any) -> None:
    response = Client().post(
        "/api/v1/me/erasure",
        {"password": "faux"},
        content_type="application/json",
        **bearer(token_secret(someone)),
    )
    assert response.status_code in (400, 422)
    assert "password" in response.json()["errors"]
    assert User.objects.get(pk=someone.user.pk).is_active


def test_the_api_erases_me_and_my_token_stops_working(someone: Any) -> None:
    auth = bearer(token_secret(someone))
    response = Client().post(
        "/api/v1/me/erasure", {"password": PASSWORD}, content_type="application/json", **auth
    )
    assert response.status_code == 200
    body = response.json()
    assert Person.objects.get(pk=someone.pk).full_name == body["pseudonym"]
    assert Client().get("/api/v1/me/export", **auth).status_code == 401
