"""The demo's events load through the services on top of the demo network."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from icalendar import Calendar

from cercle.core.journal import verify
from cercle.demo import data
from cercle.demo.events import load_events
from cercle.demo.loader import Demo
from cercle.events.calendar import calendar_ics
from cercle.events.engagement import EVENT_OBJECT_TYPE, YEARLY_EXCHANGE
from cercle.events.enums import EventKind
from cercle.events.models import CalendarFeed, Event, Registration
from cercle.membership.enums import EngagementCheckStatus
from cercle.membership.models import EngagementCheck
from cercle.network.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Demo:
    call_command("load_demo")
    suffix = f"@{data.DEMO_DOMAIN}"
    people = Person.objects.filter(user__email__endswith=suffix).select_related("user")
    return Demo(people={p.user.email.removesuffix(suffix): p for p in people})


def test_the_demo_events(demo: Demo) -> None:
    if not Event.objects.exists():  # until the loader calls it itself
        load_events(demo)
    assert Event.objects.count() == 3
    past = Event.objects.get(kind=EventKind.SEMINAR, title__startswith="Séminaire annuel")
    present = set(
        Registration.objects.filter(event=past, attended=True).values_list(
            "person__user__email", flat=True
        )
    )
    assert {e.split("@")[0] for e in present} == {"maelle", "theo", "ines", "agathe"}
    for key in ("maelle", "theo", "ines"):
        check = EngagementCheck.objects.get(
            person=demo.people[key], engagement_code=YEARLY_EXCHANGE, year=past.starts_at.year
        )
        assert check.status == EngagementCheckStatus.DONE
        assert (check.evidence_object_type, check.evidence_object_id) == (
            EVENT_OBJECT_TYPE,
            str(past.uuid),
        )
    assert CalendarFeed.objects.filter(person=demo.people["maelle"]).exists()
    calendar = Calendar.from_ical(calendar_ics(person=demo.people["theo"]))
    assert len(calendar.walk("VEVENT")) >= 1
    assert verify().ok
