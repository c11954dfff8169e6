"""Properties of the scoring rules (pure functions, no database)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cercle.missions import scoring
from cercle.missions.enums import PriceRule

prices = st.decimals(min_value=Decimal("1"), max_value=Decimal("1000000"), places=2)
rules = st.sampled_from(PriceRule.values)
marks = st.decimals(min_value=Decimal("0"), max_value=Decimal("10"), places=2)


@st.composite
def grids(draw: st.DrawFn) -> list[scoring.GridLine]:
    """A valid grid: 1–6 criteria, weights 1–100 summing to 100, at most one price line."""
    n = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=n - 1, max_size=n - 1)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    price_at = draw(st.one_of(st.none(), st.integers(0, n - 1)))
    return [
        scoring.GridLine(i + 1, f"Critère {i + 1}", w, i == price_at) for i, w in enumerate(weights)
    ]


@given(grids())
def test_weights_of_a_valid_grid_sum_to_100(grid: list[scoring.GridLine]) -> None:
    weights = [line.weight for line in grid]
    assert sum(weights) == 100
    assert scoring.grid_is_valid(weights)


@given(st.lists(st.integers(-5, 120), max_size=8))
def test_grid_validity_is_exactly_the_rule(weights: list[int]) -> None:
    expected = bool(weights) and all(1 <= w <= 100 for w in weights) and sum(weights) == 100
    assert scoring.grid_is_valid(weights) == expected


@given(st.lists(prices, min_size=1, max_size=10), rules)
def test_lowest_price_gets_full_points_and_scores_decrease(
    offered: list[Decimal], rule: str
) -> None:
    lowest = scoring.lowest_valid_price(offered)
    assert lowest == min(offered)
    scores = {p: scoring.price_score(p, lowest, rule) for p in offered}
    assert scores[min(offered)] == 1
    ordered = sorted(offered)
    for cheaper, dearer in itertools.pairwise(ordered):
        assert scores[cheaper] >= scores[dearer]
    assert all(0 <= s <= 1 for s in scores.values())


@given(prices, prices, prices, rules)
def test_price_score_weakly_decreases(lowest: Decimal, a: Decimal, b: Decimal, rule: str) -> None:
    a, b = max(a, lowest), max(b, lowest)
    if a <= b:
        assert scoring.price_score(a, lowest, rule) >= scoring.price_score(b, lowest, rule)


@given(
    grids(),
    st.lists(prices, min_size=1, max_size=6),
    st.integers(min_value=0, max_value=3),
    rules,
    st.data(),
)
def test_total_is_the_weighted_sum(
    grid: list[scoring.GridLine],
    offered: list[Decimal],
    evaluators: int,
    rule: str,
    data: st.DataObject,
) -> None:
    keys = [f"o{i}" for i in range(len(offered))]
    given_marks = [
        {(k, line.key): data.draw(marks) for k in keys for line in grid if not line.is_price}
        for _ in range(evaluators)
    ]
    results = scoring.compute_results(
        grid=grid, prices=dict(zip(keys, offered, strict=True)), marks=given_marks, rule=rule
    )
    lowest = min(offered)
    for result in results:
        expected = Decimal(0)
        for line in grid:
            if line.is_price:
                score = scoring.price_score(result.price, lowest, rule)
            elif given_marks:
                score = sum(
                    (m[(result.key, line.key)] / 10 for m in given_marks), Decimal(0)
                ) / len(given_marks)
            else:
                score = Decimal(0)
            expected += line.weight * score
        assert result.total == scoring.rounded(expected)
        assert 0 <= result.total <= 100
    # ranks follow totals; equal totals share a rank and are flagged
    for better, worse in itertools.pairwise(results):
        assert better.total >= worse.total
        assert (better.total == worse.total) == (better.rank == worse.rank)
        if better.total == worse.total:
            assert better.tied
            assert worse.tied


@given(grids(), rules)
def test_full_marks_and_lowest_price_give_100(grid: list[scoring.GridLine], rule: str) -> None:
    result = scoring.compute_results(
        grid=grid,
        prices={"seul": Decimal("5000")},
        marks=[{("seul", line.key): Decimal(10) for line in grid if not line.is_price}],
        rule=rule,
    )[0]
    assert result.total == 100
