"""Run many service calls at the same moment, each thread on its own database connection.

`together(calls)` starts one thread per call, releases them all at once with a
`threading.Barrier`, and returns what each call gave back or raised (`Outcome`).

On PostgreSQL the threads queue on row locks and constraints as real requests would.
The in-memory SQLite test database (shared cache) answers "database table is locked"
at once instead of waiting: there a locked attempt is retried, as a person would click
again, so the outcome must be the same; SQLite runs fewer workers (`WORKERS`).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, connections

from cercle.core import journal
from cercle.core.models import JournalEntry
from cercle.reciprocity import ledger


def workers(postgresql: int = 50, sqlite: int = 8) -> int:
    """How many threads race: 50 on PostgreSQL, fewer on SQLite (it serialises anyway)."""
    return postgresql if connection.vendor == "postgresql" else sqlite


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def kind(self) -> str:
        return "ok" if self.error is None else type(self.error).__name__


def _attempt(call: Callable[[], Any]) -> Outcome:
    for attempt in range(1, 2001):
        try:
            return Outcome(value=call(), attempts=attempt)
        except OperationalError as error:
            if "locked" not in str(error) or connection.vendor != "sqlite":
                return Outcome(error=error, attempts=attempt)
            time.sleep(0.002)
        except Exception as error:  # the refusal is what the test looks at
            return Outcome(error=error, attempts=attempt)
    return Outcome(error=TimeoutError("gave up after 2000 locked attempts"), attempts=2000)


def together(calls: Sequence[Callable[[], Any]]) -> list[Outcome]:
    """Run every call in its own thread, all released at once; outcomes in call order."""
    start = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            outcomes[index] = _attempt(call)
        except BaseException as error:  # reported to the test, never lost
            outcomes[index] = Outcome(error=error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker is stuck (a deadlock?)"
    return [o if o is not None else Outcome(error=RuntimeError("no outcome")) for o in outcomes]


def kinds(outcomes: Sequence[Outcome]) -> Counter[str]:
    return Counter(o.kind for o in outcomes)


def unexpected(outcomes: Sequence[Outcome], *allowed: type[BaseException]) -> list[str]:
    """The errors that are not a refusal the service is meant to give."""
    return [
        repr(o.error) for o in outcomes if o.error is not None and not isinstance(o.error, allowed)
    ]


def assert_books_and_journal_hold() -> None:
    """Every ledger transaction balanced, the trial balance zero, the journal chain valid."""
    assert ledger.unbalanced_transactions() == []
    assert ledger.trial_balance_is_zero()
    result = journal.verify()
    assert result.ok, result


def journal_count(verb: str) -> int:
    return JournalEntry.objects.filter(verb=verb).count()
