"""Team suggestion: a small weighted set-cover solved exactly with OR-Tools CP-SAT.

Pure: the functions here take plain dataclasses and never touch the database, so the
pages, the API and the benchmark feed them the same way (`selectors/suggestion.py`
loads the candidates).

The model, for one request:

- one boolean `x_i` per eligible candidate (people who are unavailable or in conflict
  are left out before the model is built, so no variable can ever choose them);
- relevance: only people who bring at least one required skill get a variable (a
  suggestion never pads a team with people the request does not need);
- coverage: every required skill is covered by at least one chosen member;
- size: between 1 and `max_size` members;
- budget: the workload (`days`) is shared equally by the members, so the team costs
  `days × mean(day rate)`; this must stay within the request's maximum budget. With
  `n = Σ x_i` that is `days × Σ rate_i x_i ≤ budget × Σ x_i`, a linear constraint;
- rotation: the objective minimises `Σ (MISSION_WEIGHT × missions in 12 months +
  LIMITED_PENALTY × limited availability + SIZE_PENALTY) x_i`, so that people who were
  given fewer missions are preferred, then smaller teams;
- alternatives: each later suggestion forbids the earlier teams (and any team that
  contains one of them) with a no-good cut `Σ_{i ∈ T} x_i ≤ |T| − 1`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ortools.sat.python import cp_model

AVAILABLE = "available"
LIMITED = "limited"
UNAVAILABLE = "unavailable"

MISSION_WEIGHT = 10
LIMITED_PENALTY = 6
SIZE_PENALTY = 3
DEFAULT_DAY_RATE = Decimal("600")
DEFAULT_MAX_SIZE = 5
DEFAULT_TIME_LIMIT = 1.0

OPTIMAL = "OPTIMAL"
FEASIBLE = "FEASIBLE"
INFEASIBLE = "INFEASIBLE"
UNKNOWN = "UNKNOWN"
MODEL_INVALID = "MODEL_INVALID"


@dataclass(frozen=True)
class Candidate:
    """A consultant as the solver sees them."""

    key: int
    skills: frozenset[int]
    missions_12m: int = 0
    day_rate: Decimal | None = None
    availability: str = AVAILABLE
    excluded: bool = False


@dataclass(frozen=True)
class Problem:
    required_skills: frozenset[int]
    candidates: Sequence[Candidate]
    # Maximum budget (€ HT); None means no budget constraint.
    budget_max: Decimal | None
    # Estimated workload in days, shared by the team.
    days: Decimal
    max_size: int = DEFAULT_MAX_SIZE
    default_rate: Decimal = DEFAULT_DAY_RATE


@dataclass(frozen=True)
class Suggestion:
    """One solve: its honest status and, when it found one, the team."""

    status: str
    members: tuple[int, ...] = ()
    objective: int | None = None
    # Required skills that no eligible candidate covers (the reason for INFEASIBLE).
    uncovered_skills: frozenset[int] = frozenset()
    # When every skill is coverable but no team fits: "size" or "budget".
    limiting: str = ""
    estimated_cost: Decimal | None = None
    wall_time: float = 0.0

    @property
    def found(self) -> bool:
        return self.status in (OPTIMAL, FEASIBLE) and bool(self.members)


@dataclass
class _Model:
    model: cp_model.CpModel
    variables: dict[int, cp_model.IntVar] = field(default_factory=dict)


def rate_of(candidate: Candidate, default_rate: Decimal = DEFAULT_DAY_RATE) -> Decimal:
    return candidate.day_rate if candidate.day_rate is not None else default_rate


def eligible(problem: Problem) -> list[Candidate]:
    """The people who may get a variable: available or limited, not excluded, relevant."""
    required = problem.required_skills
    return [
        c
        for c in problem.candidates
        if not c.excluded
        and c.availability != UNAVAILABLE
        and (not required or c.skills & required)
    ]


def uncovered_skills(problem: Problem) -> frozenset[int]:
    covered: set[int] = set()
    for c in eligible(problem):
        covered |= c.skills
    return frozenset(problem.required_skills - covered)


def team_cost(members: Sequence[Candidate], problem: Problem) -> Decimal:
    """`days × mean(day rate)`, to the cent."""
    if not members:
        return Decimal("0.00")
    total = sum((rate_of(c, problem.default_rate) for c in members), Decimal("0"))
    return (problem.days * total / len(members)).quantize(Decimal("0.01"))


def _cents(value: Decimal, rounding: str) -> int:
    return int((value * 100).to_integral_value(rounding=rounding))


def _tenths(value: Decimal) -> int:
    return int((value * 10).to_integral_value(rounding=ROUND_CEILING))


def build_model(
    problem: Problem,
    *,
    forbidden: Sequence[Sequence[int]] = (),
    with_budget: bool = True,
    max_size: int | None = None,
) -> _Model:
    """The CP-SAT model for `problem` (no solving, no database)."""
    pool = eligible(problem)
    built = _Model(model=cp_model.CpModel())
    model = built.model
    for c in pool:
        built.variables[c.key] = model.new_bool_var(f"x_{c.key}")
    x = built.variables
    size = cp_model.LinearExpr.sum(list(x.values()))
    limit = problem.max_size if max_size is None else max_size
    model.add(size >= 1)
    model.add(size <= max(limit, 0))
    for skill in sorted(problem.required_skills):
        model.add_bool_or([x[c.key] for c in pool if skill in c.skills])
    if with_budget and problem.budget_max is not None and pool:
        # days × Σ rate_i x_i ≤ budget × Σ x_i, in cents and tenths of a day (integers);
        # rates round up and the budget down, so the integer model is never laxer.
        days = _tenths(problem.days)
        budget = _cents(problem.budget_max, ROUND_FLOOR) * 10
        model.add(
            sum(
                (days * _cents(rate_of(c, problem.default_rate), ROUND_CEILING) - budget) * x[c.key]
                for c in pool
            )
            <= 0
        )
    for team in forbidden:
        chosen = [x[key] for key in team if key in x]
        if len(chosen) == len(team) and chosen:
            model.add(sum(chosen) <= len(chosen) - 1)
    model.minimize(
        sum(
            (
                MISSION_WEIGHT * max(c.missions_12m, 0)
                + (LIMITED_PENALTY if c.availability == LIMITED else 0)
                + SIZE_PENALTY
            )
            * x[c.key]
            for c in pool
        )
    )
    return built


_STATUS_NAMES = {
    cp_model.OPTIMAL: OPTIMAL,
    cp_model.FEASIBLE: FEASIBLE,
    cp_model.INFEASIBLE: INFEASIBLE,
    cp_model.MODEL_INVALID: MODEL_INVALID,
    cp_model.UNKNOWN: UNKNOWN,
}


def _run(built: _Model, time_limit: float) -> tuple[str, tuple[int, ...], int | None, float]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    # One worker: the same data gives the same suggestion, page after page.
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    status = _STATUS_NAMES.get(solver.solve(built.model), UNKNOWN)
    if status not in (OPTIMAL, FEASIBLE):
        return status, (), None, solver.wall_time
    members = tuple(sorted(k for k, v in built.variables.items() if solver.boolean_value(v)))
    return status, members, int(solver.objective_value), solver.wall_time


def solve(
    problem: Problem,
    *,
    forbidden: Sequence[Sequence[int]] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Suggestion:
    """One team for `problem`, or the honest reason there is none."""
    missing = uncovered_skills(problem)
    if missing:
        return Suggestion(status=INFEASIBLE, uncovered_skills=missing)
    if not eligible(problem):
        return Suggestion(status=INFEASIBLE, limiting="nobody")
    status, members, objective, wall = _run(build_model(problem, forbidden=forbidden), time_limit)
    if status == INFEASIBLE and not forbidden:
        return Suggestion(status=status, limiting=_limiting(problem, time_limit), wall_time=wall)
    if not members:
        return Suggestion(status=status, wall_time=wall)
    by_key = {c.key: c for c in problem.candidates}
    return Suggestion(
        status=status,
        members=members,
        objective=objective,
        estimated_cost=team_cost([by_key[k] for k in members], problem),
        wall_time=wall,
    )


def _limiting(problem: Problem, time_limit: float) -> str:
    """Which bound leaves no team: without the budget, does a team of the size exist?"""
    status, *_ = _run(build_model(problem, with_budget=False), time_limit)
    return "size" if status == INFEASIBLE else "budget"


def suggest_teams(
    problem: Problem, *, count: int = 3, time_limit: float = DEFAULT_TIME_LIMIT
) -> list[Suggestion]:
    """Up to `count` alternative teams; the last item is the solve that stopped the
    search when fewer were found (so its status can be reported)."""
    results: list[Suggestion] = []
    forbidden: list[tuple[int, ...]] = []
    for _ in range(max(count, 1)):
        result = solve(problem, forbidden=forbidden, time_limit=time_limit)
        results.append(result)
        if not result.found:
            break
        forbidden.append(result.members)
    return results


def default_days(budget_min: Decimal, default_rate: Decimal = DEFAULT_DAY_RATE) -> Decimal:
    """The workload the client's minimum budget pays for at the network's default rate,
    to the tenth of a day (at least one day)."""
    if default_rate <= 0:
        return Decimal("1.0")
    days = (budget_min / default_rate).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return max(days, Decimal("1.0"))


def default_max_size(skill_count: int) -> int:
    return min(DEFAULT_MAX_SIZE, max(skill_count, 1))
