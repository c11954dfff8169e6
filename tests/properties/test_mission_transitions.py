"""Properties of the mission state machine.

Random sequences of steps by random actors are played against the services; after every
step the mission only ever moved along `MISSION_TRANSITIONS`, and each status timestamp
is set exactly when that state was reached.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cercle.core.errors import ApplicationError
from cercle.missions.enums import MISSION_TRANSITIONS, MissionStatus
from cercle.missions.models import Mission, MissionUpdate
from cercle.missions.services import follow_up as services
from tests.unit.missions.test_follow_up_services import Setup, build_mission, doc_fields

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ORDER = [
    MissionStatus.AWARDED,
    MissionStatus.STARTED,
    MissionStatus.DELIVERED,
    MissionStatus.DOCUMENTED,
    MissionStatus.CLOSED,
]
STAMPS = {
    MissionStatus.STARTED: "started_at",
    MissionStatus.DELIVERED: "delivered_at",
    MissionStatus.DOCUMENTED: "documented_at",
    MissionStatus.CLOSED: "closed_at",
}
ACTIONS = ["start", "update", "deliver", "document", "close"]
ACTORS = ["lead", "member", "outsider", "steward"]
# The small model: who may take each step, and where it leads.
MAY = {
    "start": {"lead", "member"},
    "update": {"lead", "member"},
    "deliver": {"lead"},
    "document": {"lead"},
    "close": {"steward"},
}
TARGET = {
    "start": MissionStatus.STARTED,
    "deliver": MissionStatus.DELIVERED,
    "document": MissionStatus.DOCUMENTED,
    "close": MissionStatus.CLOSED,
}


def expected(previous: MissionStatus, action: str, who: str, blank: bool) -> MissionStatus:
    target = TARGET.get(action)
    if target is None or who not in MAY[action] or (blank and action != "close"):
        return previous
    return target if target in MISSION_TRANSITIONS[previous] else previous


@contextmanager
def rolled_back() -> Iterator[None]:
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def act(s: Setup, action: str, who: str, blank: bool) -> None:
    user = getattr(s, who).user
    mission = Mission.objects.get(pk=s.mission.pk)
    text = " " if blank else "Nouvelles du terrain."
    if action == "start":
        services.mission_start(actor=user, mission=mission, text=text)
    elif action == "update":
        services.mission_update_post(actor=user, mission=mission, text=text)
    elif action == "deliver":
        services.mission_deliver(actor=user, mission=mission, text=text)
    elif action == "document":
        fields = doc_fields(pooling=text if blank else "Un atelier partagé.")
        services.mission_document(actor=user, mission=mission, **fields)
    else:
        services.mission_close(actor=user, mission=mission)


steps = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS), st.booleans()),
    min_size=1,
    max_size=12,
)


@HYPOTHESIS
@given(sequence=steps)
def test_missions_only_follow_the_table(sequence: list[tuple[str, str, bool]]) -> None:
    with rolled_back():
        s = build_mission()
        previous = MissionStatus.AWARDED
        updates = 0
        for action, who, blank in sequence:
            with suppress(ApplicationError, ValidationError):
                act(s, action, who, blank)
            mission = Mission.objects.get(pk=s.mission.pk)
            current = MissionStatus(mission.status)
            assert current == previous or current in MISSION_TRANSITIONS[previous]
            assert current == expected(previous, action, who, blank)
            reached = ORDER[: ORDER.index(current) + 1]
            for state, field in STAMPS.items():
                assert (getattr(mission, field) is not None) == (state in reached), field
            assert (mission.last_update_at is not None) == (current != MissionStatus.AWARDED)
            now_updates = MissionUpdate.objects.filter(mission=mission).count()
            assert now_updates >= updates
            updates = now_updates
            previous = current
