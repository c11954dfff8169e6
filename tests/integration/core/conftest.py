"""Fixtures for the core pages and API: people in each role and their API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cercle.core import services
from tests.factories.network import PersonFactory, StewardFactory


@pytest.fixture
def member(db: None) -> Any:
    """A person who adhered personally (an engagement level makes a member)."""
    return PersonFactory(engagement_level="sympathisant")


@pytest.fixture
def steward(db: None) -> Any:
    return StewardFactory()


@pytest.fixture
def non_member(db: None) -> Any:
    """A signed-up person who has not adhered."""
    return PersonFactory()


def logged_in(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def bearer(secret: str) -> dict[str, str]:
    """Test-client keyword arguments for `Authorization: Bearer <secret>`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def token_secret(person: Any, name: str = "script") -> str:
    return services.api_token_create(actor=person.user, name=name)[1]
