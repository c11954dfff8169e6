"""Every write on events: creating, editing and cancelling them, registrations,
attendance (and with it the charter's yearly exchange), and calendar feeds.

Clock rules live here, not in templates: registration and its cancellation are refused
from the moment registration closes (`Event.closes_at`), attendance is recorded only
once the event has started. Places are counted under a lock on the event's row, so two
people taking the last place at once cannot both get it.

No waiting list: a full event refuses new registrations; a place freed by a
cancellation is open to the next person who registers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.events.engagement import yearly_exchange_sync
from cercle.events.enums import EventKind, RegistrationStatus
from cercle.events.models import CalendarFeed, Event, Registration, new_feed_token
from cercle.events.policies import (
    check_can_have_calendar,
    check_can_manage_events,
    check_can_record_attendance,
    check_can_register,
)
from cercle.network.models import Person
from cercle.network.services import person_of

# Fields a steward may set; changing one of `NOTIFIED_FIELDS` tells the registrants.
EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "agenda",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "registration_closes_at",
    "is_public",
)
NOTIFIED_FIELDS = ("title", "starts_at", "ends_at", "place", "online_url")


def _unique_slug(title: str, starts_at: datetime | None) -> str:
    year = timezone.localtime(starts_at).year if starts_at else timezone.localdate().year
    base = slugify(f"{title} {year}")[:100].strip("-") or "evenement"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_text(value: Any) -> str:
    return str(value or "").strip()


def _registered_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()


def _registrant_users(event: Event) -> list[User]:
    people = Person.objects.filter(
        registrations__event=event, registrations__status=RegistrationStatus.REGISTERED
    ).select_related("user")
    return [p.user for p in people]


def _when(value: datetime) -> str:
    """A neutral way to write a time in an e-mail's (JSON) context."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------- events


def event_create(
    *,
    actor: User,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    agenda: str = "",
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
    registration_closes_at: datetime | None = None,
    is_public: bool = True,
) -> Event:
    check_can_manage_events(actor)
    person = person_of(actor)
    event = Event(
        kind=kind,
        title=_clean_text(title),
        description=_clean_text(description),
        agenda=_clean_text(agenda),
        starts_at=starts_at,
        ends_at=ends_at,
        place=_clean_text(place),
        online_url=_clean_text(online_url),
        capacity=capacity,
        registration_closes_at=registration_closes_at,
        is_public=bool(is_public),
        created_by=person,
    )
    event.slug = _unique_slug(event.title, starts_at)
    event.full_clean()
    with transaction.atomic():
        event.save()
        journal.record(
            actor=actor,
            verb="event.created",
            obj=event,
            payload={"kind": event.kind, "starts_at": event.starts_at, "public": event.is_public},
            visibility=Visibility.PUBLIC if event.is_public else Visibility.MEMBERS,
        )
    return event


def event_update(*, actor: User, event: Event, **changes: Any) -> Event:
    """Change some fields (those left out keep their value); registrants hear of a new
    title, time or place."""
    check_can_manage_events(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": [_("These fields cannot be changed here.")]})
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("This event was cancelled; it can no longer be changed."))
        before = {f: getattr(locked, f) for f in EDITABLE_FIELDS}
        for field, value in changes.items():
            if field in ("title", "description", "agenda", "place", "online_url"):
                value = _clean_text(value)
            setattr(locked, field, value)
        locked.full_clean()
        if locked.capacity is not None and locked.capacity < _registered_count(locked):
            raise ValidationError(
                {"capacity": [_("More people have already registered than this number of places.")]}
            )
        changed = [f for f in EDITABLE_FIELDS if getattr(locked, f) != before[f]]
        if not changed:
            return locked
        locked.save(update_fields=changed)
        journal.record(
            actor=actor,
            verb="event.updated",
            obj=locked,
            payload={"fields": changed},
            visibility=Visibility.PUBLIC if locked.is_public else Visibility.MEMBERS,
        )
        if {"kind", "starts_at"} & set(changed):
            _resync_attendees(actor, locked, before["kind"], before["starts_at"])
        if any(f in NOTIFIED_FIELDS for f in changed):
            notify(
                users=_registrant_users(locked),
                kind=NotificationKind.EVENT,
                subject=gettext_lazy("An event you registered for has changed"),
                template="events/email/event_changed.txt",
                context={
                    "title": locked.title,
                    "starts": _when(locked.starts_at),
                    "ends": _when(locked.ends_at),
                    "place": locked.place,
                    "online_url": locked.online_url,
                    "url": locked.get_absolute_url(),
                },
                url=locked.get_absolute_url(),
            )
    return locked


def _resync_attendees(actor: User, event: Event, old_kind: str, old_start: datetime) -> None:
    """A seminar that becomes a meet-up, or moves to another year, changes what its
    attendance fulfilled."""
    if EventKind.SEMINAR not in (old_kind, event.kind):
        return
    years = {timezone.localtime(old_start).year, timezone.localtime(event.starts_at).year}
    attendees = Person.objects.filter(
        registrations__event=event,
        registrations__attended=True,
        registrations__status=RegistrationStatus.REGISTERED,
    ).select_related("user")
    for person in attendees:
        for year in sorted(years):
            yearly_exchange_sync(actor=actor, person=person, year=year)


