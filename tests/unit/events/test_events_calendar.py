"""The personal ICS feed: what it holds, what it leaves out, and that it reads back as
valid iCalendar (RFC 5545) with stable UIDs."""

from __future__ import annotations

import datetime
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from cercle.decisions.enums import GroupVisibility, MembershipRule, PollKind, ProposalStatus
from cercle.decisions.models import Group, GroupMembership, Proposal
from cercle.events.calendar import calendar_ics
from cercle.events.enums import RegistrationStatus
from cercle.missions.enums import MemberStatus, RequestStatus
from cercle.missions.models import Positioning
from cercle.network.models import Person
from cercle.reciprocity.enums import DeclarationStatus
from cercle.reciprocity.models import YearlyDeclaration
from tests.factories.events import EventFactory, RegistrationFactory
from tests.factories.missions import QualifiedRequestFactory, TeamFactory, add_member
from tests.factories.network import PersonFactory, SupporterFactory

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def parse(person: Person) -> Calendar:
    return Calendar.from_ical(calendar_ics(person=person))


def by_uid(calendar: Calendar) -> dict[str, Any]:
    return {str(c["UID"]): c for c in calendar.walk("VEVENT")}


def group_with(person: Person) -> Group:
    group = Group.objects.create(
        name="Groupe qualité",
        slug=f"groupe-qualite-{person.pk}",
        kind="working_group",
        membership_rule=MembershipRule.LISTED,
        visibility=GroupVisibility.MEMBERS,
    )
    GroupMembership.objects.create(group=group, person=person)
    return group


def proposal(group: Group, **fields: Any) -> Proposal:
    now = timezone.now()
    values: dict[str, Any] = {
        "group": group,
        "kind": PollKind.PROPOSAL,
        "title": "Adopter la grille qualité",
        "opened_at": now,
        "closes_at": now + timedelta(days=5),
        "status": ProposalStatus.OPEN,
    }
    values.update(fields)
    return Proposal.objects.create(**values)


def declaration(person: Person, **fields: Any) -> YearlyDeclaration:
    values: dict[str, Any] = {
        "person": person,
        "year": 2026,
        "amount_ht": Decimal("150.00"),
        "status": DeclarationStatus.INVOICED,
        "declared_at": timezone.now(),
        "invoiced_at": timezone.now(),
        "due_on": timezone.localdate() + timedelta(days=30),
    }
    values.update(fields)
    return YearlyDeclaration.objects.create(**values)


def test_the_feed_holds_events_deadlines_votes_and_dues() -> None:
    person = SupporterFactory()
    event = EventFactory(
        title="Rencontre; bilan, perspectives",
        description="Ligne 1\nLigne 2, avec virgule; et point-virgule",
    )
    RegistrationFactory(event=event, person=person)
    positioned = QualifiedRequestFactory()
    Positioning.objects.create(request=positioned, person=person)
    team = TeamFactory()
    add_member(team, person)
    group = group_with(person)
    vote = proposal(group)
    due = declaration(person)

    calendar = parse(person)
    items = by_uid(calendar)
    assert set(items) == {
        f"event-{event.uuid}@cercle",
        f"offers-deadline-{positioned.uuid}@cercle",
        f"offers-deadline-{team.request.uuid}@cercle",
        f"proposal-{vote.uuid}@cercle",
        f"declaration-{due.uuid}@cercle",
    }
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar

    ics_event = items[f"event-{event.uuid}@cercle"]
    # Text with commas, semicolons and new lines reads back as written.
    assert str(ics_event["SUMMARY"]) == event.title
    assert str(ics_event["DESCRIPTION"]) == event.description
    assert ics_event["DTSTART"].dt == event.starts_at.replace(microsecond=0)
    assert ics_event["DTSTART"].dt.tzinfo is not None
    assert ics_event["DTEND"].dt == event.ends_at.replace(microsecond=0)
    assert str(ics_event["LOCATION"]) == event.place
    assert str(ics_event["URL"]).endswith(event.get_absolute_url())
    assert ics_event["DTSTAMP"].dt.tzinfo is not None

    deadline = items[f"offers-deadline-{positioned.uuid}@cercle"]
    with translation.override("fr"):
        expected = gettext("Offers due: %(title)s") % {"title": positioned.title}
    assert str(deadline["SUMMARY"]) == expected
    assert deadline["DTSTART"].dt == positioned.offers_deadline.replace(microsecond=0)

    due_item = items[f"declaration-{due.uuid}@cercle"]
    assert due_item["DTSTART"].dt == due.due_on
    assert due_item["DTEND"].dt == due.due_on + timedelta(days=1)
    assert not isinstance(due_item["DTSTART"].dt, datetime.datetime)


