"""The arithmetic of a delegated selection: pure functions, no database.

Decision 0009: evaluators mark each non-price criterion 0–10; the price criterion is
computed by the rule published with the grid, so that the lowest valid price always gets
the full points. An offer's total is Σ weight × normalised score (0–1), i.e. 0–100,
averaged over the evaluators who submitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cercle.missions.enums import PriceRule

ZERO = Decimal("0")
ONE = Decimal("1")
MARK_MAX = Decimal("10")
TOTAL_WEIGHT = 100
# Totals are shown with two decimals; equal totals at that precision are a tie.
TOTAL_PLACES = Decimal("0.01")
# Normalised scores keep more precision so that rounding never reorders offers.
SCORE_PLACES = Decimal("0.000001")


def grid_is_valid(weights: Iterable[int]) -> bool:
    """A grid is valid when it has criteria, each weighing 1–100, summing to 100."""
    values = list(weights)
    return bool(values) and all(1 <= w <= TOTAL_WEIGHT for w in values) and sum(values) == 100


def lowest_valid_price(prices: Iterable[Decimal]) -> Decimal | None:
    """The lowest strictly positive price; a zero price is not a valid offer's price."""
    valid = [p for p in prices if p > ZERO]
    return min(valid) if valid else None


def price_score(price: Decimal, lowest: Decimal | None, rule: str) -> Decimal:
    """The normalised price score in [0, 1] under the published rule.

    proportional = lowest ÷ price; linear = max(0, 1 − (price − lowest) ÷ lowest).
    The lowest valid price gets 1 under both rules. A price at or below zero, or no
    valid price at all, scores 0 (it cannot be compared).
    """
    if lowest is None or lowest <= ZERO or price <= ZERO:
        return ZERO
    if price <= lowest:
        return ONE
    score = ONE - (price - lowest) / lowest if rule == PriceRule.LINEAR else lowest / price
    score = max(ZERO, min(ONE, score))
    return score.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def normalised_mark(mark: Decimal) -> Decimal:
    """A 0–10 mark as a score in [0, 1]."""
    return max(ZERO, min(ONE, Decimal(mark) / MARK_MAX))


def weighted_total(weighted_scores: Iterable[tuple[int, Decimal]]) -> Decimal:
    """Σ weight × score (score in [0, 1]): 0–100 when the weights sum to 100."""
    return sum((Decimal(w) * s for w, s in weighted_scores), ZERO)


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GridLine:
    """One criterion as the computation needs it (`key` identifies it, e.g. its position)."""

    key: int
    name: str
    weight: int
    is_price: bool


@dataclass
class OfferResult:
    """An offer's averaged score per criterion (0–1), its total (0–100) and its rank."""

    key: str
    price: Decimal
    per_criterion: dict[int, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO
    rank: int = 0
    tied: bool = False

    def points(self, line: GridLine) -> Decimal:
        """The points this criterion gives the offer (weight × score)."""
        return rounded(Decimal(line.weight) * self.per_criterion.get(line.key, ZERO))


def compute_results(
    *,
    grid: Sequence[GridLine],
    prices: Mapping[str, Decimal],
    marks: Sequence[Mapping[tuple[str, int], Decimal]],
    rule: str,
) -> list[OfferResult]:
    """Rank offers from each evaluator's marks.

    `prices` maps an offer key to its price; `marks` holds, per evaluator who counts,
    a mapping (offer key, criterion key) → mark 0–10 for the non-price criteria. A
    missing mark counts as 0. The result is sorted best first; equal rounded totals
    share a rank and are flagged `tied`.
    """
    lowest = lowest_valid_price(prices.values())
    results: list[OfferResult] = []
    for key, price in prices.items():
        result = OfferResult(key=key, price=price)
        for line in grid:
            if line.is_price:
                score = price_score(price, lowest, rule)
            elif marks:
                score = sum(
                    (normalised_mark(m.get((key, line.key), ZERO)) for m in marks), ZERO
                ) / Decimal(len(marks))
            else:
                score = ZERO
            result.per_criterion[line.key] = score
        result.total = rounded(
            weighted_total((line.weight, result.per_criterion[line.key]) for line in grid)
        )
        results.append(result)
    return rank(results)


def rank(results: list[OfferResult]) -> list[OfferResult]:
    """Sort best first (then by key, for a stable page); equal totals share a rank."""
    ordered = sorted(results, key=lambda r: (-r.total, r.key))
    counts: dict[Decimal, int] = {}
    for result in ordered:
        counts[result.total] = counts.get(result.total, 0) + 1
    previous: Decimal | None = None
    current_rank = 0
    for position, result in enumerate(ordered, start=1):
        if result.total != previous:
            current_rank = position
            previous = result.total
        result.rank = current_rank
        result.tied = counts[result.total] > 1
    return ordered
