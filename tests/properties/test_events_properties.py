"""Properties of events.

- For any sequence of registrations and cancellations by a few people, the places
  taken never exceed the capacity, and the services agree with a small model.
- For any sequence of attendance checklists over a few seminars of the year, the
  yearly-exchange check is done exactly when the member attended one of them, and then
  its evidence points at the earliest seminar they attended.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cercle.core.errors import Conflict
from cercle.events import services
from cercle.events.engagement import EVENT_OBJECT_TYPE, YEARLY_EXCHANGE
from cercle.events.enums import RegistrationStatus
from cercle.events.models import Registration
from cercle.membership.enums import EngagementCheckStatus
from cercle.membership.models import EngagementCheck
from tests.factories.events import EventFactory, PastSeminarFactory, RegistrationFactory
from tests.factories.membership_charter import CharterVersionFactory, circle_member
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the test's database, whatever the previous one did."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


PEOPLE = 5


@HYPOTHESIS
@given(
    capacity=st.integers(min_value=1, max_value=3),
    steps=st.lists(
        st.tuples(st.sampled_from(["register", "cancel"]), st.integers(0, PEOPLE - 1)),
        max_size=25,
    ),
)
def test_registrations_never_exceed_capacity(
    capacity: int, steps: list[tuple[str, int]], db: Any
) -> None:
    with rolled_back():
        event = EventFactory(capacity=capacity)
        people = [PersonFactory() for _ in range(PEOPLE)]
        registered: set[int] = set()
        for action, who in steps:
            user = people[who].user
            if action == "register":
                expect_ok = who not in registered and len(registered) < capacity
                try:
                    services.registration_create(actor=user, event=event)
                except Conflict:
                    assert not expect_ok
                else:
                    assert expect_ok
                    registered.add(who)
            else:
                expect_ok = who in registered
                try:
                    services.registration_cancel(actor=user, event=event)
                except Conflict:
                    assert not expect_ok
                else:
                    assert expect_ok
                    registered.discard(who)
            taken = Registration.objects.filter(
                event=event, status=RegistrationStatus.REGISTERED
            ).count()
            assert taken == len(registered) <= capacity


SEMINARS = 3


@HYPOTHESIS
@given(
    checklists=st.lists(
        st.tuples(st.integers(0, SEMINARS - 1), st.booleans()), min_size=1, max_size=12
    ),
    confirmed_first=st.booleans(),
)
def test_attendance_toggles_keep_the_yearly_exchange_consistent(
    checklists: list[tuple[int, bool]], confirmed_first: bool, db: Any
) -> None:
    with rolled_back():
        member = circle_member(CharterVersionFactory())
        steward = StewardFactory()
        now = timezone.now()
        seminars = [
            PastSeminarFactory(starts_at=now - timedelta(minutes=30 - i)) for i in range(SEMINARS)
        ]
        for seminar in seminars:
            RegistrationFactory(event=seminar, person=member)
        year = timezone.localtime(seminars[0].starts_at).year
        if confirmed_first:
            # A steward confirmed the engagement on other evidence before any seminar.
            EngagementCheck.objects.create(
                person=member,
                year=year,
                engagement_code=YEARLY_EXCHANGE,
                status=EngagementCheckStatus.DONE,
                evidence_url="https://example.org/atelier",
            )
        present: set[int] = set()
        for index, attended in checklists:
            services.attendance_record(
                actor=steward.user,
                event=seminars[index],
                attended=[member.uuid] if attended else [],
            )
            (present.add if attended else present.discard)(index)
            check = EngagementCheck.objects.get(
                person=member, year=year, engagement_code=YEARLY_EXCHANGE
            )
            if confirmed_first:
                assert check.status == EngagementCheckStatus.DONE
                assert check.evidence_object_type == ""
                assert check.evidence_url == "https://example.org/atelier"
            elif present:
                assert check.status == EngagementCheckStatus.DONE
                assert check.evidence_object_type == EVENT_OBJECT_TYPE
                assert check.evidence_object_id == str(seminars[min(present)].uuid)
            else:
                assert check.status == EngagementCheckStatus.PENDING
                assert (check.evidence_object_type, check.evidence_object_id) == ("", "")
                assert check.evidence_note == ""
