"""Notification pages: my list, read marks (htmx too), preferences, one-click unsubscribe."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from cercle.core.enums import NotificationFrequency as Frequency
from cercle.core.enums import NotificationKind as Kind
from cercle.core.models import Notification, NotificationPreference
from cercle.core.notifications import DEFAULT_FREQUENCY, unsubscribe_token
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db


def fr(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make(user: Any, count: int, *, read: bool = False, **fields: Any) -> list[Notification]:
    from django.utils import timezone

    return Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=fields.get("kind", Kind.MISSION),
            title=f"{fields.get('title', 'Avis')} {i:04d}",
            body="Un texte court.",
            url=fields.get("url", "/missions/"),
            read_at=timezone.now() if read else None,
        )
        for i in range(count)
    )


def test_list_needs_login() -> None:
    response = Client().get("/notifications/")
    assert response.status_code == 302
    assert "/comptes/" in response["Location"] or "login" in response["Location"]


def test_list_shows_unread_first_and_only_mine() -> None:
    user, other = UserFactory(), UserFactory()
    make(user, 1, read=True, title="Lue")
    make(user, 1, title="Nouvelle")
    make(other, 1, title="Pas pour moi")
    response = client_of(user).get("/notifications/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Nouvelle 0000") < page.index("Lue 0000")
    assert "Pas pour moi" not in page
    assert fr("Unread") in page
    unread = client_of(user).get("/notifications/?non-lues=1").content.decode()
    assert "Nouvelle 0000" in unread
    assert "Lue 0000" not in unread


def test_list_paginates_with_the_same_queries_at_two_sizes(
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few, many = UserFactory(), UserFactory()
    make(few, 3)
    make(many, 120)
    counts = []
    for user in (few, many):
        client = client_of(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    client = client_of(many)
    with django_assert_max_num_queries(10):
        response = client.get("/notifications/?page=2")
    assert 'rel="prev"' in response.content.decode()


def test_mark_one_read_plain_htmx_and_open() -> None:
    user = UserFactory()
    first, second, third = make(user, 3, url="/missions/abc/")
    client = client_of(user)
    response = client.post(f"/notifications/{first.uuid}/lue/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    first.refresh_from_db()
    assert first.read_at is not None

    response = client.post(f"/notifications/{second.uuid}/lue/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith("<li")
    assert fr("Unread") not in fragment

    response = client.post(f"/notifications/{third.uuid}/lue/", {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/missions/abc/"
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_open_never_leaves_the_site() -> None:
    user = UserFactory()
    (notification,) = make(user, 1, url="https://ailleurs.example/")
    response = client_of(user).post(f"/notifications/{notification.uuid}/lue/", {"open": "1"})
    assert response["Location"] == "/notifications/"


def test_someone_elses_notification_is_not_found_and_unchanged() -> None:
    user, other = UserFactory(), UserFactory()
    (notification,) = make(other, 1)
    assert client_of(user).post(f"/notifications/{notification.uuid}/lue/").status_code == 404
    assert client_of(user).get(f"/notifications/{notification.uuid}/lue/").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read() -> None:
    user, other = UserFactory(), UserFactory()
    make(user, 3)
    make(other, 2)
    response = client_of(user).post("/notifications/tout-lire/", follow=True)
    assert response.status_code == 200
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2


def test_preferences_page_shows_groups_and_defaults_and_saves() -> None:
    user = UserFactory()
    client = client_of(user)
    response = client.get("/notifications/preferences/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert page.count("<fieldset") == len(Kind.values)
    assert page.count("<legend>") >= len(Kind.values)
    assert "<caption>" in page
    assert fr("In a daily digest") in page

    data = {kind: Frequency.NEVER if kind == Kind.TENDER else "daily" for kind in Kind.values}
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    prefs = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    assert prefs[Kind.TENDER] == "never"
    assert prefs[Kind.SELECTION] == "daily"  # changed from immediately
    assert Kind.MISSION not in prefs  # unchanged from its default


def test_preferences_page_refuses_bad_input_with_400() -> None:
    user = UserFactory()
    data = dict.fromkeys(Kind.values, "daily")
    data[Kind.TENDER] = "hourly"
    response = client_of(user).post("/notifications/preferences/", data)
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()
    response = client_of(user).post("/notifications/preferences/", {})
    assert response.status_code == 400


def test_unsubscribe_get_confirms_post_applies_without_login_or_csrf() -> None:
    user = UserFactory()
    token = unsubscribe_token(user, Kind.TENDER)
    client = Client(enforce_csrf_checks=True)
    response = client.get(f"/notifications/desabonnement/{token}/")
    assert response.status_code == 200
    assert "<form" in response.content.decode()
    assert not NotificationPreference.objects.exists()  # a mail scanner's GET does nothing

    # RFC 8058: the mail client posts "List-Unsubscribe=One-Click".
    response = client.post(
        f"/notifications/desabonnement/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=user, kind=Kind.TENDER).frequency == "never"


def test_unsubscribe_refuses_a_bad_token_with_403() -> None:
    user = UserFactory()
    token = unsubscribe_token(user, Kind.TENDER)
    for bad in ["abc", token[:-3] + "abc"]:
        response = Client().post(f"/notifications/desabonnement/{bad}/")
        assert response.status_code == 403
        assert fr("This link is not valid.") in html.unescape(response.content.decode())
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_from_a_digest_page() -> None:
    user = UserFactory()
    token = unsubscribe_token(user, Frequency.DAILY)
    response = Client().get(f"/notifications/desabonnement/{token}/")
    assert response.status_code == 200
    assert fr("In a daily digest") in html.unescape(response.content.decode())
    response = Client().post(f"/notifications/desabonnement/{token}/")
    assert response.status_code == 200
    daily_by_default = [k for k, f in DEFAULT_FREQUENCY.items() if f == Frequency.DAILY]
    assert NotificationPreference.objects.filter(user=user, frequency="never").count() == len(
        daily_by_default
    )
