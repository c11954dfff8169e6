"""The charter's fifth engagement (a yearly exchange on support quality), fulfilled by
attending a yearly seminar.

Why this is not a call to `membership.services.circle.engagement_check_record_evidence`:
that service lets only the member concerned record evidence, refuses a check a steward
already confirmed, and has no way to take evidence back. Here a steward records a fact
(attendance) and must be able to undo it. So the check is kept *derived* from
attendance: for a person and a year, it is done with the event as evidence exactly when
they attended a seminar of that year that was not cancelled (the earliest one is the
evidence), and it goes back to "not yet shown" when the last such attendance is removed
— but only if the evidence came from an event: a check a steward confirmed on other
evidence is left alone.

The follow-up rows are written here, under a lock, with a journal entry, until the
membership app offers a service for evidence recorded by a steward and withdrawn.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.core.transitions import check_transition
from cercle.events.enums import EventKind, RegistrationStatus
from cercle.events.models import Event, Registration
from cercle.membership.enums import ENGAGEMENT_CHECK_TRANSITIONS, EngagementCheckStatus
from cercle.membership.models import CircleMembership, EngagementCheck
from cercle.membership.selectors.circle import current_year
from cercle.network.models import Person
from cercle.network.services import person_of

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


def _check_for(person: Person, year: int) -> EngagementCheck | None:
    from cercle.membership.services.circle import engagement_checks_ensure

    lookup = {"person": person, "year": year, "engagement_code": YEARLY_EXCHANGE}
    check = EngagementCheck.objects.select_for_update().filter(**lookup).first()
    # Follow-up of the current year starts for someone in the circle now.
    if (
        check is None
        and year == current_year()
        and CircleMembership.objects.filter(person=person, ended_at__isnull=True).exists()
    ):
        engagement_checks_ensure(person=person, year=year)
        check = EngagementCheck.objects.select_for_update().filter(**lookup).first()
    return check


def yearly_exchange_sync(*, actor: User, person: Person, year: int) -> EngagementCheck | None:
    """Bring `person`'s yearly-exchange check for `year` in line with their attendance.
    Runs inside the caller's transaction (attendance recording)."""
    check = _check_for(person, year)
    if check is None:
        return None
    source = seminar_attended(person=person, year=year)
    from_event = check.evidence_object_type == EVENT_OBJECT_TYPE
    if source is not None:
        if from_event and check.evidence_object_id == str(source.uuid):
            return check
        if check.status == EngagementCheckStatus.DONE and not from_event:
            return check  # already confirmed by a steward on other evidence
        if check.status != EngagementCheckStatus.DONE:
            check_transition(ENGAGEMENT_CHECK_TRANSITIONS, check.status, EngagementCheckStatus.DONE)
        check.evidence_object_type = EVENT_OBJECT_TYPE
        check.evidence_object_id = str(source.uuid)
        if not check.evidence_note or _is_event_note(check.evidence_note):
            check.evidence_note = _note(source)
        check.status = EngagementCheckStatus.DONE
        check.checked_by = person_of(actor)
        verb = "engagement.fulfilled_by_event"
        payload = {"year": year, "engagement": YEARLY_EXCHANGE, "event": str(source.uuid)}
    elif from_event:
        payload = {
            "year": year,
            "engagement": YEARLY_EXCHANGE,
            "event": check.evidence_object_id,
        }
        check.evidence_object_type = ""
        check.evidence_object_id = ""
        if _is_event_note(check.evidence_note):
            check.evidence_note = ""
        if check.status == EngagementCheckStatus.DONE:
            # Undoing what attendance did, not a steward's review going backwards.
            check.status = EngagementCheckStatus.PENDING
            check.checked_by = None
        verb = "engagement.fulfilment_withdrawn"
    else:
        return check
    check.full_clean()
    check.save()
    journal.record(
        actor=actor,
        verb=verb,
        obj=check,
        payload=payload,
        visibility=Visibility.MEMBERS,
        subject=person.user,
    )
    return check
