"""The stewards' dashboard: who owes what, what is overdue, the reminders sent, in-kind
contributions waiting for a steward, and the association's animation effort set
against what came back. Aggregated in SQL: a fixed number of queries.

The reminders are the journal entries the declarations' services record with a verb
starting with `declaration.remind` (the agreed verb is `declaration.reminded`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from cercle.core.models import JournalEntry
from cercle.reciprocity.enums import AccountKind, DeclarationStatus, InKindStatus
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import (
    AnimationTime,
    InKindContribution,
    LedgerLine,
    YearlyDeclaration,
)
from cercle.reciprocity.policies.reports import check_can_view_steward_dashboard
from cercle.reciprocity.selectors import ledger_figures
from cercle.reciprocity.selectors.ledger_figures import ReceivableRows
from cercle.reciprocity.selectors.reports_exports import declarations_with_amounts
from cercle.reciprocity.selectors.reports_money import paid_by_mission

ZERO = Decimal("0.00")
HOURS_ZERO = Decimal("0")
REMINDER_VERB_PREFIX = "declaration.remind"
REMINDERS_SHOWN = 20
OVERDUE_SHOWN = 100


def receivable_balances() -> ReceivableRows:
    """Receivable accounts whose balance is not zero, largest debt first, as a sequence
    a paginator slices: dicts with `account__uuid`, names and `balance` (debit +: owed
    to the association). The balances are cached under the ledger's version
    (`ledger_figures`); the names of the rows shown are read at each request."""
    return ReceivableRows(ledger_figures.receivable_balances())


def overdue_declarations(*, today: Any = None) -> QuerySet[YearlyDeclaration]:
    """Invoiced declarations not fully paid whose due date has passed, oldest first,
    annotated with `paid` and `due`."""
    today = today or timezone.localdate()
    return (
        declarations_with_amounts()
        .filter(
            status__in=[DeclarationStatus.INVOICED, DeclarationStatus.PARTIALLY_PAID],
            due_on__lt=today,
        )
        .order_by("due_on", "id")
    )


@dataclass
class EffortRow:
    project: str
    mission_uuid: Any = None
    animation_hours: Decimal = HOURS_ZERO
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    in_kind_hours: Decimal = HOURS_ZERO


@dataclass
class StewardDashboard:
    year: int
    owed_total: Decimal = ZERO
    debtors: int = 0
    overdue_count: int = 0
    overdue_due: Decimal = ZERO
    overdue: list[YearlyDeclaration] = field(default_factory=list)
    reminders: list[JournalEntry] = field(default_factory=list)
    in_kind_pending: int = 0
    effort: list[EffortRow] = field(default_factory=list)
    effort_totals: EffortRow = field(default_factory=lambda: EffortRow(project=""))
    receivables: ReceivableRows = field(default_factory=lambda: ReceivableRows([]))


def effort_versus_return(year: int) -> tuple[list[EffortRow], EffortRow]:
    """Per project (or mission) with animation time in `year`: the association's hours,
    and what came back for the missions: € invoiced and paid (all years), validated
    in-kind hours. Five queries."""
    rows: dict[tuple[Any, str], EffortRow] = {}
    for row in (
        AnimationTime.objects.filter(done_on__year=year)
        .values("mission_id", "mission__uuid", "mission__request__title", "project")
        .annotate(hours=Sum("hours"))
        .order_by("-hours", "project")
    ):
        key = (row["mission_id"], "" if row["mission_id"] else row["project"])
        found = rows.get(key)
        if found is None:
            found = rows[key] = EffortRow(
                project=row["mission__request__title"] or row["project"],
                mission_uuid=row["mission__uuid"],
            )
        found.animation_hours += Decimal(row["hours"])
    mission_ids = [key[0] for key in rows if key[0]]
    if mission_ids:
        invoiced = dict(
            LedgerLine.objects.filter(
                mission_id__in=mission_ids,
                account__kind=AccountKind.INCOME_CONTRIBUTION,
                transaction__is_posted=True,
            )
            .values_list("mission_id")
            .annotate(s=Sum("amount"))
            .order_by()
        )
        paid = paid_by_mission(
            YearlyDeclaration.objects.filter(lines__mission_id__in=mission_ids).distinct()
        )
        in_kind = dict(
            InKindContribution.objects.filter(
                mission_id__in=mission_ids, status=InKindStatus.VALIDATED
            )
            .values_list("mission_id")
            .annotate(h=Sum("hours"))
            .order_by()
        )
        for (mission_id, _project), effort in rows.items():
            if mission_id:
                effort.invoiced = cents(-(invoiced.get(mission_id) or 0))
                effort.paid = paid.get(mission_id, ZERO)
                effort.in_kind_hours = Decimal(in_kind.get(mission_id) or 0)
    ordered = sorted(rows.values(), key=lambda r: (-r.animation_hours, r.project))
    totals = EffortRow(
        project="",
        animation_hours=sum((r.animation_hours for r in ordered), HOURS_ZERO),
        invoiced=sum((r.invoiced for r in ordered), ZERO),
        paid=sum((r.paid for r in ordered), ZERO),
        in_kind_hours=sum((r.in_kind_hours for r in ordered), HOURS_ZERO),
    )
    return ordered, totals


def steward_dashboard(*, actor: Any, year: int) -> StewardDashboard:
    """The totals, the overdue declarations, the reminders, in kind waiting and the
    effort, and `receivables` (who owes what) for the page to paginate. A fixed number
    of queries; the receivable balances come from the cache while nothing is posted."""
    check_can_view_steward_dashboard(actor)
    receivables = receivable_balances()
    balances = [b for _pk, _aux, b in receivables.balances if b > 0]
    today = timezone.localdate()
    overdue = overdue_declarations(today=today)
    overdue_sums = (
        ledger_figures.posted_lines()
        .filter(
            account__kind=AccountKind.RECEIVABLE,
            declaration__status__in=[DeclarationStatus.INVOICED, DeclarationStatus.PARTIALLY_PAID],
            declaration__due_on__lt=today,
        )
        .aggregate(n=Count("declaration", distinct=True), due=Sum("amount"))
    )
    overdue_rows = list(overdue[:OVERDUE_SHOWN])
    effort, totals = effort_versus_return(year)
    return StewardDashboard(
        year=year,
        owed_total=cents(sum(balances, ZERO)),
        debtors=len(balances),
        overdue_count=overdue_sums["n"] or 0,
        overdue_due=cents(overdue_sums["due"] or 0),
        overdue=overdue_rows,
        reminders=list(
            JournalEntry.objects.filter(verb__startswith=REMINDER_VERB_PREFIX)
            .select_related("actor", "subject")
            .order_by("-seq")[:REMINDERS_SHOWN]
        ),
        in_kind_pending=InKindContribution.objects.filter(status=InKindStatus.PENDING).count(),
        effort=effort,
        effort_totals=totals,
        receivables=receivables,
    )
