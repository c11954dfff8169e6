"""Properties of the concentration arithmetic: the equal split, shares and the HHI."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from cercle.missions.selectors.transparency import (
    HHI_MAX,
    hhi,
    hhi_display,
    percent_shares,
    split_equally,
    top_share,
)

cents = st.integers(min_value=0, max_value=10**10).map(lambda c: Decimal(c) / 100)
positive_cents = st.integers(min_value=1, max_value=10**10).map(lambda c: Decimal(c) / 100)
values = st.dictionaries(st.integers(min_value=1, max_value=10_000), cents, min_size=1, max_size=40)


@given(cents, st.integers(min_value=1, max_value=60))
def test_the_equal_split_adds_up_to_the_amount_and_differs_by_a_cent_at_most(
    amount: Decimal, parts: int
) -> None:
    shares = split_equally(amount, parts)
    assert len(shares) == parts
    assert sum(shares) == amount
    assert max(shares) - min(shares) <= Decimal("0.01")
    assert all(s == s.quantize(Decimal("0.01")) for s in shares)


@given(values)
def test_the_hhi_lies_between_10000_over_n_and_10000(amounts: dict[int, Decimal]) -> None:
    index = hhi(amounts)
    total = sum(amounts.values())
    if total == 0:
        assert index is None
        return
    assert index is not None
    receiving = sum(1 for v in amounts.values() if v > 0)
    assert index * receiving >= HHI_MAX
    assert index * len(amounts) >= HHI_MAX
    assert index <= HHI_MAX


@given(values)
def test_the_hhi_is_10000_iff_one_member_has_everything(amounts: dict[int, Decimal]) -> None:
    index = hhi(amounts)
    if index is None:
        return
    one_has_all = sum(1 for v in amounts.values() if v > 0) == 1
    assert (index == HHI_MAX) == one_has_all
    assert (hhi_display(index) == HHI_MAX) == one_has_all


@given(st.integers(min_value=1, max_value=50), positive_cents)
def test_equal_values_give_the_lowest_index(n: int, amount: Decimal) -> None:
    assert hhi(dict.fromkeys(range(n), amount)) * n == HHI_MAX


@given(values)
def test_shares_sum_to_100_within_rounding(amounts: dict[int, Decimal]) -> None:
    shares = percent_shares(amounts)
    if sum(amounts.values()) == 0:
        assert shares == {}
        return
    # Each share is rounded to 0.01, so the sum is off by at most 0.005 per member.
    assert abs(sum(shares.values()) - 100) <= Decimal("0.005") * len(shares)
    assert all(Decimal(0) <= s <= 100 for s in shares.values())


@given(values)
def test_the_top_three_hold_at_least_their_fair_part(amounts: dict[int, Decimal]) -> None:
    if sum(amounts.values()) == 0:
        return
    top = top_share(amounts, 3)
    n = len(amounts)
    assert top <= 100
    assert top >= (Decimal(100) * min(3, n) / n).quantize(Decimal("0.01")) - Decimal("0.01")


@given(values)
def test_the_integer_arithmetic_gives_the_exact_definitions(amounts: dict[int, Decimal]) -> None:
    """The selector computes in cents, once; the figures are those of the definitions:
    HHI = Σ (100 · v / total)², shares and the top three rounded half up from the exact
    fractions."""
    total = sum((Fraction(v) for v in amounts.values()), Fraction(0))
    if total == 0:
        assert hhi(amounts) is None
        return

    def rounded(share: Fraction) -> Decimal:
        hundredths = share * 10_000
        q, r = divmod(hundredths.numerator, hundredths.denominator)
        return Decimal(q + (1 if 2 * r >= hundredths.denominator else 0)) / 100

    assert hhi(amounts) == sum((Fraction(v) * 100 / total) ** 2 for v in amounts.values())
    assert percent_shares(amounts) == {k: rounded(Fraction(v) / total) for k, v in amounts.items()}
    top = sorted((Fraction(v) for v in amounts.values()), reverse=True)[:3]
    assert top_share(amounts) == rounded(sum(top, Fraction(0)) / total)
