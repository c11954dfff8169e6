"""Money figures the reports share: expected contributions by policy, and what was paid
on declarations, shared among the missions they name.

Rules:
- *expected*: a mission's policy applied to its current declared turnover
  (`computation.expected_contribution`); unknown when it cannot be computed yet;
- *paid for a mission*: a declaration's payments (refunds deducted) shared among the
  missions its lines name, in proportion to the lines' amounts, to the cent, with the
  largest remainder method (`computation.distribute`), so the shares sum exactly to
  what was paid. A declaration not split per mission is counted under `None`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from cercle.reciprocity.computation import PolicyTerms, distribute, expected_contribution
from cercle.reciprocity.enums import ContributionStatus, DeclarationStatus, PolicyKind
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import (
    DeclarationLine,
    MissionContribution,
    TurnoverDeclaration,
    YearlyDeclaration,
)
from cercle.reciprocity.selectors.reports_exports import MONEY_OUTPUT, declarations_with_amounts

ZERO = Decimal("0.00")


@dataclass
class PolicyExpected:
    policy: str
    label: str
    missions: int = 0
    known: int = 0
    expected: Decimal = ZERO
    paid: Decimal = ZERO


def contributions_with_turnover(missions: QuerySet[Any]) -> QuerySet[MissionContribution]:
    turnover = Subquery(
        TurnoverDeclaration.objects.filter(mission=OuterRef("mission_id"), replaced_by__isnull=True)
        .order_by("-declared_at", "-id")
        .values("amount_ht")[:1],
        output_field=MONEY_OUTPUT,
    )
    return MissionContribution.objects.filter(mission__in=missions).annotate(turnover=turnover)


def expected_by_mission_ids(missions: QuerySet[Any]) -> dict[int, tuple[str, Decimal | None]]:
    """mission id → (policy, expected amount or None). One query."""
    result: dict[int, tuple[str, Decimal | None]] = {}
    rows: Any = contributions_with_turnover(missions)
    for row in rows.values(
        "mission_id",
        "policy",
        "rate_percent",
        "self_assessed_amount_ht",
        "negotiated_amount_ht",
        "status",
        "turnover",
    ):
        terms = PolicyTerms(
            policy=row["policy"],
            rate_percent=row["rate_percent"],
            self_assessed_amount_ht=row["self_assessed_amount_ht"],
            negotiated_amount_ht=row["negotiated_amount_ht"],
            negotiated_agreed=row["status"] == ContributionStatus.AGREED,
        )
        result[row["mission_id"]] = (row["policy"], expected_contribution(terms, row["turnover"]))
    return result


def paid_by_mission(declarations: QuerySet[YearlyDeclaration]) -> dict[int | None, Decimal]:
    """What was paid on `declarations`, per mission they name (None: not split).
    Two queries."""
    ids = declarations.exclude(status=DeclarationStatus.CANCELLED).values("pk")
    paid = {
        pk: cents(amount)
        for pk, amount in declarations_with_amounts()
        .filter(pk__in=ids)
        .values_list("pk", "paid")
        .order_by()
        if amount and amount > 0
    }
    lines: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    # The lines of the same declarations, by subquery: a list of thousands of ids costs
    # more to build than the query; the lines of declarations with nothing paid are skipped.
    for declaration_id, mission_id, amount in (
        DeclarationLine.objects.filter(declaration_id__in=ids)
        .order_by("declaration_id", "id")
        .values_list("declaration_id", "mission_id", "amount_ht")
    ):
        if declaration_id in paid:
            lines[declaration_id].append((mission_id, Decimal(amount)))
    result: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for declaration_id, amount in paid.items():
        parts = lines.get(declaration_id)
        if not parts or not any(w for _m, w in parts):
            result[None] += amount
            continue
        for (mission_id, _w), share in zip(
            parts, distribute(amount, [w for _m, w in parts]), strict=True
        ):
            result[mission_id] += share
    return dict(result)


def expected_and_paid_by_policy(
    *, missions: QuerySet[Any], declarations: QuerySet[YearlyDeclaration]
) -> tuple[list[PolicyExpected], Decimal]:
    """Per policy: missions, how many have a known amount, expected (for `missions`) and
    paid (on `declarations`, whatever the year of the missions they name). Also what was
    paid on declarations not split per mission. Four queries."""
    labels = dict(PolicyKind.choices)
    rows = {kind: PolicyExpected(policy=kind, label=str(labels[kind])) for kind in labels}
    for policy, expected in expected_by_mission_ids(missions).values():
        row = rows[policy]
        row.missions += 1
        if expected is not None:
            row.known += 1
            row.expected += expected
    paid = paid_by_mission(declarations)
    unsplit = paid.pop(None, ZERO)
    if paid:
        named = DeclarationLine.objects.filter(declaration__in=declarations).values("mission_id")
        policies = dict(
            MissionContribution.objects.filter(mission_id__in=named).values_list(
                "mission_id", "policy"
            )
        )
        for mission_id, amount in paid.items():
            kind = policies.get(mission_id) if mission_id is not None else None
            if kind is None:
                unsplit += amount
            else:
                rows[kind].paid += amount
    return list(rows.values()), unsplit
