"""Notifications API: list, read marks, preferences; 401, 404, 422 and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.core import services
from cercle.core.enums import NotificationKind as Kind
from cercle.core.models import Notification, NotificationPreference
from tests.factories.core import UserFactory
from tests.integration.core.test_notifications_pages import make

pytestmark = pytest.mark.django_db

API = "/api/v1"


def auth(user: Any) -> dict[str, str]:
    secret = services.api_token_create(actor=user, name="script")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_anonymous_gets_401() -> None:
    client = Client()
    assert client.get(f"{API}/notifications").status_code == 401
    assert client.post(f"{API}/notifications/read-all").status_code == 401
    assert client.get(f"{API}/notification-preferences").status_code == 401


def test_list_unread_first_paginated_and_bounded() -> None:
    user, other = UserFactory(), UserFactory()
    make(user, 1, read=True, title="Lue")
    make(user, 1, title="Nouvelle")
    make(other, 1, title="Autre")
    response = Client().get(f"{API}/notifications", **auth(user))
    assert response.status_code == 200
    body = response.json()
    assert [item["title"] for item in body["items"]] == ["Nouvelle 0000", "Lue 0000"]
    assert body["count"] == 2
    unread = Client().get(f"{API}/notifications?unread=true", **auth(user)).json()
    assert unread["count"] == 1

    many = UserFactory()
    make(many, 150)
    counts = []
    for who in (user, many):
        headers = auth(who)
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(f"{API}/notifications", **headers).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


def test_read_one_and_all() -> None:
    user, other = UserFactory(), UserFactory()
    first, _second = make(user, 2)
    (foreign,) = make(other, 1)
    headers = auth(user)
    response = Client().post(f"{API}/notifications/{first.uuid}/read", **headers)
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert Client().post(f"{API}/notifications/{foreign.uuid}/read", **headers).status_code == 404
    assert Client().post(f"{API}/notifications/not-a-uuid/read", **headers).status_code == 422
    foreign.refresh_from_db()
    assert foreign.read_at is None
    response = Client().post(f"{API}/notifications/read-all", **headers)
    assert response.json() == {"marked": 1}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # the other's


def test_preferences_get_and_put() -> None:
    user = UserFactory()
    headers = auth(user)
    rows = Client().get(f"{API}/notification-preferences", **headers).json()
    assert [row["kind"] for row in rows] == list(Kind.values)
    assert {row["kind"]: row["default"] for row in rows}[Kind.SELECTION] == "immediately"

    response = Client().put(
        f"{API}/notification-preferences",
        {"frequencies": {"selection": "weekly"}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    assert {row["kind"]: row["frequency"] for row in response.json()}["selection"] == "weekly"
    assert NotificationPreference.objects.get(user=user).frequency == "weekly"


@pytest.mark.parametrize(
    "payload",
    [
        {"frequencies": {"selection": "hourly"}},
        {"frequencies": {"nope": "daily"}},
        {"frequencies": {}},
        {"frequencies": "daily"},
        {},
    ],
)
def test_preferences_put_refuses_bad_input(payload: dict[str, Any]) -> None:
    user = UserFactory()
    response = Client().put(
        f"{API}/notification-preferences",
        payload,
        content_type="application/json",
        **auth(user),
    )
    assert response.status_code in (400, 422)
    assert response.json()["errors"]
    assert not NotificationPreference.objects.exists()
