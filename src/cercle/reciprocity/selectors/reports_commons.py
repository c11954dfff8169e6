"""Commons funding: what a common expects, received (in euros and in kind) and paid out,
and the members' page "who plays the commons game". Every figure is an SQL aggregate;
the number of queries does not grow with missions, lines or people.

Definitions (shown on the pages too):
- *budgeted*: the commons budget lines of the awarded offers (€ HT);
- *received in euros*: what was paid into the common's fund (credits of account
  467200 other than payouts), refunds deducted;
- *received in kind*: hours given to the common, validated by a steward;
- *paid out*: payouts to the common's commoners (debits of the fund);
- a member's *mission revenue*: for each mission they lead, the turnover they declared,
  else the awarded amount (€ HT).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from cercle.commons.models import Common
from cercle.membership.models import CircleMembership
from cercle.missions.models import Mission, OfferCommonsLine
from cercle.network.models import Person
from cercle.reciprocity.enums import AccountKind, InKindStatus
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import (
    CommonPayout,
    InKindContribution,
    LedgerLine,
    TurnoverDeclaration,
)
from cercle.reciprocity.policies.reports import (
    can_view_commons_funding_details,
    check_can_view_commons_game,
)

ZERO = Decimal("0.00")
HOURS_ZERO = Decimal("0")
DETAIL_LIMIT = 50
MONEY_OUTPUT: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, to two decimals; None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- One common's funding ------------------------------------------------------------------


@dataclass
class BudgetRow:
    mission_uuid: Any
    mission: str
    lead: str
    amount: Decimal


@dataclass
class ReceivedRow:
    mission_uuid: Any
    mission: str
    payer: str
    amount: Decimal


@dataclass
class InKindRow:
    person: str
    hours: Decimal


@dataclass
class CommonFunding:
    budgeted: Decimal = ZERO
    budgeted_missions: int = 0
    received: Decimal = ZERO
    still_owed: Decimal = ZERO
    in_kind_hours: Decimal = HOURS_ZERO
    paid_out: Decimal = ZERO
    held: Decimal = ZERO
    details_visible: bool = False
    budget_rows: list[BudgetRow] = field(default_factory=list)
    received_rows: list[ReceivedRow] = field(default_factory=list)
    in_kind_rows: list[InKindRow] = field(default_factory=list)
    payouts: list[CommonPayout] = field(default_factory=list)

    @property
    def has_activity(self) -> bool:
        return bool(self.budgeted or self.received or self.in_kind_hours or self.paid_out)


def _fund_lines(common: Common) -> QuerySet[LedgerLine]:
    return LedgerLine.objects.filter(
        account__common=common,
        account__kind=AccountKind.COMMON_FUND,
        transaction__is_posted=True,
    )


def common_funding(*, actor: Any, common: Common) -> CommonFunding:
    """The funding section of a common's page. Totals for everyone; who gave what (per
    mission, lead and payer) and the payouts' beneficiaries for members only.
    Five queries, eight with the details."""
    posted = Q(transaction__is_posted=True)
    sums = LedgerLine.objects.filter(posted, account__common=common).aggregate(
        held=Sum("amount", filter=Q(account__kind=AccountKind.COMMON_FUND)),
        received=Sum(
            "amount",
            filter=Q(
                account__kind=AccountKind.COMMON_FUND,
                transaction__common_payout__isnull=True,
            ),
        ),
        pledged=Sum("amount", filter=Q(account__kind=AccountKind.COMMON_PLEDGED)),
    )
    budget = OfferCommonsLine.objects.filter(common=common, offer__mission__isnull=False)
    budget_sums = budget.aggregate(total=Sum("amount_ht"), n=Count("offer__mission", distinct=True))
    payout_total = CommonPayout.objects.filter(common=common).aggregate(s=Sum("amount"))["s"]
    in_kind = list(
        InKindContribution.objects.filter(common=common, status=InKindStatus.VALIDATED)
        .values("person__first_name", "person__last_name")
        .annotate(hours=Sum("hours"))
        .order_by("-hours", "person__last_name")
    )
    funding = CommonFunding(
        budgeted=cents(budget_sums["total"] or 0),
        budgeted_missions=budget_sums["n"] or 0,
        # The fund and the pledges are credit balances: shown as positive amounts.
        received=cents(-(sums["received"] or 0)),
        held=cents(-(sums["held"] or 0)),
        still_owed=cents(-(sums["pledged"] or 0)),
        paid_out=cents(payout_total or 0),
        in_kind_hours=sum((Decimal(r["hours"]) for r in in_kind), HOURS_ZERO),
        details_visible=can_view_commons_funding_details(actor),
    )
    if not funding.details_visible:
        return funding
    funding.in_kind_rows = [
        InKindRow(person=_name(r["person__first_name"], r["person__last_name"]), hours=r["hours"])
        for r in in_kind
    ]
    funding.budget_rows = [
        BudgetRow(
            mission_uuid=r["offer__mission__uuid"],
            mission=r["offer__mission__request__title"],
            lead=_name(r["offer__mission__lead__first_name"], r["offer__mission__lead__last_name"]),
            amount=cents(r["amount_ht"]),
        )
        for r in budget.order_by("-amount_ht", "id").values(
            "offer__mission__uuid",
            "offer__mission__request__title",
            "offer__mission__lead__first_name",
            "offer__mission__lead__last_name",
            "amount_ht",
        )[:DETAIL_LIMIT]
    ]
    received = (
        _fund_lines(common)
        .filter(transaction__common_payout__isnull=True)
        .values("mission__uuid", "mission__request__title", "transaction__payment__payer_name")
        .annotate(total=Sum("amount"))
        .order_by("total", "mission__request__title")
    )
    funding.received_rows = [
        ReceivedRow(
            mission_uuid=r["mission__uuid"],
            mission=r["mission__request__title"] or "",
            payer=r["transaction__payment__payer_name"] or "",
            amount=cents(-r["total"]),
        )
        for r in received[:DETAIL_LIMIT]
        if r["total"]
    ]
    funding.payouts = list(CommonPayout.objects.filter(common=common)[:DETAIL_LIMIT])
    return funding


# --- Who plays the commons game -----------------------------------------------------------


@dataclass
class PlayerRow:
    person_id: int
    slug: str
    name: str
    missions: int = 0
    revenue: Decimal = ZERO
    budgeted: Decimal = ZERO
    paid_in: Decimal = ZERO

    @property
    def budgeted_share(self) -> Decimal | None:
        return percent(self.budgeted, self.revenue)

    @property
    def paid_share(self) -> Decimal | None:
        return percent(self.paid_in, self.revenue)


@dataclass
class CommonsGame:
    year: int | None
    rows: list[PlayerRow]
    revenue: Decimal = ZERO
    budgeted: Decimal = ZERO
    paid_in: Decimal = ZERO

    @property
    def budgeted_share(self) -> Decimal | None:
        return percent(self.budgeted, self.revenue)

    @property
    def paid_share(self) -> Decimal | None:
        return percent(self.paid_in, self.revenue)


def current_turnover_subquery() -> Subquery:
    """The mission's current declared turnover (the declaration nothing replaces)."""
    return Subquery(
        TurnoverDeclaration.objects.filter(mission=OuterRef("pk"), replaced_by__isnull=True)
        .order_by("-declared_at", "-id")
        .values("amount_ht")[:1],
        output_field=MONEY_OUTPUT,
    )


