"""Event services: creating, editing, cancelling, registering and the clock rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.core.enums import NotificationFrequency, NotificationKind
from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry, NotificationPreference
from cercle.events import services
from cercle.events.enums import EventKind, RegistrationStatus
from cercle.events.models import CalendarFeed, Event, Registration
from tests.factories.events import EventFactory, RegistrationFactory
from tests.factories.network import PersonFactory, StewardFactory, SupporterFactory

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def wants_mail_at_once(person: Any) -> None:
    """Event notices wait for a digest by default; this person asked for them at once."""
    NotificationPreference.objects.create(
        user=person.user, kind=NotificationKind.EVENT, frequency=NotificationFrequency.IMMEDIATELY
    )


def soon(days: int = 10, hours: int = 0) -> Any:
    return timezone.now() + timedelta(days=days, hours=hours)


def _create(actor: Any, **overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "kind": EventKind.SEMINAR,
        "title": "Séminaire qualité",
        "starts_at": soon(),
        "ends_at": soon(hours=7),
        "place": "Le Moulin partagé, Arras",
    }
    fields.update(overrides)
    return services.event_create(actor=actor.user, **fields)


# ---------------------------------------------------------------- create, edit, cancel


def test_a_steward_creates_an_event_with_a_slug_and_a_journal_entry() -> None:
    steward = StewardFactory()
    event = _create(steward)
    assert event.slug.startswith("seminaire-qualite-")
    assert event.created_by == steward
    assert JournalEntry.objects.filter(verb="event.created", object_id=str(event.uuid)).exists()
    second = _create(steward)
    assert second.slug != event.slug


def test_only_stewards_create_events() -> None:
    with pytest.raises(NotAllowed):
        _create(SupporterFactory())
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": soon(days=9)}, "ends_at"),
        ({"place": "", "online_url": ""}, "place"),
        ({"capacity": 0}, "capacity"),
        ({"registration_closes_at": soon(days=12)}, "registration_closes_at"),
        ({"kind": "party"}, "kind"),
        ({"title": "  "}, "title"),
        ({"online_url": "pas une adresse", "place": ""}, "online_url"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_created(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(StewardFactory(), **overrides)
    assert field in caught.value.message_dict
    assert not Event.objects.exists()


def test_an_online_only_event_needs_no_place() -> None:
    event = _create(StewardFactory(), place="", online_url="https://visio.example.org/qualite")
    assert event.online_url


def test_changing_the_time_tells_the_registrants(django_capture_on_commit_callbacks: Any) -> None:
    event = EventFactory()
    here = RegistrationFactory(event=event)
    gone = RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    wants_mail_at_once(here.person)
    wants_mail_at_once(gone.person)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            actor=StewardFactory().user,
            event=event,
            starts_at=event.starts_at + timedelta(hours=1),
        )
    assert [m.to[0] for m in mail.outbox] == [here.person.user.email]
    assert JournalEntry.objects.filter(verb="event.updated").count() == 1


def test_changing_the_description_tells_nobody(django_capture_on_commit_callbacks: Any) -> None:
    event = EventFactory()
    wants_mail_at_once(RegistrationFactory(event=event).person)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=StewardFactory().user, event=event, description="Autre")
    assert mail.outbox == []


def test_an_unchanged_edit_records_nothing() -> None:
    event = EventFactory()
    services.event_update(actor=StewardFactory().user, event=event, title=event.title)
    assert not JournalEntry.objects.filter(verb="event.updated").exists()


def test_capacity_cannot_drop_below_the_registrations() -> None:
    event = EventFactory(capacity=5)
    RegistrationFactory.create_batch(3, event=event)
    with pytest.raises(ValidationError) as caught:
        services.event_update(actor=StewardFactory().user, event=event, capacity=2)
    assert caught.value.message_dict["capacity"] == [
        fr("More people have already registered than this number of places.")
    ]
    event.refresh_from_db()
    assert event.capacity == 5


def test_cancelling_tells_the_registrants_and_forbids_edits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    wants_mail_at_once(registration.person)
    steward = StewardFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=steward.user, event=event, reason="Salle indisponible")
    assert [m.to[0] for m in mail.outbox] == [registration.person.user.email]
    assert "Salle indisponible" in mail.outbox[0].body
    with pytest.raises(Conflict):
        services.event_update(actor=steward.user, event=event, title="Autre")
    with pytest.raises(Conflict):
        services.event_cancel(actor=steward.user, event=event)


def test_an_event_that_started_cannot_be_cancelled() -> None:
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Conflict):
        services.event_cancel(actor=StewardFactory().user, event=event)


# ---------------------------------------------------------------- registration


def test_registering_and_cancelling() -> None:
    event = EventFactory()
    person = PersonFactory()
    registration = services.registration_create(actor=person.user, event=event)
    assert registration.status == RegistrationStatus.REGISTERED
    with pytest.raises(Conflict):
        services.registration_create(actor=person.user, event=event)
    services.registration_cancel(actor=person.user, event=event)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    # Registering again reuses the row.
    services.registration_create(actor=person.user, event=event)
    assert Registration.objects.filter(event=event, person=person).count() == 1
    verbs = list(
        JournalEntry.objects.filter(verb__startswith="event.")
        .values_list("verb", flat=True)
        .order_by("seq")
    )
    assert verbs == ["event.registered", "event.registration_cancelled", "event.registered"]


def test_a_full_event_refuses_a_registration() -> None:
    event = EventFactory(capacity=1)
    services.registration_create(actor=PersonFactory().user, event=event)
    with pytest.raises(Conflict) as caught:
        services.registration_create(actor=PersonFactory().user, event=event)
    assert caught.value.message == fr("This event is full.")


def test_a_cancelled_place_is_free_again() -> None:
    event = EventFactory(capacity=1)
    first = PersonFactory()
    services.registration_create(actor=first.user, event=event)
    services.registration_cancel(actor=first.user, event=event)
    services.registration_create(actor=PersonFactory().user, event=event)


def test_registration_closes_by_the_clock() -> None:
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(seconds=1))
    person = PersonFactory()
    with pytest.raises(Conflict) as caught:
        services.registration_create(actor=person.user, event=event)
    assert caught.value.message == fr("Registration for this event has closed.")
    RegistrationFactory(event=event, person=person)
    with pytest.raises(Conflict):
        services.registration_cancel(actor=person.user, event=event)


def test_without_a_closing_time_registration_closes_at_the_start() -> None:
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Conflict):
        services.registration_create(actor=PersonFactory().user, event=event)


def test_a_cancelled_event_takes_no_registration() -> None:
    event = EventFactory(cancelled_at=timezone.now())
    with pytest.raises(Conflict):
        services.registration_create(actor=PersonFactory().user, event=event)


def test_members_only_events_are_for_members() -> None:
    event = EventFactory(is_public=False)
    with pytest.raises(NotAllowed):
        services.registration_create(actor=PersonFactory().user, event=event)
    services.registration_create(actor=SupporterFactory().user, event=event)


def test_cancelling_without_a_registration_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        services.registration_cancel(actor=PersonFactory().user, event=EventFactory())


# ---------------------------------------------------------------- attendance


def test_attendance_waits_for_the_start() -> None:
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    with pytest.raises(Conflict):
        services.attendance_record(
            actor=StewardFactory().user, event=event, attended=[registration.person.uuid]
        )


def test_attendance_is_for_stewards_and_registrants_only() -> None:
    event = EventFactory(starts_at=timezone.now() - timedelta(hours=1))
    registration = RegistrationFactory(event=event)
    with pytest.raises(NotAllowed):
        services.attendance_record(
            actor=SupporterFactory().user, event=event, attended=[registration.person.uuid]
        )
    with pytest.raises(ValidationError) as caught:
        services.attendance_record(
            actor=StewardFactory().user, event=event, attended=[PersonFactory().uuid]
        )
    assert "attended" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.attendance_record(actor=StewardFactory().user, event=event, attended=["x"])
    registration.refresh_from_db()
    assert registration.attended is None


def test_attendance_marks_present_and_absent() -> None:
    event = EventFactory(starts_at=timezone.now() - timedelta(hours=1))
    here, away = RegistrationFactory.create_batch(2, event=event)
    steward = StewardFactory()
    services.attendance_record(actor=steward.user, event=event, attended=[here.person.uuid])
    here.refresh_from_db()
    away.refresh_from_db()
    assert (here.attended, away.attended) == (True, False)
    assert here.attendance_recorded_by == steward
    entry = JournalEntry.objects.get(verb="event.attendance_recorded")
    assert entry.payload == {"present": [here.person.slug], "absent": [away.person.slug]}
    # Once present, a registrant cannot withdraw their registration.
    with pytest.raises(Conflict):
        services.registration_cancel(actor=here.person.user, event=event)


# ---------------------------------------------------------------- calendar feed


def test_resetting_the_calendar_address_replaces_the_token() -> None:
    person = PersonFactory()
    feed = services.calendar_feed_reset(actor=person.user)
    old = feed.token
    again = services.calendar_feed_reset(actor=person.user)
    assert again.pk == feed.pk
    assert again.token != old
    assert CalendarFeed.objects.filter(token=old).count() == 0
