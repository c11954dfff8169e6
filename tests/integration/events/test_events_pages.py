"""Event pages through the test client: lists, detail, the stewards' forms, registration,
attendance and the calendar page and feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from icalendar import Calendar

from cercle.events.enums import RegistrationStatus
from cercle.events.models import CalendarFeed, Event, Registration
from tests.factories.events import (
    CalendarFeedFactory,
    EventFactory,
    PastSeminarFactory,
    RegistrationFactory,
)
from tests.factories.network import PersonFactory, StewardFactory, SupporterFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def page(response: Any) -> str:
    return response.content.decode()


def local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def event_post(**overrides: Any) -> dict[str, Any]:
    starts = timezone.now() + timedelta(days=20)
    data: dict[str, Any] = {
        "kind": "seminar",
        "title": "Séminaire qualité d'automne",
        "description": "Deux jours pour relire nos accompagnements.",
        "agenda": "- Accueil\n- Retours d'expérience",
        "starts_at": local(starts),
        "ends_at": local(starts + timedelta(hours=8)),
        "place": "La Fabrique du Coin, Béthune",
        "online_url": "",
        "capacity": "40",
        "registration_closes_at": "",
        "is_public": "on",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- list and detail


def test_anonymous_visitors_see_public_upcoming_events_only() -> None:
    public = EventFactory(title="Rencontre publique")
    EventFactory(title="Rencontre des membres", is_public=False)
    past = EventFactory(
        title="Rencontre passée",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )
    response = Client().get("/evenements/")
    assert response.status_code == 200
    body = page(response)
    assert public.title in body
    assert "Rencontre des membres" not in body
    assert past.title not in body
    past_page = page(Client().get("/evenements/?period=past"))
    assert past.title in past_page
    assert public.title not in past_page


def test_members_see_members_only_events() -> None:
    EventFactory(title="Rencontre des membres", is_public=False)
    assert "Rencontre des membres" in page(logged_in(SupporterFactory()).get("/evenements/"))


def test_a_bad_filter_is_a_400() -> None:
    assert Client().get("/evenements/?period=demain").status_code == 400


def test_members_only_detail_is_refused_to_anonymous_visitors() -> None:
    event = EventFactory(is_public=False)
    assert Client().get(event.get_absolute_url()).status_code == 403
    assert logged_in(SupporterFactory()).get(event.get_absolute_url()).status_code == 200


def test_an_unknown_event_is_a_404() -> None:
    assert Client().get("/evenements/nexiste-pas/").status_code == 404


def test_the_detail_page_shows_places_and_a_register_button() -> None:
    event = EventFactory(capacity=10, online_url="https://visio.example.org/salle")
    RegistrationFactory.create_batch(3, event=event)
    response = logged_in(PersonFactory()).get(event.get_absolute_url())
    body = page(response)
    assert response.status_code == 200
    assert f"/evenements/{event.slug}/inscription/" in body
    # The online link is for the people registered.
    assert "https://visio.example.org/salle" not in body
    assert "Accueil" in body  # the agenda


def test_the_agenda_is_markdown_rendered_and_sanitised() -> None:
    event = EventFactory(agenda="- **Accueil** café\n- Atelier <script>alert(1)</script>")
    body = page(Client().get(event.get_absolute_url()))
    assert "<li><strong>Accueil</strong> café</li>" in body
    assert "<script>alert(1)</script>" not in body


def test_list_and_detail_queries_do_not_grow(django_assert_max_num_queries: Any) -> None:
    viewer = logged_in(StewardFactory())

    def counts() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as listing:
            assert viewer.get("/evenements/").status_code == 200
        event = Event.objects.order_by("pk").first()
        assert event is not None
        with CaptureQueriesContext(connection) as detail:
            assert viewer.get(event.get_absolute_url()).status_code == 200
        return len(listing), len(detail)

    first = EventFactory()
    RegistrationFactory.create_batch(2, event=first)
    small = counts()
    for _ in range(20):
        RegistrationFactory.create_batch(3, event=EventFactory())
    RegistrationFactory.create_batch(30, event=first)
    assert counts() == small
    with django_assert_max_num_queries(12):
        viewer.get("/evenements/")


# ---------------------------------------------------------------- stewards' forms


def test_a_steward_publishes_an_event() -> None:
    client = logged_in(StewardFactory())
    assert client.get("/evenements/nouveau/").status_code == 200
    response = client.post("/evenements/nouveau/", event_post())
    assert response.status_code == 302
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert event.capacity == 40
    assert event.is_public


def test_the_form_refuses_bad_input_with_400_and_creates_nothing() -> None:
    client = logged_in(StewardFactory())
    response = client.post("/evenements/nouveau/", event_post(place="", online_url=""))
    assert response.status_code == 400
    assert escape(fr("Give a place, an online link, or both.")) in page(response)
    response = client.post("/evenements/nouveau/", {})
    assert response.status_code == 400
    starts = timezone.now() + timedelta(days=5)
    response = client.post(
        "/evenements/nouveau/",
        event_post(starts_at=local(starts), ends_at=local(starts - timedelta(hours=1))),
    )
    assert response.status_code == 400
    assert escape(fr("The event must end after it starts.")) in page(response)
    assert not Event.objects.exists()


def test_members_cannot_open_the_stewards_forms() -> None:
    client = logged_in(SupporterFactory())
    event = EventFactory()
    assert client.get("/evenements/nouveau/").status_code == 403
    assert client.post("/evenements/nouveau/", event_post()).status_code == 403
    assert client.get(f"/evenements/{event.slug}/modifier/").status_code == 403
    assert client.post(f"/evenements/{event.slug}/annuler/", {}).status_code == 403
    assert client.get(f"/evenements/{event.slug}/presences/").status_code == 403
    assert not Event.objects.exclude(pk=event.pk).exists()


def test_a_steward_edits_an_event() -> None:
    event = EventFactory()
    client = logged_in(StewardFactory())
    assert client.get(f"/evenements/{event.slug}/modifier/").status_code == 200
    data = event_post(
        kind=event.kind,
        title="Nouveau titre",
        starts_at=local(event.starts_at),
        ends_at=local(event.ends_at),
    )
    response = client.post(f"/evenements/{event.slug}/modifier/", data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Nouveau titre"


def test_editing_a_cancelled_event_is_a_409() -> None:
    event = EventFactory(cancelled_at=timezone.now())
    data = event_post(starts_at=local(event.starts_at), ends_at=local(event.ends_at))
    response = logged_in(StewardFactory()).post(f"/evenements/{event.slug}/modifier/", data)
    assert response.status_code == 409


def test_a_steward_cancels_an_event() -> None:
    event = EventFactory()
    client = logged_in(StewardFactory())
    response = client.post(f"/evenements/{event.slug}/annuler/", {"reason": "Grève des trains"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None
    again = client.post(f"/evenements/{event.slug}/annuler/", {"reason": ""})
    assert again.status_code == 409
    assert escape(fr("This event is already cancelled.")) in page(again)


# ---------------------------------------------------------------- registration


def test_registering_and_cancelling_from_the_page() -> None:
    event = EventFactory(online_url="https://visio.example.org/salle")
    person = PersonFactory()
    client = logged_in(person)
    response = client.post(f"/evenements/{event.slug}/inscription/")
    assert response.status_code == 302
    assert Registration.objects.get(event=event, person=person).status == "registered"
    detail = page(client.get(event.get_absolute_url()))
    assert "https://visio.example.org/salle" in detail
    assert f"/evenements/{event.slug}/desinscription/" in detail
    again = client.post(f"/evenements/{event.slug}/inscription/")
    assert again.status_code == 409
    assert escape(fr("You are already registered for this event.")) in page(again)
    assert client.post(f"/evenements/{event.slug}/desinscription/").status_code == 302
    registration = Registration.objects.get(event=event, person=person)
    assert registration.status == RegistrationStatus.CANCELLED


def test_a_full_event_answers_409() -> None:
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    response = logged_in(PersonFactory()).post(f"/evenements/{event.slug}/inscription/")
    assert response.status_code == 409
    assert escape(fr("This event is full.")) in page(response)
    assert Registration.objects.filter(event=event).count() == 1


def test_registering_needs_a_login_and_a_post() -> None:
    event = EventFactory()
    assert Client().post(f"/evenements/{event.slug}/inscription/").status_code == 302
    assert (
        logged_in(PersonFactory()).get(f"/evenements/{event.slug}/inscription/").status_code == 405
    )
    assert not Registration.objects.exists()


# ---------------------------------------------------------------- attendance


def test_attendance_checklist() -> None:
    seminar = PastSeminarFactory()
    here, away = RegistrationFactory.create_batch(2, event=seminar)
    client = logged_in(StewardFactory())
    url = f"/evenements/{seminar.slug}/presences/"
    body = page(client.get(url))
    assert here.person.full_name in body
    response = client.post(url, {"attended": [str(here.person.uuid)]})
    assert response.status_code == 302
    here.refresh_from_db()
    away.refresh_from_db()
    assert (here.attended, away.attended) == (True, False)


def test_the_attendance_page_queries_do_not_grow(django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seminar = PastSeminarFactory()
    client = logged_in(StewardFactory())
    url = f"/evenements/{seminar.slug}/presences/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    RegistrationFactory.create_batch(2, event=seminar)
    small = count()
    RegistrationFactory.create_batch(40, event=seminar)
    assert count() == small
    with django_assert_max_num_queries(10):
        client.get(url)


def test_an_empty_checklist_means_nobody_attended() -> None:
    seminar = PastSeminarFactory()
    registration = RegistrationFactory(event=seminar, attended=True)
    response = logged_in(StewardFactory()).post(f"/evenements/{seminar.slug}/presences/", {})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attended is False


def test_attendance_refuses_strangers_and_early_marks() -> None:
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar)
    client = logged_in(StewardFactory())
    url = f"/evenements/{seminar.slug}/presences/"
    stranger = str(PersonFactory().uuid)
    assert client.post(url, {"attended": [stranger]}).status_code == 400
    future = EventFactory()
    registration = RegistrationFactory(event=future)
    response = client.post(
        f"/evenements/{future.slug}/presences/", {"attended": [str(registration.person.uuid)]}
    )
    assert response.status_code == 409
    assert escape(fr("Attendance can be recorded once the event has started.")) in page(response)
    registration.refresh_from_db()
    assert registration.attended is None


# ---------------------------------------------------------------- calendar


def test_the_calendar_page_creates_and_replaces_the_address() -> None:
    person = PersonFactory()
    client = logged_in(person)
    body = page(client.get("/evenements/calendrier/"))
    assert "/calendrier/" not in body.split("<main", 1)[1].split("</main>")[0].replace(
        "/evenements/calendrier/", ""
    )
    assert client.post("/evenements/calendrier/").status_code == 302
    feed = CalendarFeed.objects.get(person=person)
    assert f"/calendrier/{feed.token}.ics" in page(client.get("/evenements/calendrier/"))
    old = feed.token
    client.post("/evenements/calendrier/")
    feed.refresh_from_db()
    assert feed.token != old
    assert Client().get(f"/calendrier/{old}.ics").status_code == 404


def test_the_calendar_page_needs_a_login() -> None:
    assert Client().get("/evenements/calendrier/").status_code == 302


def test_the_feed_is_served_without_login(django_assert_max_num_queries: Any) -> None:
    feed = CalendarFeedFactory()
    event = EventFactory()
    RegistrationFactory(event=event, person=feed.person)
    with django_assert_max_num_queries(10):
        response = Client().get(f"/calendrier/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert [str(c["UID"]) for c in calendar.walk("VEVENT")] == [f"event-{event.uuid}@cercle"]


def test_the_feed_queries_do_not_grow() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    feed = CalendarFeedFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(f"/calendrier/{feed.token}.ics").status_code == 200
        return len(queries)

    RegistrationFactory(person=feed.person)
    small = count()
    for _ in range(15):
        RegistrationFactory(person=feed.person)
    assert count() == small


def test_a_wrong_token_is_a_404() -> None:
    assert Client().get("/calendrier/" + "x" * 32 + ".ics").status_code == 404
    assert Client().get("/calendrier/court.ics").status_code == 404
