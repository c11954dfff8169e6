"""Places under concurrency: many people take the last places at the same moment, from
separate database connections; the lock on the event's row lets exactly `capacity` in.

On PostgreSQL the threads queue on `SELECT … FOR UPDATE`. The in-memory SQLite test
database (shared cache) answers "table is locked" at once instead of waiting, so there
a refused attempt is retried, as a person would click again: the outcome must be the
same."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, connections

from cercle.core.errors import Conflict
from cercle.events import services
from cercle.events.enums import RegistrationStatus
from cercle.events.models import Registration
from tests.factories.events import EventFactory
from tests.factories.network import PersonFactory


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_never_overbook() -> None:
    event = EventFactory(capacity=3)
    people = [PersonFactory() for _ in range(8)]
    start = threading.Barrier(len(people))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(person: Any) -> str:
        for _ in range(500):
            try:
                services.registration_create(actor=person.user, event=event)
            except Conflict:
                return "full"
            except OperationalError as error:
                if "locked" not in str(error):
                    return f"error: {error!r}"
                time.sleep(0.005)
            else:
                return "ok"
        return "gave up"

    def register(person: Any) -> None:
        try:
            start.wait()
            result = attempt(person)
        except Exception as error:
            result = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full"] * 5 + ["ok"] * 3, outcomes
    assert (
        Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count() == 3
    )
