"""Events through the API: the same services as the pages, the same refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.events.engagement import YEARLY_EXCHANGE
from cercle.events.enums import RegistrationStatus
from cercle.events.models import CalendarFeed, Event, Registration
from cercle.membership.enums import EngagementCheckStatus
from cercle.membership.models import EngagementCheck
from tests.factories.events import EventFactory, PastSeminarFactory, RegistrationFactory
from tests.factories.membership_charter import CharterVersionFactory, circle_member
from tests.factories.network import PersonFactory, StewardFactory, SupporterFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def call(person: Any | None, method: str, url: str, body: object | None = None) -> Any:
    auth = bearer(token_secret(person)) if person is not None else {}
    client = Client()
    if body is None:
        return getattr(client, method)(API + url, **auth)
    return getattr(client, method)(
        API + url, json.dumps(body), content_type="application/json", **auth
    )


def event_body(**overrides: Any) -> dict[str, Any]:
    starts = timezone.now() + timedelta(days=30)
    body: dict[str, Any] = {
        "kind": "meetup",
        "title": "Rencontre de printemps",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "place": "Le Tiers-Lieu des Possibles, Cambrai",
        "capacity": 2,
    }
    body.update(overrides)
    return body


# ---------------------------------------------------------------- events


def test_a_steward_creates_reads_edits_and_cancels_an_event() -> None:
    steward = StewardFactory()
    created = call(steward, "post", "/events", event_body())
    assert created.status_code == 201
    slug = created.json()["slug"]
    assert created.json()["registered_count"] == 0
    assert created.json()["registration_closes_at"] == created.json()["starts_at"]
    read = call(None, "get", f"/events/{slug}")
    assert read.status_code == 200
    assert read.json()["title"] == "Rencontre de printemps"
    edited = call(steward, "patch", f"/events/{slug}", {"title": "Rencontre d'été"})
    assert edited.status_code == 200
    assert edited.json()["title"] == "Rencontre d'été"
    cancelled = call(steward, "post", f"/events/{slug}/cancel", {"reason": "Météo"})
    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled_at"] is not None
    assert call(steward, "post", f"/events/{slug}/cancel", {}).status_code == 409


def test_refusals_have_the_right_codes_and_change_nothing() -> None:
    steward = StewardFactory()
    assert call(None, "post", "/events", event_body()).status_code == 401
    assert call(SupporterFactory(), "post", "/events", event_body()).status_code == 403
    bad = call(steward, "post", "/events", event_body(place="", online_url=""))
    assert bad.status_code == 422
    assert bad.json()["errors"]["place"] == [fr("Give a place, an online link, or both.")]
    wrong_kind = call(steward, "post", "/events", event_body(kind="fete"))
    assert wrong_kind.status_code == 422
    assert "kind" in wrong_kind.json()["errors"]
    assert call(steward, "post", "/events", event_body(capacity=0)).status_code == 422
    assert call(steward, "post", "/events", {"title": "x"}).status_code == 422
    assert not Event.objects.exists()
    assert call(steward, "get", "/events/inconnu").status_code == 404


def test_the_list_shows_public_events_to_anonymous_callers() -> None:
    EventFactory(title="Ouverte")
    EventFactory(title="Réservée", is_public=False)
    anonymous = call(None, "get", "/events")
    assert anonymous.status_code == 200
    assert [e["title"] for e in anonymous.json()["items"]] == ["Ouverte"]
    member = call(SupporterFactory(), "get", "/events")
    assert {e["title"] for e in member.json()["items"]} == {"Ouverte", "Réservée"}
    assert call(None, "get", "/events?period=hier").status_code == 422


def test_a_members_only_event_is_refused_to_anonymous_callers() -> None:
    event = EventFactory(is_public=False)
    assert call(None, "get", f"/events/{event.slug}").status_code == 401
    assert call(PersonFactory(), "get", f"/events/{event.slug}").status_code == 403


def test_the_list_queries_do_not_grow() -> None:
    steward = StewardFactory()
    auth = bearer(token_secret(steward))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(API + "/events", **auth).status_code == 200
        return len(queries)

    RegistrationFactory(event=EventFactory())
    count()  # the token's first use is recorded once
    small = count()
    for _ in range(12):
        RegistrationFactory.create_batch(2, event=EventFactory())
    assert count() == small


# ---------------------------------------------------------------- registrations


def test_registering_and_cancelling_through_the_api() -> None:
    event = EventFactory(capacity=1)
    person = PersonFactory()
    registered = call(person, "post", f"/events/{event.slug}/registrations")
    assert registered.status_code == 201
    assert registered.json()["status"] == "registered"
    assert call(person, "get", f"/events/{event.slug}/registrations/me").status_code == 200
    full = call(PersonFactory(), "post", f"/events/{event.slug}/registrations")
    assert full.status_code == 409
    assert full.json()["detail"] == fr("This event is full.")
    gone = call(person, "delete", f"/events/{event.slug}/registrations/me")
    assert gone.status_code == 200
    assert gone.json()["status"] == "cancelled"
    assert call(person, "delete", f"/events/{event.slug}/registrations/me").status_code == 409
    assert call(None, "post", f"/events/{event.slug}/registrations").status_code == 401


def test_registration_after_closing_is_a_409() -> None:
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))
    response = call(PersonFactory(), "post", f"/events/{event.slug}/registrations")
    assert response.status_code == 409
    assert response.json()["detail"] == fr("Registration for this event has closed.")
    assert not Registration.objects.exists()


def test_stewards_list_the_registrations() -> None:
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    listing = call(StewardFactory(), "get", f"/events/{event.slug}/registrations")
    assert listing.status_code == 200
    assert listing.json()["count"] == 2
    assert listing.json()["items"][0]["person"] == str(registration.person.uuid)
    assert call(SupporterFactory(), "get", f"/events/{event.slug}/registrations").status_code == 403


# ---------------------------------------------------------------- attendance


def test_attendance_through_the_api_fulfils_the_yearly_exchange() -> None:
    member = circle_member(CharterVersionFactory())
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar, person=member)
    other = RegistrationFactory(event=seminar)
    steward = StewardFactory()
    url = f"/events/{seminar.slug}/attendance"
    response = call(steward, "post", url, {"attended": [str(member.uuid)]})
    assert response.status_code == 200
    marks = {row["person"]: row["attended"] for row in response.json()}
    assert marks == {str(member.uuid): True, str(other.person.uuid): False}
    check = EngagementCheck.objects.get(person=member, engagement_code=YEARLY_EXCHANGE)
    assert check.status == EngagementCheckStatus.DONE
    assert call(steward, "post", url, {"attended": []}).status_code == 200
    check.refresh_from_db()
    assert check.status == EngagementCheckStatus.PENDING


def test_attendance_refusals() -> None:
    seminar = PastSeminarFactory()
    registration = RegistrationFactory(event=seminar)
    url = f"/events/{seminar.slug}/attendance"
    body = {"attended": [str(registration.person.uuid)]}
    assert call(SupporterFactory(), "post", url, body).status_code == 403
    assert call(StewardFactory(), "post", url, {"attended": ["pas-un-uuid"]}).status_code == 422
    stranger = call(StewardFactory(), "post", url, {"attended": [str(PersonFactory().uuid)]})
    assert stranger.status_code == 422
    assert "attended" in stranger.json()["errors"]
    future = EventFactory()
    early = call(StewardFactory(), "post", f"/events/{future.slug}/attendance", {"attended": []})
    assert early.status_code == 409
    registration.refresh_from_db()
    assert registration.attended is None


# ---------------------------------------------------------------- calendar feed


def test_the_calendar_address_through_the_api() -> None:
    person = PersonFactory()
    assert call(person, "get", "/calendar-feeds/me").status_code == 404
    created = call(person, "post", "/calendar-feeds/me/reset")
    assert created.status_code == 200
    url = created.json()["url"]
    feed = CalendarFeed.objects.get(person=person)
    assert url.endswith(f"/calendrier/{feed.token}.ics")
    assert call(person, "get", "/calendar-feeds/me").json()["url"] == url
    again = call(person, "post", "/calendar-feeds/me/reset")
    assert again.json()["url"] != url
    assert call(None, "post", "/calendar-feeds/me/reset").status_code == 401
