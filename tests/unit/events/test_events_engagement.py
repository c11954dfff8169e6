"""Attending a yearly seminar fulfils the charter's yearly exchange; removing the mark
takes back what the event fulfilled, and only that."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cercle.core.models import JournalEntry
from cercle.events import services
from cercle.events.engagement import EVENT_OBJECT_TYPE, YEARLY_EXCHANGE
from cercle.membership.enums import EngagementCheckStatus
from cercle.membership.models import EngagementCheck
from tests.factories.events import EventFactory, PastSeminarFactory, RegistrationFactory
from tests.factories.membership_charter import (
    CharterVersionFactory,
    EngagementCheckFactory,
    MemberFactory,
    circle_member,
)
from tests.factories.network import StewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward() -> Any:
    return StewardFactory()


@pytest.fixture
def member() -> Any:
    return circle_member(CharterVersionFactory())


def year() -> int:
    return timezone.localdate().year


def check_of(person: Any) -> EngagementCheck:
    return EngagementCheck.objects.get(person=person, year=year(), engagement_code=YEARLY_EXCHANGE)


def mark(steward: Any, event: Any, *people: Any) -> None:
    services.attendance_record(actor=steward.user, event=event, attended=[p.uuid for p in people])


def test_attending_the_seminar_fulfils_the_yearly_exchange(steward: Any, member: Any) -> None:
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar, person=member)
    mark(steward, seminar, member)
    check = check_of(member)
    assert check.status == EngagementCheckStatus.DONE
    assert (check.evidence_object_type, check.evidence_object_id) == (
        EVENT_OBJECT_TYPE,
        str(seminar.uuid),
    )
    assert seminar.title in check.evidence_note
    assert check.checked_by == steward
    # The other engagements of the year exist and wait.
    assert EngagementCheck.objects.filter(person=member, year=year()).count() == 5
    entry = JournalEntry.objects.get(verb="engagement.fulfilled_by_event")
    assert entry.actor == steward.user
    assert entry.subject == member.user


def test_removing_the_mark_takes_it_back(steward: Any, member: Any) -> None:
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar, person=member)
    mark(steward, seminar, member)
    mark(steward, seminar)
    check = check_of(member)
    assert check.status == EngagementCheckStatus.PENDING
    assert (check.evidence_object_type, check.evidence_object_id, check.evidence_note) == (
        "",
        "",
        "",
    )
    assert check.checked_by is None
    assert JournalEntry.objects.filter(verb="engagement.fulfilment_withdrawn").count() == 1


def test_a_second_seminar_keeps_it_fulfilled(steward: Any, member: Any) -> None:
    first = PastSeminarFactory(starts_at=timezone.now() - timedelta(hours=3))
    second = PastSeminarFactory(starts_at=timezone.now() - timedelta(hours=2))
    for seminar in (first, second):
        RegistrationFactory(event=seminar, person=member)
        mark(steward, seminar, member)
    assert check_of(member).evidence_object_id == str(first.uuid)
    mark(steward, first)
    check = check_of(member)
    assert check.status == EngagementCheckStatus.DONE
    assert check.evidence_object_id == str(second.uuid)
    assert second.title in check.evidence_note


def test_a_check_confirmed_on_other_evidence_is_left_alone(steward: Any, member: Any) -> None:
    confirmed = EngagementCheckFactory(
        person=member,
        engagement_code=YEARLY_EXCHANGE,
        status=EngagementCheckStatus.DONE,
        evidence_url="https://example.org/compte-rendu",
    )
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar, person=member)
    mark(steward, seminar, member)
    mark(steward, seminar)
    confirmed.refresh_from_db()
    assert confirmed.status == EngagementCheckStatus.DONE
    assert confirmed.evidence_object_type == ""
    assert confirmed.evidence_url == "https://example.org/compte-rendu"


def test_the_members_own_note_survives(steward: Any, member: Any) -> None:
    own = EngagementCheckFactory(
        person=member, engagement_code=YEARLY_EXCHANGE, evidence_note="Atelier qualité à Douai."
    )
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar, person=member)
    mark(steward, seminar, member)
    own.refresh_from_db()
    assert own.status == EngagementCheckStatus.DONE
    assert own.evidence_note == "Atelier qualité à Douai."
    mark(steward, seminar)
    own.refresh_from_db()
    assert own.status == EngagementCheckStatus.PENDING
    assert own.evidence_note == "Atelier qualité à Douai."


def test_a_missed_check_becomes_done_on_attendance(steward: Any, member: Any) -> None:
    missed = EngagementCheckFactory(
        person=member, engagement_code=YEARLY_EXCHANGE, status=EngagementCheckStatus.MISSED
    )
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar, person=member)
    mark(steward, seminar, member)
    missed.refresh_from_db()
    assert missed.status == EngagementCheckStatus.DONE


def test_a_meetup_fulfils_nothing(steward: Any, member: Any) -> None:
    meetup = EventFactory(starts_at=timezone.now() - timedelta(hours=1))
    RegistrationFactory(event=meetup, person=member)
    mark(steward, meetup, member)
    assert not EngagementCheck.objects.filter(person=member).exists()


def test_someone_outside_the_circle_gets_no_follow_up(steward: Any) -> None:
    outsider = MemberFactory()
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar, person=outsider)
    mark(steward, seminar, outsider)
    assert not EngagementCheck.objects.filter(person=outsider).exists()


def test_last_years_seminar_updates_last_years_check_only(steward: Any, member: Any) -> None:
    last_year = year() - 1
    old_check = EngagementCheckFactory(
        person=member, year=last_year, engagement_code=YEARLY_EXCHANGE
    )
    start = timezone.make_aware(timezone.datetime(last_year, 11, 20, 9, 0))
    seminar = PastSeminarFactory(starts_at=start, ends_at=start + timedelta(hours=7))
    RegistrationFactory(event=seminar, person=member)
    mark(steward, seminar, member)
    old_check.refresh_from_db()
    assert old_check.status == EngagementCheckStatus.DONE
    assert not EngagementCheck.objects.filter(person=member, year=year()).exists()


def test_a_seminar_turned_into_a_meetup_takes_the_fulfilment_back(
    steward: Any, member: Any
) -> None:
    seminar = PastSeminarFactory()
    RegistrationFactory(event=seminar, person=member)
    mark(steward, seminar, member)
    services.event_update(actor=steward.user, event=seminar, kind="meetup")
    assert check_of(member).status == EngagementCheckStatus.PENDING
    services.event_update(actor=steward.user, event=seminar, kind="seminar")
    assert check_of(member).status == EngagementCheckStatus.DONE