def missions_with_revenue(year: int | None = None) -> QuerySet[Mission]:
    """Missions (awarded in `year`, if given) annotated with `revenue`: the current
    declared turnover, else the awarded amount."""
    missions = Mission.objects.all()
    if year is not None:
        missions = missions.filter(awarded_at__year=year)
    return missions.annotate(
        revenue=Coalesce(current_turnover_subquery(), F("amount_ht"), output_field=MONEY_OUTPUT)
    )


def commons_game(*, actor: Any, year: int | None = None) -> CommonsGame:
    """Each member of the consultants' circle with the share of their missions' revenue
    that went to commons: budgeted in their offers, and paid in. Missions count for
    their lead, who carries the contract and the commons lines. Four queries."""
    check_can_view_commons_game(actor)
    people = list(
        Person.objects.filter(
            pk__in=CircleMembership.objects.filter(ended_at__isnull=True).values("person_id")
        ).values("id", "slug", "first_name", "last_name")
    )
    table = {
        p["id"]: PlayerRow(
            person_id=p["id"], slug=p["slug"], name=_name(p["first_name"], p["last_name"])
        )
        for p in people
    }
    by_lead = (
        missions_with_revenue(year)
        .filter(lead_id__in=table.keys())
        .values("lead_id")
        .annotate(n=Count("id"), total=Sum("revenue"))
        .order_by()
    )
    for row in by_lead:
        player = table[row["lead_id"]]
        player.missions = row["n"]
        player.revenue = cents(row["total"] or 0)
    lines = OfferCommonsLine.objects.filter(
        offer__mission__isnull=False, offer__mission__lead_id__in=table.keys()
    )
    if year is not None:
        lines = lines.filter(offer__mission__awarded_at__year=year)
    for row in lines.values("offer__mission__lead_id").annotate(total=Sum("amount_ht")).order_by():
        table[row["offer__mission__lead_id"]].budgeted = cents(row["total"] or 0)
    # Paid into a fund for a mission counts for the mission's lead.
    fund = LedgerLine.objects.filter(
        account__kind=AccountKind.COMMON_FUND,
        transaction__is_posted=True,
        transaction__common_payout__isnull=True,
        mission__lead_id__in=table.keys(),
    )
    if year is not None:
        fund = fund.filter(mission__awarded_at__year=year)
    for row in fund.values("mission__lead_id").annotate(total=Sum("amount")).order_by():
        table[row["mission__lead_id"]].paid_in = cents(-(row["total"] or 0))
    rows = sorted(
        table.values(),
        key=lambda r: (
            r.budgeted_share is None,
            -(r.budgeted_share or 0),
            -(r.paid_share or 0),
            -r.revenue,
            r.name,
        ),
    )
    return CommonsGame(
        year=year,
        rows=rows,
        revenue=sum((r.revenue for r in rows), ZERO),
        budgeted=sum((r.budgeted for r in rows), ZERO),
        paid_in=sum((r.paid_in for r in rows), ZERO),
    )
