"""The charter's fifth engagement (a yearly exchange on support quality), fulfilled by
attending a yearly seminar.

The check is kept *derived* from attendance: for a person and a year, it is done with
the event as evidence exactly when they attended a seminar of that year that was not
cancelled (the earliest one is the evidence), and it goes back to "not yet shown" when
the last such attendance is removed — but only if the evidence came from an event. The
membership app writes the check (`engagement_evidence.engagement_check_sync_derived`);
this module says which seminar, if any, is the evidence.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cercle.core.models import User
from cercle.events.enums import EventKind, RegistrationStatus
from cercle.events.models import Event, Registration
from cercle.membership.models import EngagementCheck
from cercle.membership.services.engagement_evidence import (
    DerivedEvidence,
    engagement_check_sync_derived,
)
from cercle.network.models import Person

YEARLY_EXCHANGE = "yearly-exchange"
EVENT_OBJECT_TYPE = "events.event"


def seminar_attended(*, person: Person, year: int) -> Event | None:
    """The earliest seminar of `year` (not cancelled) that `person` attended."""
    first = (
        Registration.objects.filter(
            person=person,
            attended=True,
            status=RegistrationStatus.REGISTERED,
            event__kind=EventKind.SEMINAR,
            event__cancelled_at__isnull=True,
            event__starts_at__gte=_new_year(year),
            event__starts_at__lt=_new_year(year + 1),
        )
        .select_related("event")
        .order_by("event__starts_at", "event__pk")
        .first()
    )
    return first.event if first is not None else None


def _new_year(year: int) -> datetime:
    """Midnight on 1 January in the network's time zone."""
    return timezone.make_aware(datetime(year, 1, 1))


def _note_template() -> str:
    # In the site's language, whoever records it, so that the note can be recognised.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Attended the yearly seminar “%(title)s” on %(date)s.")


def _note(event: Event) -> str:
    return _note_template() % {
        "title": event.title,
        "date": timezone.localtime(event.starts_at).date().isoformat(),
    }


def _is_event_note(text: str) -> bool:
    """Whether a note is one this module wrote (the event may have been renamed since)."""
    prefix = _note_template().split("%(")[0]
    return bool(prefix) and text.startswith(prefix)


def yearly_exchange_sync(*, actor: User, person: Person, year: int) -> EngagementCheck | None:
    """Bring `person`'s yearly-exchange check for `year` in line with their attendance.
    Runs inside the caller's transaction (attendance recording)."""
    source = seminar_attended(person=person, year=year)
    return engagement_check_sync_derived(
        actor=actor,
        person=person,
        year=year,
        engagement_code=YEARLY_EXCHANGE,
        object_type=EVENT_OBJECT_TYPE,
        evidence=None
        if source is None
        else DerivedEvidence(
            object_type=EVENT_OBJECT_TYPE, object_id=str(source.uuid), note=_note(source)
        ),
        is_own_note=_is_event_note,
    )
