"""Properties of the team suggestion: whatever the data, a returned team covers every
required skill, never includes an excluded or unavailable person, respects the size
bound and the budget, and alternatives never repeat."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cercle.missions.suggestion import (
    AVAILABLE,
    INFEASIBLE,
    LIMITED,
    UNAVAILABLE,
    Candidate,
    Problem,
    rate_of,
    suggest_teams,
)

SKILLS = st.integers(min_value=1, max_value=8)

candidates = st.lists(
    st.builds(
        Candidate,
        key=st.integers(),  # replaced by the index below
        skills=st.frozensets(SKILLS, max_size=4),
        missions_12m=st.integers(min_value=0, max_value=12),
        day_rate=st.one_of(
            st.none(), st.decimals(min_value=100, max_value=2000, places=2, allow_nan=False)
        ),
        availability=st.sampled_from([AVAILABLE, LIMITED, UNAVAILABLE]),
        excluded=st.booleans(),
    ),
    max_size=25,
)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    people = [
        Candidate(
            key=i,
            skills=p.skills,
            missions_12m=p.missions_12m,
            day_rate=p.day_rate,
            availability=p.availability,
            excluded=p.excluded,
        )
        for i, p in enumerate(draw(candidates))
    ]
    return Problem(
        required_skills=draw(st.frozensets(SKILLS, max_size=5)),
        candidates=people,
        budget_max=draw(
            st.one_of(
                st.none(), st.decimals(min_value=0, max_value=50000, places=2, allow_nan=False)
            )
        ),
        days=draw(st.decimals(min_value=Decimal("0.5"), max_value=60, places=1)),
        max_size=draw(st.integers(min_value=1, max_value=5)),
    )


@settings(max_examples=150, deadline=None)
@given(problems())
def test_every_suggested_team_respects_the_rules(problem: Problem) -> None:
    by_key = {c.key: c for c in problem.candidates}
    results = suggest_teams(problem, count=3, time_limit=2.0)
    teams = [r.members for r in results if r.found]
    assert len(set(teams)) == len(teams)
    for result in results[:-1]:
        assert result.found
    for team in teams:
        chosen = [by_key[k] for k in team]
        assert 1 <= len(chosen) <= problem.max_size
        covered: set[int] = set().union(*(c.skills for c in chosen))
        assert problem.required_skills <= covered
        assert all(not c.excluded and c.availability != UNAVAILABLE for c in chosen)
        if problem.budget_max is not None:
            mean = sum((rate_of(c) for c in chosen), Decimal(0)) / len(chosen)
            assert problem.days * mean <= problem.budget_max


@settings(max_examples=100, deadline=None)
@given(problems())
def test_infeasible_only_for_a_stated_reason(problem: Problem) -> None:
    first = suggest_teams(problem, count=1)[0]
    if first.status == INFEASIBLE:
        assert first.uncovered_skills or first.limiting in {"size", "budget", "nobody"}
