"""The unread count in the navigation is loaded after the page, in one query."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cercle.core.enums import NotificationKind
from cercle.core.models import Notification
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_badge_counts_my_unread_notifications_only(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    me, other = PersonFactory(), PersonFactory()
    for title in ("a", "b"):
        Notification.objects.create(user=me.user, kind=NotificationKind.EVENT, title=title)
    Notification.objects.create(user=other.user, kind=NotificationKind.EVENT, title="c")
    client.force_login(me.user)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("core:notifications_badge"))
    assert response.status_code == 200
    assert "2" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_the_badge_is_empty_when_nothing_is_unread_or_for_anonymous(client: Client) -> None:
    assert client.get(reverse("core:notifications_badge")).content.decode().strip() == ""
    me = PersonFactory()
    client.force_login(me.user)
    assert client.get(reverse("core:notifications_badge")).content.decode().strip() == ""


def test_pages_link_the_notifications_and_load_the_badge(client: Client) -> None:
    me = PersonFactory()
    client.force_login(me.user)
    html = client.get(reverse("network:profile")).content.decode()
    assert reverse("core:notifications") in html
    assert reverse("core:notifications_badge") in html
