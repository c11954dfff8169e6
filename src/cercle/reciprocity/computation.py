"""Pure money arithmetic of reciprocity: a policy's expected amount, and the exact
distribution of an amount into shares. No database access; property-tested.

Rounding (docs/decisions/0010): the result is rounded once, to the cent, half away
from zero. Intermediate products are exact `Decimal`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from cercle.reciprocity.enums import RATE_POLICIES, PolicyKind
from cercle.reciprocity.ledger import CENT, cents


@dataclass(frozen=True)
class PolicyTerms:
    """What a mission recorded at award (copied from `MissionContribution`)."""

    policy: str
    rate_percent: Decimal | None = None
    self_assessed_amount_ht: Decimal | None = None
    negotiated_amount_ht: Decimal | None = None
    negotiated_agreed: bool = False


def expected_contribution(terms: PolicyTerms, turnover_ht: Decimal | None) -> Decimal | None:
    """The contribution (€ HT) a mission owes under its policy, or None when it
    cannot be known yet (no turnover declared for a rate; no amount set or agreed).

    - flat rate, structure fee, introduction fee: turnover × rate / 100, rounded once;
    - self-assessed: the amount the consultant set;
    - negotiated: the amount, once both the steward and the consultant agreed.
    """
    if terms.policy in RATE_POLICIES:
        if turnover_ht is None or terms.rate_percent is None:
            return None
        return cents(Decimal(turnover_ht) * Decimal(terms.rate_percent) / Decimal(100))
    if terms.policy == PolicyKind.SELF_ASSESSED:
        return (
            None if terms.self_assessed_amount_ht is None else cents(terms.self_assessed_amount_ht)
        )
    if terms.policy == PolicyKind.NEGOTIATED:
        if terms.negotiated_amount_ht is None or not terms.negotiated_agreed:
            return None
        return cents(terms.negotiated_amount_ht)
    raise ValueError(f"Unknown policy {terms.policy!r}")


def split_fee(gross: Decimal, fee_percent: Decimal) -> tuple[Decimal, Decimal]:
    """(fee, net) of a gross amount at a percentage: the fee is rounded once and the
    net is what remains, so fee + net = gross to the cent."""
    gross = cents(gross)
    fee = cents(gross * Decimal(fee_percent) / Decimal(100))
    return fee, gross - fee


def distribute(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` (whole cents) in proportion to `weights`, in whole cents, so
    that the shares sum exactly to `amount` (largest remainder method; ties go to
    the earliest weight). Zero weights get zero; all-zero weights are refused."""
    amount = cents(amount)
    total_weight = sum((Decimal(w) for w in weights), Decimal(0))
    if any(Decimal(w) < 0 for w in weights):
        raise ValueError("Weights cannot be negative.")
    if total_weight == 0:
        raise ValueError("At least one weight must be positive.")
    units = int(amount / CENT)
    raw = [Decimal(units) * Decimal(w) / total_weight for w in weights]
    floors = [int(r) if r >= 0 else int(r) - (r != int(r)) for r in raw]
    left = units - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: abs(left)]:
        floors[i] += 1 if left > 0 else -1
    return [Decimal(n) * CENT for n in floors]
