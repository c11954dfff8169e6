"""A year outside 2000–2100 is bad input on every reciprocity API that takes one: a 422
with the field named, never a 500 (schemathesis found `year=0` crashing the animation
list: Python dates have no year 0)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories.network import StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/animation-time?year=0",
    "/api/v1/animation-time?year=99999",
    "/api/v1/me/statement?year=0",
    "/api/v1/exports/fec/0",
    "/api/v1/exports/ledger/0?format=csv",
    "/api/v1/exports/balances/10000?format=xlsx",
    "/api/v1/reports/0",
    "/api/v1/reports/1999",
]


@pytest.mark.parametrize("url", URLS)
def test_an_absurd_year_is_refused_with_a_field_error(url: str) -> None:
    headers = bearer(token_secret(StewardFactory()))
    response = Client().get(url, **headers)  # type: ignore[arg-type]
    assert response.status_code == 422, response.content
    assert "year" in response.json()["errors"]
