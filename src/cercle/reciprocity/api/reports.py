"""API: exports, commons funding, dashboards, the public yearly report."""

import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja import Path as PathParam
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.commons import selectors as commons_selectors
from cercle.core.api import authenticated_user
from cercle.core.errors import NotAllowed
from cercle.core.pagecache import cached_operation
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import CommonPayout
from cercle.reciprocity.policies.reports import (
    can_view_commons_funding_details,
    check_can_export_ledger,
    check_can_view_steward_dashboard,
)
from cercle.reciprocity.selectors import reports_commons, reports_dashboard
from cercle.reciprocity.selectors.reports_exports import API_TABLES
from cercle.reciprocity.selectors.reports_fec import ENCODING, fec_filename, fec_stream
from cercle.reciprocity.selectors.reports_yearly import yearly_report
from cercle.reciprocity.services.reports_commons import common_payout_record
from cercle.reciprocity.views.reports import _export_year, table_response

router = Router(tags=["reciprocity: reports"])


# --- Exports ------------------------------------------------------------------------------


@router.get("/exports/fec/{year}", response={200: None})
def export_fec(
    request: HttpRequest,
    year: int = PathParam(..., ge=2000, le=2100),  # type: ignore[type-arg]
) -> StreamingHttpResponse:
    """The FEC of a fiscal year (18 TAB-separated columns, ISO 8859-15). Stewards only."""
    check_can_export_ledger(authenticated_user(request))
    _export_year(year)
    response = StreamingHttpResponse(
        fec_stream(year), content_type=f"text/plain; charset={ENCODING}"
    )
    response["Content-Disposition"] = f'attachment; filename="{fec_filename(year)}"'
    return response


@router.get("/exports/{table}/{year}", response={200: None})
def export_table(
    request: HttpRequest,
    table: Literal["ledger", "declarations", "balances"],
    year: int = PathParam(..., ge=2000, le=2100),  # type: ignore[type-arg]
    format: Literal["csv", "xlsx"] = "csv",
) -> Any:
    """The ledger's lines, the yearly declarations or the balances per account of a year,
    as CSV (`;`, UTF-8 with BOM, decimal comma) or XLSX. Stewards only."""
    check_can_export_ledger(authenticated_user(request))
    return table_response(API_TABLES[table], year, format)


# --- Commons ------------------------------------------------------------------------------


class BudgetRowOut(Schema):
    mission: UUID | None = Field(alias="mission_uuid")
    mission_title: str = Field(alias="mission")
    lead: str
    amount_ht: Decimal = Field(alias="amount")


class ReceivedRowOut(Schema):
    mission: UUID | None = Field(alias="mission_uuid")
    mission_title: str = Field(alias="mission")
    payer: str
    amount: Decimal


class InKindRowOut(Schema):
    person: str
    hours: Decimal


class PayoutOut(Schema):
    id: UUID = Field(alias="uuid")
    amount: Decimal
    beneficiary: str
    paid_on: datetime.date
    note: str


class CommonFundingOut(Schema):
    budgeted_ht: Decimal = Field(alias="budgeted", description="Budget lines of awarded offers.")
    budgeted_missions: int
    received: Decimal = Field(description="Paid into the fund (€), refunds deducted.")
    still_owed: Decimal = Field(description="Budgeted by missions, not yet paid in (€).")
    in_kind_hours: Decimal
    paid_out: Decimal
    held: Decimal = Field(description="What the fund holds now (€).")
    details_visible: bool
    budget_rows: list[BudgetRowOut]
    received_rows: list[ReceivedRowOut]
    in_kind_rows: list[InKindRowOut]
    payouts: list[PayoutOut]


@router.get("/commons/{slug}/funding", response=CommonFundingOut)
def get_common_funding(request: HttpRequest, slug: str) -> Any:
    """What a common received in euros and in kind, and paid out. Totals for everyone;
    who gave what for members."""
    user = request.user if request.user.is_authenticated else None
    common = commons_selectors.common_get(actor=user, slug=slug)
    return reports_commons.common_funding(actor=user, common=common)


class PayoutIn(Schema):
    amount: Decimal = Field(description="€, more than zero, at most the fund's balance.")
    beneficiary: str
    paid_on: datetime.date
    note: str = ""


@router.post("/commons/{slug}/payouts", response={201: PayoutOut})
def create_common_payout(request: HttpRequest, slug: str, payload: PayoutIn) -> Status[Any]:
    """Record a payout from the common's fund (fund debit, bank credit). Stewards only."""
    user = authenticated_user(request)
    common = commons_selectors.common_get(actor=user, slug=slug)
    payout = common_payout_record(actor=user, common=common, **payload.dict())
    return Status(201, payout)


@router.get("/commons/{slug}/payouts", response=list[PayoutOut])
@paginate(Pagination)
def list_common_payouts(request: HttpRequest, slug: str) -> Any:
    """Payouts from the common's fund, newest first. Members of the network."""
    user = authenticated_user(request)
    common = commons_selectors.common_get(actor=user, slug=slug)
    if not can_view_commons_funding_details(user):
        raise NotAllowed(_("Payouts are visible to members of the network."))
    return CommonPayout.objects.filter(common=common).order_by("-paid_on", "-id")


class PlayerOut(Schema):
    person: str = Field(alias="slug")
    name: str
    missions: int
    revenue_ht: Decimal = Field(alias="revenue", description="Turnover declared, else amount.")
    budgeted_ht: Decimal = Field(alias="budgeted")
    paid_in: Decimal
    budgeted_share: Decimal | None = Field(description="% of the revenue budgeted to commons.")
    paid_share: Decimal | None = Field(description="% of the revenue paid into commons.")


class YearFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/commons-players", response=list[PlayerOut])
@paginate(Pagination)
def list_commons_players(request: HttpRequest, filters: Query[YearFilter]) -> Any:
    """Who plays the commons game: each circle member's mission revenue and the share
    that went to commons, largest share first. Members of the network."""
    game = reports_commons.commons_game(actor=authenticated_user(request), year=filters.year)
    return game.rows


# --- The stewards' dashboard ----------------------------------------------------------------


class ReceivableOut(Schema):
    account: UUID = Field(alias="account__uuid")
    auxiliary: str = Field(alias="account__auxiliary")
    name: str = Field(alias="account__name")
    person: str | None = Field(alias="account__person__slug")
    organization: str | None = Field(alias="account__organization__name")
    balance: Decimal = Field(description="€ owed to the association (negative: in credit).")

    @staticmethod
    def resolve_balance(obj: Any) -> Decimal:
        return cents(obj["balance"])


@router.get("/receivables", response=list[ReceivableOut])
@paginate(Pagination)
def list_receivables(request: HttpRequest) -> Any:
    """Who owes what: receivable balances not at zero, largest first. Stewards only."""
    check_can_view_steward_dashboard(authenticated_user(request))
    return reports_dashboard.receivable_balances()


class OverdueOut(Schema):
    id: UUID = Field(alias="uuid")
    person: str
    year: int
    amount_ht: Decimal
    due_on: datetime.date | None
    paid: Decimal
    due: Decimal
    reminders_sent: int

    @staticmethod
    def resolve_person(obj: Any) -> str:
        return str(obj.person.slug)

    @staticmethod
    def resolve_paid(obj: Any) -> Decimal:
        return cents(obj.paid)

    @staticmethod
    def resolve_due(obj: Any) -> Decimal:
        return cents(obj.due)


class ReminderOut(Schema):
    id: UUID = Field(alias="uuid")
    verb: str
    object_label: str
    created_at: datetime.datetime


class EffortOut(Schema):
    project: str
    mission: UUID | None = Field(alias="mission_uuid")
    animation_hours: Decimal
    invoiced: Decimal
    paid: Decimal
    in_kind_hours: Decimal


class StewardDashboardOut(Schema):
    year: int
    owed_total: Decimal
    debtors: int
    overdue_count: int
    overdue_due: Decimal
    overdue: list[OverdueOut]
    reminders: list[ReminderOut]
    in_kind_pending: int
    effort: list[EffortOut]
    effort_totals: EffortOut


class DashboardFilter(Schema):
    year: int = Field(default_factory=lambda: datetime.date.today().year, ge=2000, le=2100)


@router.get("/dashboards/stewards", response=StewardDashboardOut)
@cached_operation
def get_steward_dashboard(request: HttpRequest, filters: Query[DashboardFilter]) -> Any:
    """Totals owed, overdue declarations, reminders sent, in kind waiting, and the
    association's animation effort against what came back. Stewards only."""
    return reports_dashboard.steward_dashboard(actor=authenticated_user(request), year=filters.year)


# --- The yearly report ----------------------------------------------------------------------


class ReportTerritoryOut(Schema):
    code: str
    name: str
    missions: int
    value_ht: Decimal = Field(alias="value")


class PolicyOut(Schema):
    policy: str
    label: str
    missions: int
    known: int = Field(description="Missions whose expected amount is known.")
    expected_ht: Decimal = Field(alias="expected")
    paid_ht: Decimal = Field(alias="paid")


class CommonRowOut(Schema):
    slug: str
    name: str
    budgeted_ht: Decimal = Field(alias="budgeted")
    paid_in: Decimal
    paid_out: Decimal
    in_kind_hours: Decimal


class KindHoursOut(Schema):
    kind: str
    label: str
    hours: Decimal


class FindingOut(Schema):
    finding: str
    label: str
    count: int


class QualityOut(Schema):
    surveys_sent: int
    surveys_answered: int
    overall_average: Decimal | None
    objectives_average: Decimal | None
    would_recommend_share: Decimal | None
    reviews: int
    reviews_by_finding: list[FindingOut]

    @staticmethod
    def resolve_reviews_by_finding(obj: Any) -> list[dict[str, Any]]:
        return [
            {"finding": code, "label": label, "count": n}
            for code, label, n in obj.reviews_by_finding
        ]


class ReportConcentrationOut(Schema):
    consultants: int
    top_count: int = Field(description="The top 20% of consultants (at least one).")
    top_value_share: Decimal | None
    top_missions_share: Decimal | None
    hhi: int | None


class YearlyReportOut(Schema):
    year: int
    missions: int
    value_ht: Decimal = Field(alias="value")
    regions: list[ReportTerritoryOut]
    departments: list[ReportTerritoryOut]
    departments_count: int
    policies: list[PolicyOut]
    unsplit_paid: Decimal = Field(description="Paid on declarations not split per mission.")
    expected_total: Decimal
    paid_total: Decimal
    invoiced_in_year: Decimal
    donations: Decimal
    membership_fees: Decimal
    commons: list[CommonRowOut]
    commons_budgeted: Decimal
    commons_paid_in: Decimal
    commons_paid_out: Decimal
    in_kind: list[KindHoursOut]
    in_kind_hours: Decimal
    animation_hours: Decimal
    quality: QualityOut
    concentration: ReportConcentrationOut


@router.get("/reports/{year}", response=YearlyReportOut)
@cached_operation
def get_yearly_report(
    request: HttpRequest,
    year: int = PathParam(..., ge=2000, le=2100),  # type: ignore[type-arg]
) -> Any:
    """The public yearly report of the network (aggregates only; anyone may read it)."""
    return yearly_report(year=year)
