"""Every consultant's yearly figures at once: the totals of `statement_get` (declared,
invoiced, paid, still due, overdue, expected by the policies) for all people in two
queries, whatever their number. The rules are those of `statement_get`, which shows
one person's year in detail; a test checks both agree for each person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from cercle.reciprocity.computation import PolicyTerms, expected_contribution
from cercle.reciprocity.enums import ContributionStatus, DeclarationStatus
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import MissionContribution, TurnoverDeclaration, YearlyDeclaration
from cercle.reciprocity.selectors.declarations import DUE_STATUSES, with_paid
from cercle.reciprocity.selectors.reports_exports import MONEY_OUTPUT

ZERO = Decimal("0.00")


@dataclass
class StatementFigures:
    """One person's year, as the totals of their statement (€ HT; paid is gross)."""

    person_id: int
    declared: Decimal = ZERO
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    due: Decimal = ZERO
    overdue: int = 0
    overdue_due: Decimal = ZERO
    expected_total: Decimal = ZERO


def _declared_figures(
    year: int, people: QuerySet[Any] | None, today: Any
) -> dict[int, StatementFigures]:
    declarations = YearlyDeclaration.objects.filter(year=year).exclude(
        status=DeclarationStatus.CANCELLED
    )
    if people is not None:
        declarations = declarations.filter(person__in=people)
    figures: dict[int, StatementFigures] = {}
    annotated: Any = with_paid(declarations)
    for person_id, status, amount, due_on, paid in annotated.order_by().values_list(
        "person_id", "status", "amount_ht", "due_on", "paid"
    ):
        row = figures.get(person_id) or figures.setdefault(person_id, StatementFigures(person_id))
        row.declared += amount
        if status != DeclarationStatus.DECLARED:
            row.invoiced += amount
            row.paid += Decimal(paid)
        due = amount - Decimal(paid or 0) if status in DUE_STATUSES else ZERO
        row.due += due
        if due > 0 and due_on and due_on < today:
            row.overdue += 1
            row.overdue_due += due
    return figures


def _expected_totals(year: int, people: QuerySet[Any] | None) -> dict[int, Decimal]:
    """Per lead: the known expected contributions of their missions awarded in `year`
    (as `policies.expected_total`)."""
    turnover = Subquery(
        TurnoverDeclaration.objects.filter(mission=OuterRef("mission_id"), replaced_by__isnull=True)
        .order_by("-declared_at", "-id")
        .values("amount_ht")[:1],
        output_field=MONEY_OUTPUT,
    )
    contributions = MissionContribution.objects.filter(mission__awarded_at__year=year)
    if people is not None:
        contributions = contributions.filter(mission__lead__in=people)
    totals: dict[int, Decimal] = defaultdict(lambda: Decimal(0))
    agreed = ContributionStatus.AGREED
    for lead_id, policy, rate, self_assessed, negotiated, status, amount in (
        contributions.annotate(turnover=turnover)
        .order_by()
        .values_list(
            "mission__lead_id",
            "policy",
            "rate_percent",
            "self_assessed_amount_ht",
            "negotiated_amount_ht",
            "status",
            "turnover",
        )
    ):
        # The terms as `policies.terms_of` reads them from a contribution.
        terms = PolicyTerms(
            policy=policy,
            rate_percent=rate,
            self_assessed_amount_ht=self_assessed,
            negotiated_amount_ht=negotiated,
            negotiated_agreed=status == agreed,
        )
        expected = expected_contribution(terms, amount)
        if expected:
            totals[lead_id] += expected
    return {person_id: cents(total) for person_id, total in totals.items()}


def statements_for_year(
    year: int, *, people: QuerySet[Any] | None = None
) -> dict[int, StatementFigures]:
    """person id → their figures for `year`, for everyone with a declaration that year
    or a mission awarded that year they lead (restricted to `people` when given). Two
    queries."""
    today = timezone.localdate()
    figures = _declared_figures(year, people, today)
    for person_id, expected in _expected_totals(year, people).items():
        row = figures.get(person_id) or figures.setdefault(person_id, StatementFigures(person_id))
        row.expected_total = expected
    return figures