def event_cancel(*, actor: User, event: Event, reason: str = "") -> Event:
    """Cancel an event that has not started; its registrants are told."""
    check_can_manage_events(actor)
    reason = _clean_text(reason)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("This event is already cancelled."))
        now = timezone.now()
        if now >= locked.starts_at:
            raise Conflict(_("This event has already started; it can no longer be cancelled."))
        locked.cancelled_at = now
        locked.save(update_fields=["cancelled_at"])
        journal.record(
            actor=actor,
            verb="event.cancelled",
            obj=locked,
            payload={"reason": reason},
            visibility=Visibility.PUBLIC if locked.is_public else Visibility.MEMBERS,
        )
        notify(
            users=_registrant_users(locked),
            kind=NotificationKind.EVENT,
            subject=gettext_lazy("An event you registered for is cancelled"),
            template="events/email/event_cancelled.txt",
            context={
                "title": locked.title,
                "starts": _when(locked.starts_at),
                "reason": reason,
                "url": locked.get_absolute_url(),
            },
            url=locked.get_absolute_url(),
        )
    return locked


# ---------------------------------------------------------------- registrations


def _check_open(event: Event, now: datetime) -> None:
    if event.cancelled_at is not None:
        raise Conflict(_("This event was cancelled."))
    if now >= event.closes_at:
        raise Conflict(_("Registration for this event has closed."))


def registration_create(*, actor: User, event: Event) -> Registration:
    """Register the actor; refused when registration has closed or the event is full."""
    check_can_register(actor, event)
    person = person_of(actor)
    with transaction.atomic():
        # The lock on the event serialises everyone counting its places.
        locked = Event.objects.select_for_update().get(pk=event.pk)
        now = timezone.now()
        _check_open(locked, now)
        registration = Registration.objects.filter(event=locked, person=person).first()
        if registration is not None and registration.status == RegistrationStatus.REGISTERED:
            raise Conflict(_("You are already registered for this event."))
        if locked.capacity is not None and _registered_count(locked) >= locked.capacity:
            raise Conflict(_("This event is full."))
        if registration is None:
            registration = Registration(event=locked, person=person)
        registration.status = RegistrationStatus.REGISTERED
        registration.registered_at = now
        registration.full_clean(validate_constraints=False)
        registration.save()
        journal.record(
            actor=actor,
            verb="event.registered",
            obj=registration,
            payload={"event": str(locked.uuid)},
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
    return registration


def registration_cancel(*, actor: User, event: Event) -> Registration:
    """Withdraw the actor's registration, until registration closes."""
    person = person_of(actor)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        registration = Registration.objects.filter(
            event=locked, person=person, status=RegistrationStatus.REGISTERED
        ).first()
        if registration is None:
            raise Conflict(_("You are not registered for this event."))
        _check_open(locked, timezone.now())
        if registration.attended:
            raise Conflict(_("Your attendance is already recorded."))
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        journal.record(
            actor=actor,
            verb="event.registration_cancelled",
            obj=registration,
            payload={"event": str(locked.uuid)},
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
    return registration


# ---------------------------------------------------------------- attendance


def _parse_ids(values: Iterable[Any]) -> set[UUID]:
    ids: set[UUID] = set()
    for value in values:
        try:
            ids.add(value if isinstance(value, UUID) else UUID(str(value)))
        except ValueError as error:
            raise ValidationError({"attended": [_("Enter valid identifiers.")]}) from error
    return ids


def attendance_record(*, actor: User, event: Event, attended: Iterable[Any]) -> list[Registration]:
    """Record who attended: the people listed (by their UUID) attended, every other
    registrant did not. Only once the event has started.

    At a yearly seminar, attendance fulfils the charter's yearly exchange for the
    seminar's year, and removing it withdraws what this event had fulfilled.
    """
    check_can_record_attendance(actor, event)
    wanted = _parse_ids(attended)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("This event was cancelled."))
        now = timezone.now()
        if now < locked.starts_at:
            raise Conflict(_("Attendance can be recorded once the event has started."))
        registrations = list(
            Registration.objects.filter(
                event=locked, status=RegistrationStatus.REGISTERED
            ).select_related("person__user")
        )
        known = {r.person.uuid for r in registrations}
        strangers = wanted - known
        if strangers:
            raise ValidationError(
                {"attended": [_("Only people registered for the event can be marked present.")]}
            )
        steward = person_of(actor)
        changed: list[Registration] = []
        for registration in registrations:
            present = registration.person.uuid in wanted
            if registration.attended is present:
                continue
            registration.attended = present
            registration.attendance_recorded_by = steward
            registration.attendance_recorded_at = now
            registration.save(
                update_fields=["attended", "attendance_recorded_by", "attendance_recorded_at"]
            )
            changed.append(registration)
        if changed:
            journal.record(
                actor=actor,
                verb="event.attendance_recorded",
                obj=locked,
                payload={
                    "present": sorted(r.person.slug for r in changed if r.attended),
                    "absent": sorted(r.person.slug for r in changed if not r.attended),
                },
                visibility=Visibility.MEMBERS,
            )
        if locked.kind == EventKind.SEMINAR:
            year = timezone.localtime(locked.starts_at).year
            for registration in changed:
                yearly_exchange_sync(actor=actor, person=registration.person, year=year)
    return registrations


# ---------------------------------------------------------------- calendar feed


def calendar_feed_reset(*, actor: User) -> CalendarFeed:
    """Give the actor a calendar address, or a new one (the old address stops working)."""
    check_can_have_calendar(actor)
    person = person_of(actor)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
        created = feed is None
        if feed is None:
            feed = CalendarFeed(person=person)
        else:
            feed.token = new_feed_token()
        feed.save()
        journal.record(
            actor=actor,
            verb="calendar.created" if created else "calendar.reset",
            object_type="events.calendarfeed",
            object_id=str(person.uuid),
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
    return feed
