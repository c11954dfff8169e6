"""What the parts of the generator share: the seeded random source, the clock, the
targets at this scale, the rows produced so far and the journal entries to chain."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

# Rows at scale 1: a national network (issue 6).
TARGETS_AT_SCALE_1 = {
    "places": 3_500,
    "people": 8_000,
    "consultants": 2_000,
    "requests": 20_000,
    "offers": 60_000,
    "ledger_lines": 1_000_000,
    "votes": 300_000,
    "journal_entries": 200_000,
}
PASSWORD = "cercle-bench-2025"  # noqa: S105  # every generated account's password
EMAIL_DOMAIN = "bench.cercle.test"


def scaled(n: int, scale: float) -> int:
    return max(1, round(n * scale))


@dataclass
class Pending:
    """A journal entry to chain: its time and content; `entry_id` is set when chained."""

    at: datetime
    verb: str
    object_type: str = ""
    object_id: str = ""
    object_label: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    visibility: str = "members"
    actor_id: int | None = None
    subject_id: int | None = None
    entry_id: int | None = None


@dataclass
class Ctx:
    scale: float
    seed: int
    rng: random.Random
    now: datetime
    progress: Callable[[str], None]
    targets: dict[str, int]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    journal: list[Pending] = field(default_factory=list)
    # Shared handles filled by the parts, in order.
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def first_year(self) -> int:
        return self.today.year - 3

    @property
    def landmark_year(self) -> int:
        return self.today.year - 1

    def at(self, day: date, rng: random.Random | None = None) -> datetime:
        """A time on `day` during office hours, never after the generator's clock."""
        r = rng or self.rng
        moment = datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC) + timedelta(
            seconds=r.randrange(10 * 3600), microseconds=r.randrange(1_000_000)
        )
        return min(moment, self.now - timedelta(minutes=r.randrange(5, 600)))

    def day_between(self, start: date, end: date) -> date:
        span = max(0, (end - start).days)
        return start + timedelta(days=self.rng.randrange(span + 1))

    def add(self, table: str, n: int, seconds: float) -> None:
        self.counts[table] = self.counts.get(table, 0) + n
        self.seconds[table] = self.seconds.get(table, 0.0) + seconds

    def note(self, entry: Pending) -> Pending:
        self.journal.append(entry)
        return entry


def make_ctx(scale: float, seed: int, progress: Callable[[str], None] | None) -> Ctx:
    from django.utils import timezone

    # The clock is today's midnight (UTC): the same seed on the same day gives the same data.
    current = timezone.now().astimezone(UTC)
    now = datetime(current.year, current.month, current.day, tzinfo=UTC)
    return Ctx(
        scale=scale,
        seed=seed,
        rng=random.Random(seed),  # noqa: S311 (reproducible data, not secrets)
        now=now,
        progress=progress or (lambda message: None),
        targets={name: scaled(n, scale) for name, n in TARGETS_AT_SCALE_1.items()},
    )


class Timer:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        elapsed, self.start = now - self.start, now
        return elapsed
