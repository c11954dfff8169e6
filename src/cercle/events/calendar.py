"""A person's calendar (RFC 5545): the events they registered for and their deadlines.

Deadlines: offers due on requests they positioned on or are in a team for, the closing
of open proposals they may vote on, and the due date of their invoiced declarations.
Every item has a stable UID (`<kind>-<uuid>@cercle`) so calendar programs update it in
place; times are written in UTC, declarations' due dates as whole days. Five queries
whatever the number of items (plus the viewer's two for group membership).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as IcsEvent

from cercle.events.enums import RegistrationStatus
from cercle.events.models import Registration
from cercle.network.models import Person

# Items that ended long ago are left out, so that the feed stays small.
HISTORY = timedelta(days=180)
PRODID = "-//Cercle//Calendrier du réseau//FR"


@dataclass(frozen=True)
class Item:
    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _link(obj: Any) -> str:
    """The object's page, or nothing while its app does not publish one yet."""
    try:
        return _absolute(obj.get_absolute_url())
    except NoReverseMatch:
        return ""


def _event_items(person: Person, since: datetime) -> list[Item]:
    rows = (
        Registration.objects.filter(
            person=person, status=RegistrationStatus.REGISTERED, event__ends_at__gte=since
        )
        .select_related("event")
        .order_by("event__starts_at")
    )
    items = []
    for row in rows:
        event = row.event
        where = ", ".join(p for p in (event.place, event.online_url) if p)
        items.append(
            Item(
                uid=f"event-{event.uuid}@cercle",
                summary=event.title,
                start=event.starts_at,
                end=event.ends_at,
                description=event.description,
                location=where,
                url=_absolute(event.get_absolute_url()),
                cancelled=event.cancelled_at is not None,
            )
        )
    return items


def _offer_deadline_items(person: Person, since: datetime) -> list[Item]:
    from cercle.missions.enums import MemberStatus, RequestStatus
    from cercle.missions.models import SupportRequest, TeamMember

    in_team = TeamMember.objects.filter(person=person, status=MemberStatus.ACCEPTED).values(
        "request_id"
    )
    requests = (
        SupportRequest.objects.filter(
            Q(positionings__person=person, positionings__withdrawn_at__isnull=True)
            | Q(pk__in=in_team),
            status__in=[RequestStatus.NEW, RequestStatus.QUALIFIED],
            offers_deadline__gte=since,
        )
        .distinct()
        .order_by("offers_deadline")
    )
    return [
        Item(
            uid=f"offers-deadline-{request.uuid}@cercle",
            summary=_("Offers due: %(title)s") % {"title": request.title},
            start=request.offers_deadline,
            description=_("Deadline for offers on the request “%(title)s” (%(client)s).")
            % {"title": request.title, "client": request.client_name},
            url=_link(request),
        )
        for request in requests
    ]


def _proposal_items(person: Person, now: datetime) -> list[Item]:
    from cercle.decisions.enums import ProposalStatus
    from cercle.decisions.models import Group, Proposal
    from cercle.decisions.policies.groups import member_groups_q

    groups = Group.objects.filter(member_groups_q(person.user)).values("pk")
    proposals = (
        Proposal.objects.filter(status=ProposalStatus.OPEN, closes_at__gt=now)
        .filter(Q(voters_limited=True, voters=person) | Q(voters_limited=False, group__in=groups))
        .distinct()
        .order_by("closes_at")
    )
    return [
        Item(
            uid=f"proposal-{proposal.uuid}@cercle",
            summary=_("Vote closes: %(title)s") % {"title": proposal.title},
            start=proposal.closes_at,
            description=_("The proposal “%(title)s” closes: take part before then.")
            % {"title": proposal.title},
            url=_link(proposal),
        )
        for proposal in proposals
    ]


def _declaration_items(person: Person, since: datetime) -> list[Item]:
    from cercle.reciprocity.enums import DeclarationStatus
    from cercle.reciprocity.models import YearlyDeclaration

    declarations = YearlyDeclaration.objects.filter(
        person=person,
        status__in=[DeclarationStatus.INVOICED, DeclarationStatus.PARTIALLY_PAID],
        due_on__isnull=False,
        due_on__gte=since.date(),
    ).order_by("due_on")
    items = []
    for declaration in declarations:
        due = declaration.due_on
        if due is None:  # filtered out above; keeps the type checker informed
            continue
        items.append(
            Item(
                uid=f"declaration-{declaration.uuid}@cercle",
                summary=_("Contribution due for %(year)s") % {"year": declaration.year},
                start=due,
                end=due + timedelta(days=1),
                description=_("Your contribution for %(year)s: %(amount)s € HT.")
                % {"year": declaration.year, "amount": declaration.amount_ht},
            )
        )
    return items


def calendar_items(*, person: Person) -> list[Item]:
    now = timezone.now()
    since = now - HISTORY
    return (
        _event_items(person, since)
        + _offer_deadline_items(person, since)
        + _proposal_items(person, now)
        + _declaration_items(person, since)
    )


def _utc(value: datetime | date) -> datetime | date:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def calendar_ics(*, person: Person) -> bytes:
    """The person's calendar, in their language."""
    language = getattr(person.user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        items = calendar_items(person=person)
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Cercle — %(name)s") % {"name": person.full_name})
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for item in items:
        entry = IcsEvent()
        entry.add("uid", item.uid)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", _utc(item.start))
        if item.end is not None:
            entry.add("dtend", _utc(item.end))
        entry.add("summary", item.summary)
        if item.description:
            entry.add("description", item.description)
        if item.location:
            entry.add("location", item.location)
        if item.url:
            entry.add("url", item.url)
        entry.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(entry)
    return calendar.to_ical()  # type: ignore[no-any-return]