def test_the_raw_text_is_rfc5545() -> None:
    person = PersonFactory()
    event = EventFactory(title="Atelier, partage; échanges")
    RegistrationFactory(event=event, person=person)
    raw = calendar_ics(person=person).decode()
    assert raw.startswith("BEGIN:VCALENDAR\r\n")
    assert raw.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Atelier\\, partage\\; échanges\r\n" in raw
    assert f"UID:event-{event.uuid}@cercle\r\n" in raw
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    # Times are written in UTC.
    start = event.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}\r\n" in raw


def test_uids_are_stable_between_two_reads() -> None:
    person = PersonFactory()
    RegistrationFactory(person=person)
    assert set(by_uid(parse(person))) == set(by_uid(parse(person)))


def test_what_the_feed_leaves_out() -> None:
    person = SupporterFactory()
    other = SupporterFactory()
    RegistrationFactory(person=person, status=RegistrationStatus.CANCELLED)
    RegistrationFactory(person=other)
    long_ago = timezone.now() - timedelta(days=400)
    RegistrationFactory(
        person=person,
        event=EventFactory(starts_at=long_ago, ends_at=long_ago + timedelta(hours=2)),
    )
    withdrawn = QualifiedRequestFactory()
    Positioning.objects.create(request=withdrawn, person=person, withdrawn_at=timezone.now())
    cancelled = QualifiedRequestFactory(status=RequestStatus.CANCELLED)
    Positioning.objects.create(request=cancelled, person=person)
    add_member(TeamFactory(), person, status=MemberStatus.DECLINED)
    mine = group_with(person)
    proposal(mine, status=ProposalStatus.CLOSED, closed_at=timezone.now())
    proposal(mine, voters_limited=True)  # limited to others
    proposal(group_with(other))  # a group I am not in
    declaration(person, status=DeclarationStatus.DECLARED, due_on=None, invoiced_at=None)
    declaration(person, year=2025, status=DeclarationStatus.PAID)
    declaration(other)
    assert by_uid(parse(person)) == {}


def test_limited_voters_and_open_groups() -> None:
    person = SupporterFactory()
    elsewhere = Group.objects.create(
        name="Toute l'association",
        slug="toute-l-association",
        kind="association",
        membership_rule=MembershipRule.ALL_MEMBERS,
    )
    open_to_all = proposal(elsewhere)
    limited_group = group_with(SupporterFactory())
    listed = proposal(limited_group, voters_limited=True)
    listed.voters.add(person)
    assert set(by_uid(parse(person))) == {
        f"proposal-{open_to_all.uuid}@cercle",
        f"proposal-{listed.uuid}@cercle",
    }


def test_a_cancelled_event_says_so() -> None:
    person = PersonFactory()
    event = EventFactory(cancelled_at=timezone.now())
    RegistrationFactory(event=event, person=person)
    item = by_uid(parse(person))[f"event-{event.uuid}@cercle"]
    assert str(item["STATUS"]) == "CANCELLED"


def test_the_feed_speaks_the_persons_language() -> None:
    person = PersonFactory()
    person.user.language = "en"
    person.user.save()
    request = QualifiedRequestFactory()
    Positioning.objects.create(request=request, person=person)
    item = by_uid(parse(person))[f"offers-deadline-{request.uuid}@cercle"]
    assert str(item["SUMMARY"]) == f"Offers due: {request.title}"
    person.user.language = "fr"
    person.user.save()
    item = by_uid(parse(person))[f"offers-deadline-{request.uuid}@cercle"]
    assert str(item["SUMMARY"]) == fr("Offers due: %(title)s") % {"title": request.title}
