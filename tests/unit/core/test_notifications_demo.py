"""The demo's notification part: preferences chosen, some notifications read."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.core.models import Notification, NotificationPreference
from cercle.demo.notifications import load_notifications
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db


class FakeDemo:
    def __init__(self) -> None:
        self.users = {key: UserFactory() for key in ("solene", "maelle", "theo", "yanis", "ines")}

    def user(self, key: str) -> Any:
        return self.users[key]


def test_load_notifications() -> None:
    demo = FakeDemo()
    for key in ("yanis", "ines"):
        for title in ("a", "b"):
            Notification.objects.create(user=demo.user(key), kind="mission", title=title)
    load_notifications(demo)  # type: ignore[arg-type]
    assert NotificationPreference.objects.get(user=demo.user("theo")).frequency == "never"
    assert NotificationPreference.objects.filter(user=demo.user("maelle")).count() == 3
    assert not Notification.objects.filter(user=demo.user("yanis"), read_at=None).exists()
    assert Notification.objects.filter(user=demo.user("ines"), read_at=None).count() == 1
