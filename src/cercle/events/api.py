"""API: events, registrations, attendance and the caller's calendar feed."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.errors import NotFound
from cercle.events import selectors, services
from cercle.events.enums import EventKind, RegistrationStatus
from cercle.events.models import CalendarFeed, Event, Registration

router = Router(tags=["events"])


# ---------------------------------------------------------------- schemas


class EventOut(Schema):
    id: UUID = Field(alias="uuid")
    slug: str
    kind: str
    title: str
    description: str
    agenda: str = Field(description="Markdown.")
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    capacity: int | None = Field(description="Empty when places are not limited.")
    registered_count: int
    registration_closes_at: datetime = Field(
        alias="closes_at", description="The time set, or the start of the event."
    )
    is_public: bool
    cancelled_at: datetime | None
    url: str

    @staticmethod
    def resolve_url(event: Event) -> str:
        return event.get_absolute_url()


class EventIn(Schema):
    kind: EventKind
    title: str = Field(max_length=200)
    description: str = ""
    agenda: str = Field("", description="Markdown.")
    starts_at: datetime
    ends_at: datetime
    place: str = Field("", max_length=300)
    online_url: str = Field("", max_length=200)
    capacity: int | None = Field(None, ge=1, le=100_000)
    registration_closes_at: datetime | None = None
    is_public: bool = True


class EventPatch(Schema):
    """Fields left out keep their value."""

    kind: EventKind | None = None
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    agenda: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = Field(None, max_length=300)
    online_url: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1, le=100_000)
    registration_closes_at: datetime | None = None
    is_public: bool | None = None


class EventCancelIn(Schema):
    reason: str = Field("", max_length=1000)


class EventFilters(Schema):
    period: Literal["upcoming", "past"] = "upcoming"
    kind: EventKind | None = None


class RegistrationOut(Schema):
    id: UUID = Field(alias="uuid")
    event: str
    status: str
    registered_at: datetime
    attended: bool | None

    @staticmethod
    def resolve_event(registration: Registration) -> str:
        return registration.event.slug


class RegistrantOut(Schema):
    person: UUID
    person_slug: str
    name: str
    status: str
    registered_at: datetime
    attended: bool | None

    @staticmethod
    def resolve_person(registration: Registration) -> UUID:
        return registration.person.uuid

    @staticmethod
    def resolve_person_slug(registration: Registration) -> str:
        return registration.person.slug

    @staticmethod
    def resolve_name(registration: Registration) -> str:
        return registration.person.full_name


class AttendanceIn(Schema):
    attended: list[UUID] = Field(
        description="The people (UUIDs) who attended; every other registrant is absent.",
        max_length=10_000,
    )


class CalendarFeedOut(Schema):
    url: str
    created_at: datetime

    @staticmethod
    def resolve_url(feed: CalendarFeed) -> str:
        return settings.SITE_URL + reverse("events:feed", kwargs={"token": feed.token})


# ---------------------------------------------------------------- events


@router.get("/events", response=list[EventOut])
@paginate(Pagination)
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    """Upcoming (soonest first) or past events; anonymous callers see public ones."""
    return selectors.event_list(actor=request.user, period=filters.period, kind=filters.kind or "")


@router.post("/events", response={201: EventOut})
def create_event(request: HttpRequest, payload: EventIn) -> Status[Any]:
    event = services.event_create(actor=authenticated_user(request), **payload.dict())
    return Status(201, selectors.event_get(actor=request.user, slug=event.slug))


@router.get("/events/{slug}", response=EventOut)
def get_event(request: HttpRequest, slug: str) -> Event:
    return selectors.event_get(actor=request.user, slug=slug)


@router.patch("/events/{slug}", response=EventOut)
def update_event(request: HttpRequest, slug: str, payload: EventPatch) -> Event:
    user = authenticated_user(request)
    event = selectors.event_get(actor=user, slug=slug)
    services.event_update(actor=user, event=event, **payload.dict(exclude_unset=True))
    return selectors.event_get(actor=user, slug=slug)


@router.post("/events/{slug}/cancel", response=EventOut)
def cancel_event(request: HttpRequest, slug: str, payload: EventCancelIn) -> Event:
    user = authenticated_user(request)
    event = selectors.event_get(actor=user, slug=slug)
    services.event_cancel(actor=user, event=event, reason=payload.reason)
    return selectors.event_get(actor=user, slug=slug)


# ---------------------------------------------------------------- registrations


@router.get("/events/{slug}/registrations", response=list[RegistrantOut])
@paginate(Pagination)
def list_registrations(request: HttpRequest, slug: str) -> Any:
    """Who registered (stewards)."""
    user = authenticated_user(request)
    event = selectors.event_get(actor=user, slug=slug)
    return selectors.registration_list(actor=user, event=event)


@router.post("/events/{slug}/registrations", response={201: RegistrationOut})
def register(request: HttpRequest, slug: str) -> Status[Any]:
    """Register the caller."""
    user = authenticated_user(request)
    event = selectors.event_get(actor=user, slug=slug)
    return Status(201, services.registration_create(actor=user, event=event))


@router.get("/events/{slug}/registrations/me", response=RegistrationOut)
def my_registration(request: HttpRequest, slug: str) -> Registration:
    user = authenticated_user(request)
    event = selectors.event_get(actor=user, slug=slug)
    registration = selectors.registration_of(actor=user, event=event)
    if registration is None:
        raise NotFound(_("You have not registered for this event."))
    return registration


@router.delete("/events/{slug}/registrations/me", response=RegistrationOut)
def unregister(request: HttpRequest, slug: str) -> Registration:
    """Cancel the caller's registration, until registration closes."""
    user = authenticated_user(request)
    event = selectors.event_get(actor=user, slug=slug)
    return services.registration_cancel(actor=user, event=event)


@router.post("/events/{slug}/attendance", response=list[RegistrantOut])
def record_attendance(request: HttpRequest, slug: str, payload: AttendanceIn) -> Any:
    """Record who attended (stewards), once the event has started. At a yearly seminar
    this fulfils the charter's yearly exchange for the seminar's year."""
    user = authenticated_user(request)
    event = selectors.event_get(actor=user, slug=slug)
    registrations = services.attendance_record(actor=user, event=event, attended=payload.attended)
    return [r for r in registrations if r.status == RegistrationStatus.REGISTERED]


# ---------------------------------------------------------------- calendar feed


@router.get("/calendar-feeds/me", response=CalendarFeedOut)
def my_calendar_feed(request: HttpRequest) -> CalendarFeed:
    """The secret address of the caller's ICS feed (404 until created)."""
    feed = selectors.calendar_feed_of(actor=authenticated_user(request))
    if feed is None:
        raise NotFound(_("You have no calendar address yet."))
    return feed


@router.post("/calendar-feeds/me/reset", response=CalendarFeedOut)
def reset_calendar_feed(request: HttpRequest) -> CalendarFeed:
    """Create the caller's ICS address, or replace it (the old one stops working)."""
    return services.calendar_feed_reset(actor=authenticated_user(request))
