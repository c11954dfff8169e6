"""Factories for events, registrations and calendar feeds (built without services)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from cercle.events.enums import EventKind, RegistrationStatus
from cercle.events.models import CalendarFeed, Event, Registration
from tests.factories.network import PersonFactory, StewardFactory


class EventFactory(factory.django.DjangoModelFactory):
    """A public meet-up in a fortnight, registration open until it starts."""

    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"rencontre-{n}")
    kind = EventKind.MEETUP
    title = factory.Sequence(lambda n: f"Rencontre des tiers-lieux n°{n}")
    description = "Une journée pour partager nos pratiques."
    agenda = "- Accueil\n- Ateliers\n- Clôture"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    place = "La Grange aux Savoirs, 12 rue des Peupliers, Lille"
    capacity = None
    is_public = True
    created_by = factory.SubFactory(StewardFactory)


class SeminarFactory(EventFactory):
    kind = EventKind.SEMINAR
    title = factory.Sequence(lambda n: f"Séminaire annuel sur la qualité n°{n}")
    slug = factory.Sequence(lambda n: f"seminaire-{n}")


class PastSeminarFactory(SeminarFactory):
    """A seminar that started two hours ago (attendance can be recorded), this year."""

    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    status = RegistrationStatus.REGISTERED
    registered_at = factory.LazyFunction(timezone.now)


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    person = factory.SubFactory(PersonFactory)
