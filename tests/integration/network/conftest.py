"""Fixtures for the network's pages and API: people at each level, clients, tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from cercle.core import services as core_services
from tests.factories.network import (
    ContributorFactory,
    PersonFactory,
    StewardFactory,
    SupporterFactory,
)


@pytest.fixture
def non_member(db: None) -> Any:
    return PersonFactory()


@pytest.fixture
def supporter(db: None) -> Any:
    return SupporterFactory()


@pytest.fixture
def contributor(db: None) -> Any:
    return ContributorFactory()


@pytest.fixture
def steward(db: None) -> Any:
    return StewardFactory()


def logged_in(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def api_client(person: Any | None = None) -> Client:
    """A client that calls the API with the person's token (anonymous without one)."""
    if person is None:
        return Client()
    secret = core_services.api_token_create(actor=person.user, name="tests")[1]
    return Client(headers={"Authorization": f"Bearer {secret}"})


def send(client: Client, method: str, url: str, body: object | None = None) -> Any:
    """A JSON request (POST, PUT, PATCH, DELETE) through the test client."""
    call = getattr(client, method.lower())
    if body is None:
        return call(url)
    return call(url, json.dumps(body), content_type="application/json")


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The API's one error shape, with a message for `field` when given."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    if field is not None:
        assert body["errors"].get(field), body
        assert all(isinstance(m, str) and m for m in body["errors"][field])
    return dict(body)


def fr(message: str) -> str:
    """A message as a French reader gets it (the catalog may not hold it yet)."""
    from django.utils import translation

    with translation.override("fr"):
        return translation.gettext(message)
