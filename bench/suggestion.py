"""Team suggestion at national scale: 2,000 consultants, 8 required skills, conflicts and
availability, solved with CP-SAT. Reports the solver's status and wall time per solve."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal

from cercle.missions.suggestion import (
    AVAILABLE,
    LIMITED,
    OPTIMAL,
    UNAVAILABLE,
    Candidate,
    Problem,
    suggest_teams,
)

TARGET_SECONDS = 1.0


@dataclass(frozen=True)
class SuggestionFigures:
    consultants: int
    required_skills: int
    runs: int
    statuses: tuple[str, ...]
    p50_seconds: float
    max_seconds: float

    @property
    def all_optimal(self) -> bool:
        return all(s == OPTIMAL for s in self.statuses)

    @property
    def meets_target(self) -> bool:
        return self.all_optimal and self.max_seconds <= TARGET_SECONDS


def national_problem(seed: int, consultants: int = 2000, required: int = 8) -> Problem:
    """A network like the national one: 60 skills, 1–5 each, missions skewed towards a
    few, 20 % with limited or no availability, 3 % in conflict with the request."""
    rng = random.Random(seed)  # noqa: S311 (reproducible data, not secrets)
    skills = list(range(60))
    people = [
        Candidate(
            key=i,
            skills=frozenset(rng.sample(skills, rng.randint(1, 5))),
            missions_12m=rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 8]),
            day_rate=Decimal(rng.randint(350, 1200)),
            availability=rng.choice([AVAILABLE] * 8 + [LIMITED, UNAVAILABLE]),
            excluded=rng.random() < 0.03,
        )
        for i in range(consultants)
    ]
    return Problem(
        required_skills=frozenset(rng.sample(skills, required)),
        candidates=people,
        budget_max=Decimal("20000"),
        days=Decimal("20"),
    )


def run(*, runs: int = 10, consultants: int = 2000, required: int = 8) -> SuggestionFigures:
    """`runs` requests, each solved once (the first suggestion: the one the page shows
    first); the time is the wall time of the whole call, model building included."""
    statuses: list[str] = []
    times: list[float] = []
    for seed in range(runs):
        problem = national_problem(seed, consultants, required)
        started = time.perf_counter()
        result = suggest_teams(problem, count=1)[0]
        times.append(time.perf_counter() - started)
        statuses.append(result.status)
    return SuggestionFigures(
        consultants=consultants,
        required_skills=required,
        runs=runs,
        statuses=tuple(statuses),
        p50_seconds=statistics.median(times),
        max_seconds=max(times),
    )


def as_markdown(figures: SuggestionFigures) -> str:
    verdict = "yes" if figures.meets_target else "NO"
    return (
        "| consultants | required skills | runs | all OPTIMAL | p50 (s) | max (s) | ≤ 1 s |\n"
        "|---|---|---|---|---|---|---|\n"
        f"| {figures.consultants} | {figures.required_skills} | {figures.runs} "
        f"| {'yes' if figures.all_optimal else 'no'} | {figures.p50_seconds:.3f} "
        f"| {figures.max_seconds:.3f} | {verdict} |\n"
    )
