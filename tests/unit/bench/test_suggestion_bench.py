"""A small run of the team-suggestion benchmark, so that `make bench` cannot rot."""

from __future__ import annotations

from bench import suggestion


def test_a_small_national_like_problem_is_solved_to_optimality() -> None:
    figures = suggestion.run(runs=2, consultants=300)
    assert figures.statuses == ("OPTIMAL", "OPTIMAL")
    assert "| 300 | 8 | 2 | yes |" in suggestion.as_markdown(figures)


def test_the_problem_has_the_announced_shape() -> None:
    problem = suggestion.national_problem(seed=1, consultants=2000, required=8)
    assert len(problem.candidates) == 2000
    assert len(problem.required_skills) == 8
    assert any(c.excluded for c in problem.candidates)
    assert any(c.availability == "unavailable" for c in problem.candidates)
