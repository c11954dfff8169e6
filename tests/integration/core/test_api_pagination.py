"""Every API list pages with bounded `limit` and `offset`: out of range is a 422, not a 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/skills", "/api/v1/territories", "/api/v1/directory", "/api/v1/journal"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "query", ["offset=10000000000000000000", "offset=-1", "limit=0", "limit=101", "limit=x"]
)
def test_out_of_range_paging_is_a_422_with_the_error_shape(
    client: Client, path: str, query: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert set(body["errors"]) & {"limit", "offset"}


@pytest.mark.parametrize("path", LISTS)
def test_in_range_paging_answers_with_a_count(client: Client, path: str) -> None:
    response = client.get(f"{path}?limit=100&offset=10000000")
    assert response.status_code == 200
    assert response.json()["items"] == []
