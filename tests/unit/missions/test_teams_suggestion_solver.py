"""The CP-SAT team suggestion, on plain data (no database)."""

from __future__ import annotations

import random
from decimal import Decimal

from cercle.missions.suggestion import (
    AVAILABLE,
    INFEASIBLE,
    LIMITED,
    OPTIMAL,
    UNAVAILABLE,
    Candidate,
    Problem,
    default_days,
    default_max_size,
    solve,
    suggest_teams,
)


def problem(candidates: list[Candidate], skills: set[int], **kw: object) -> Problem:
    fields: dict[str, object] = {
        "required_skills": frozenset(skills),
        "candidates": candidates,
        "budget_max": Decimal("15000"),
        "days": Decimal("10"),
        "max_size": 5,
    }
    fields.update(kw)
    return Problem(**fields)  # type: ignore[arg-type]


def c(key: int, skills: set[int], **kw: object) -> Candidate:
    return Candidate(key=key, skills=frozenset(skills), **kw)  # type: ignore[arg-type]


def test_covers_every_skill_and_prefers_newcomers() -> None:
    people = [
        c(1, {1, 2}, missions_12m=4),
        c(2, {1}, missions_12m=0),
        c(3, {2}, missions_12m=0),
    ]
    result = solve(problem(people, {1, 2}))
    assert result.status == OPTIMAL
    # Two newcomers (2 × size penalty) beat one person with four missions.
    assert result.members == (2, 3)


def test_a_single_person_covering_everything_wins_when_equal_on_missions() -> None:
    people = [c(1, {1, 2}), c(2, {1}), c(3, {2})]
    assert solve(problem(people, {1, 2})).members == (1,)


def test_unavailable_and_excluded_people_are_never_chosen() -> None:
    people = [
        c(1, {1}, availability=UNAVAILABLE),
        c(2, {1}, excluded=True),
        c(3, {1}, missions_12m=9),
    ]
    assert solve(problem(people, {1})).members == (3,)


def test_limited_availability_is_penalised_not_excluded() -> None:
    people = [c(1, {1}, availability=LIMITED), c(2, {1}, missions_12m=1)]
    # Limited (6) beats one mission (10).
    assert solve(problem(people, {1})).members == (1,)
    people = [c(1, {1}, availability=LIMITED), c(2, {1})]
    assert solve(problem(people, {1})).members == (2,)


def test_infeasible_names_the_skills_nobody_covers() -> None:
    people = [c(1, {1}), c(2, {2}, availability=UNAVAILABLE), c(3, {3}, excluded=True)]
    result = solve(problem(people, {1, 2, 3, 4}))
    assert result.status == INFEASIBLE
    assert result.uncovered_skills == frozenset({2, 3, 4})
    assert not result.found


def test_size_bound_makes_it_infeasible_and_says_so() -> None:
    people = [c(i, {i}) for i in range(1, 5)]
    result = solve(problem(people, {1, 2, 3, 4}, max_size=3))
    assert result.status == INFEASIBLE
    assert result.limiting == "size"


def test_budget_uses_the_team_average_rate_times_the_workload() -> None:
    expensive = c(1, {1}, day_rate=Decimal("2000"))
    cheap = c(2, {1}, day_rate=Decimal("500"), missions_12m=3)
    # 10 days × 2000 = 20 000 > 15 000: the cheaper (if busier) person is chosen.
    result = solve(problem([expensive, cheap], {1}))
    assert result.members == (2,)
    assert result.estimated_cost == Decimal("5000.00")
    only_expensive = solve(problem([expensive], {1}))
    assert only_expensive.status == INFEASIBLE
    assert only_expensive.limiting == "budget"


def test_missing_rate_uses_the_default_rate() -> None:
    result = solve(problem([c(1, {1}, day_rate=None)], {1}, days=Decimal("10")))
    assert result.estimated_cost == Decimal("6000.00")


def test_alternatives_never_repeat_a_team() -> None:
    people = [c(i, {1 + i % 3}, missions_12m=i % 4) for i in range(12)]
    results = suggest_teams(problem(people, {1, 2, 3}), count=3)
    teams = [r.members for r in results if r.found]
    assert len(teams) == 3
    assert len(set(teams)) == 3
    for earlier in teams:
        for later in teams[teams.index(earlier) + 1 :]:
            assert not set(earlier) <= set(later)


def test_alternatives_stop_with_an_honest_status() -> None:
    results = suggest_teams(problem([c(1, {1})], {1}), count=3)
    assert [r.status for r in results] == [OPTIMAL, INFEASIBLE]


def test_no_required_skill_gives_one_person() -> None:
    result = solve(problem([c(1, set(), missions_12m=2), c(2, set())], set(), max_size=1))
    assert result.members == (2,)


def test_nobody_at_all() -> None:
    result = solve(problem([], set()))
    assert result.status == INFEASIBLE
    assert result.limiting == "nobody"


def test_defaults() -> None:
    assert default_days(Decimal("8000")) == Decimal("13.3")
    assert default_days(Decimal("0")) == Decimal("1.0")
    assert default_max_size(0) == 1
    assert default_max_size(3) == 3
    assert default_max_size(12) == 5


def test_two_thousand_consultants_and_eight_skills_is_solved_to_optimality() -> None:
    rng = random.Random(2024)
    skills = list(range(60))
    required = set(rng.sample(skills, 8))
    people = [
        Candidate(
            key=i,
            skills=frozenset(rng.sample(skills, rng.randint(1, 5))),
            missions_12m=rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 8]),
            day_rate=Decimal(rng.randint(350, 1200)),
            availability=rng.choice([AVAILABLE, AVAILABLE, AVAILABLE, LIMITED, UNAVAILABLE]),
            excluded=rng.random() < 0.03,
        )
        for i in range(2000)
    ]
    prob = problem(people, required, budget_max=Decimal("20000"), days=Decimal("20"))
    results = suggest_teams(prob, count=3, time_limit=10.0)
    assert [r.status for r in results] == [OPTIMAL, OPTIMAL, OPTIMAL]
    by_key = {p.key: p for p in people}
    for r in results:
        chosen = [by_key[k] for k in r.members]
        assert required <= set().union(*(p.skills for p in chosen))
