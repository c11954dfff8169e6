"""Reads on events that the pages and the API share."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.events.enums import RegistrationStatus
from cercle.events.models import CalendarFeed, Event, Registration
from cercle.events.policies import (
    check_can_view_event,
    check_can_view_registrations,
    visible_events_q,
)
from cercle.membership.viewer import viewer_for

UPCOMING = "upcoming"
PAST = "past"


def _with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        )
    )


def event_list(*, actor: Any, period: str = UPCOMING, kind: str = "") -> QuerySet[Event]:
    """Events the actor may read: upcoming (not yet ended, soonest first) or past (the
    most recent first), with `registered_count`."""
    now = timezone.now()
    events = Event.objects.filter(visible_events_q(actor))
    if kind:
        events = events.filter(kind=kind)
    if period == PAST:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return _with_counts(events)


def event_get(*, actor: Any, slug: str) -> Event:
    event = _with_counts(Event.objects.filter(slug=slug)).select_related("created_by").first()
    if event is None:
        raise NotFound(_("This event does not exist."))
    check_can_view_event(actor, event)
    return event


def registration_of(*, actor: Any, event: Event) -> Registration | None:
    """The actor's own registration (active or cancelled), if any."""
    person = viewer_for(actor).person
    if person is None:
        return None
    return Registration.objects.filter(event=event, person=person).first()


def registration_list(*, actor: Any, event: Event) -> QuerySet[Registration]:
    """Who registered (stewards): active registrations first ("registered" sorts after
    "cancelled"), by name."""
    check_can_view_registrations(actor, event)
    return (
        Registration.objects.filter(event=event)
        .select_related("person", "attendance_recorded_by")
        .order_by("-status", "person__last_name", "person__first_name", "pk")
    )


def calendar_feed_of(*, actor: Any) -> CalendarFeed | None:
    person = viewer_for(actor).person
    if person is None:
        return None
    return CalendarFeed.objects.filter(person=person).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed:
    feed = (
        CalendarFeed.objects.filter(token=token).select_related("person__user").first()
        if token
        else None
    )
    if feed is None or not feed.person.user.is_active:
        raise NotFound(_("This calendar address does not exist or was replaced."))
    return feed
