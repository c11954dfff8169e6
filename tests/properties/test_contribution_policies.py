"""Properties of the reciprocity arithmetic (cercle.reciprocity.computation): each policy's
result is exact and rounded once half-up, never negative; fee + net = gross; the shares
of a distribution sum exactly and stay within a cent of the exact proportion."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from cercle.reciprocity.computation import (
    PolicyTerms,
    distribute,
    expected_contribution,
    split_fee,
)
from cercle.reciprocity.enums import RATE_POLICIES, PolicyKind

CENTS = st.integers(min_value=0, max_value=10**11).map(lambda n: Decimal(n) / 100)
POSITIVE_CENTS = st.integers(min_value=1, max_value=10**11).map(lambda n: Decimal(n) / 100)
RATES = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n) / 100)


def reference_round(value: Fraction) -> Fraction:
    """Half away from zero, to the cent, on exact fractions (the reference)."""
    scaled = value * 100
    sign = 1 if scaled >= 0 else -1
    magnitude = abs(scaled)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(sign * whole, 100)


@given(
    policy=st.sampled_from(sorted(RATE_POLICIES)),
    turnover=CENTS,
    rate=RATES,
)
def test_rate_policies_are_exact_and_rounded_once(
    policy: str, turnover: Decimal, rate: Decimal
) -> None:
    result = expected_contribution(PolicyTerms(policy=policy, rate_percent=rate), turnover)
    assert result is not None
    exact = Fraction(turnover) * Fraction(rate) / 100
    assert Fraction(result) == reference_round(exact)
    assert result >= 0
    assert result == result.quantize(Decimal("0.01"))
    assert abs(Fraction(result) - exact) <= Fraction(1, 200)


@given(policy=st.sampled_from(sorted(RATE_POLICIES)), rate=RATES)
def test_rate_policies_wait_for_the_turnover(policy: str, rate: Decimal) -> None:
    assert expected_contribution(PolicyTerms(policy=policy, rate_percent=rate), None) is None


@given(amount=CENTS, turnover=st.none() | CENTS)
def test_self_assessed_returns_its_amount(amount: Decimal, turnover: Decimal | None) -> None:
    terms = PolicyTerms(policy=PolicyKind.SELF_ASSESSED, self_assessed_amount_ht=amount)
    assert expected_contribution(terms, turnover) == amount


@given(amount=CENTS, turnover=st.none() | CENTS, agreed=st.booleans())
def test_negotiated_returns_its_amount_once_agreed(
    amount: Decimal, turnover: Decimal | None, agreed: bool
) -> None:
    terms = PolicyTerms(
        policy=PolicyKind.NEGOTIATED, negotiated_amount_ht=amount, negotiated_agreed=agreed
    )
    assert expected_contribution(terms, turnover) == (amount if agreed else None)


@given(gross=CENTS, rate=RATES)
def test_fee_plus_net_is_gross(gross: Decimal, rate: Decimal) -> None:
    fee, net = split_fee(gross, rate)
    assert fee + net == gross
    assert fee >= 0
    assert net >= 0
    assert Fraction(fee) == reference_round(Fraction(gross) * Fraction(rate) / 100)


@given(
    amount=CENTS,
    weights=st.lists(
        st.integers(min_value=0, max_value=10**6).map(Decimal), min_size=1, max_size=12
    ).filter(lambda ws: any(w > 0 for w in ws)),
)
def test_distribution_sums_exactly_and_is_within_a_cent(
    amount: Decimal, weights: list[Decimal]
) -> None:
    shares = distribute(amount, weights)
    assert len(shares) == len(weights)
    assert sum(shares, Decimal(0)) == amount
    total = sum((Fraction(w) for w in weights), Fraction(0))
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(amount) * Fraction(weight) / total
        assert abs(Fraction(share) - exact) < Fraction(1, 100)
        assert share >= 0
        if weight == 0:
            assert share == 0


@given(amount=POSITIVE_CENTS, n=st.integers(min_value=1, max_value=20))
def test_equal_weights_differ_by_at_most_a_cent(amount: Decimal, n: int) -> None:
    shares = distribute(amount, [Decimal(1)] * n)
    assert max(shares) - min(shares) <= Decimal("0.01")
    assert shares == sorted(shares, reverse=True)  # ties go to the earliest weight
