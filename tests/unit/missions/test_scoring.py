"""The arithmetic of a delegated selection (pure functions)."""

from __future__ import annotations

from decimal import Decimal

from cercle.missions import scoring
from cercle.missions.enums import PriceRule

D = Decimal


def test_grid_validity() -> None:
    assert scoring.grid_is_valid([30, 50, 20])
    assert not scoring.grid_is_valid([30, 50])
    assert not scoring.grid_is_valid([])
    assert not scoring.grid_is_valid([0, 100])


def test_price_rules() -> None:
    assert scoring.price_score(D("10000"), D("10000"), PriceRule.PROPORTIONAL) == 1
    assert scoring.price_score(D("12500"), D("10000"), PriceRule.PROPORTIONAL) == D("0.8")
    assert scoring.price_score(D("12500"), D("10000"), PriceRule.LINEAR) == D("0.75")
    assert scoring.price_score(D("25000"), D("10000"), PriceRule.LINEAR) == 0
    assert scoring.price_score(D("0"), D("10000"), PriceRule.LINEAR) == 0
    assert scoring.lowest_valid_price([D("0"), D("9000"), D("12000")]) == D("9000")


def test_results_rank_and_ties() -> None:
    grid = [
        scoring.GridLine(1, "Prix", 30, True),
        scoring.GridLine(2, "Méthode", 70, False),
    ]
    prices = {"a": D("10000"), "b": D("10000"), "c": D("20000")}
    marks = [
        {("a", 2): D("8"), ("b", 2): D("8"), ("c", 2): D("10")},
        {("a", 2): D("6"), ("b", 2): D("6"), ("c", 2): D("10")},
    ]
    results = scoring.compute_results(
        grid=grid, prices=prices, marks=marks, rule=PriceRule.PROPORTIONAL
    )
    by_key = {r.key: r for r in results}
    # a: 30 × 1 + 70 × 0.7 = 79; c: 30 × 0.5 + 70 × 1 = 85
    assert by_key["a"].total == D("79.00")
    assert by_key["c"].total == D("85.00")
    assert [r.key for r in results] == ["c", "a", "b"]
    assert by_key["a"].tied
    assert by_key["b"].tied
    assert not by_key["c"].tied
    assert by_key["a"].rank == by_key["b"].rank == 2
    assert by_key["a"].points(grid[1]) == D("49.00")
