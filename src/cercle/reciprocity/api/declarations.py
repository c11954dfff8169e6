"""API: yearly declarations, payments, refunds, receipts, the HelloAsso import, my statement.

Every operation calls the same service as its page.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.pagecache import cached_operation
from cercle.core.pdf import pdf_response
from cercle.reciprocity.enums import DeclarationStatus, PaymentKind, PaymentMethod
from cercle.reciprocity.models import Payment, YearlyDeclaration
from cercle.reciprocity.selectors import declarations as selectors
from cercle.reciprocity.services import declarations as services
from cercle.reciprocity.services import declarations_helloasso as helloasso
from cercle.reciprocity.services import declarations_helloasso_api as helloasso_api
from cercle.reciprocity.services import declarations_payments as payment_services
from cercle.reciprocity.services import declarations_refunds as refund_services

router = Router(tags=["reciprocity: declarations and payments"])


# ---------------------------------------------------------------- schemas


class DeclarationLineIn(Schema):
    mission: UUID
    amount_ht: str = Field(max_length=20, description='€ HT, to the cent, e.g. "150.50".')


class DeclarationIn(Schema):
    year: int
    amount_ht: str = Field(max_length=20, description="€ HT, to the cent.")
    note: str = Field("", max_length=2000)
    lines: list[DeclarationLineIn] = Field(default_factory=list, max_length=200)


class DeclarationAmendIn(Schema):
    amount_ht: str = Field(max_length=20)
    note: str = Field("", max_length=2000)
    lines: list[DeclarationLineIn] = Field(default_factory=list, max_length=200)


class CancelIn(Schema):
    reason: str = Field(max_length=2000)


class DeclarationLineOut(Schema):
    mission: UUID
    mission_title: str
    amount_ht: Decimal


class DeclarationOut(Schema):
    id: UUID = Field(alias="uuid")
    person: str
    person_name: str
    year: int
    amount_ht: Decimal
    note: str
    status: DeclarationStatus
    declared_at: datetime
    invoiced_at: datetime | None
    due_on: date | None
    paid_at: datetime | None
    cancelled_at: datetime | None
    cancellation_reason: str
    paid: Decimal
    left_to_pay: Decimal
    reminders_sent: int

    @staticmethod
    def resolve_person(d: YearlyDeclaration) -> str:
        return d.person.slug

    @staticmethod
    def resolve_person_name(d: YearlyDeclaration) -> str:
        return d.person.full_name

    @staticmethod
    def resolve_paid(d: YearlyDeclaration) -> Decimal:
        return Decimal(getattr(d, "paid", 0) or 0)

    @staticmethod
    def resolve_left_to_pay(d: YearlyDeclaration) -> Decimal:
        return selectors.left_to_pay(d)


class DeclarationDetailOut(DeclarationOut):
    lines: list[DeclarationLineOut]

    @staticmethod
    def resolve_lines(d: YearlyDeclaration) -> list[dict[str, Any]]:
        return [
            {
                "mission": line.mission.uuid,
                "mission_title": line.mission.request.title,
                "amount_ht": line.amount_ht,
            }
            for line in selectors.declaration_lines(d)
        ]


class PaymentIn(Schema):
    kind: PaymentKind
    method: PaymentMethod
    paid_on: date
    gross: str = Field(max_length=20, description="Amount paid (€), to the cent.")
    fee: str = Field("0", max_length=20, description="Platform fee (€); net = gross − fee.")
    declaration: UUID | None = Field(None, description="The declaration a contribution pays.")
    mission: UUID | None = Field(None, description="For a payment into a common's fund.")
    common: str = Field("", max_length=120, description="The common's slug (commons kind).")
    organization: str = Field("", max_length=120, description="Paying organization's slug.")
    payer_email: str = Field("", max_length=254)
    payer_name: str = Field("", max_length=200)
    external_id: str = Field("", max_length=64)
    note: str = Field("", max_length=2000)


class RefundIn(Schema):
    amount: str = Field(max_length=20)
    refunded_on: date | None = None
    reason: str = Field("", max_length=2000)


class MatchIn(Schema):
    declaration: UUID


class ReceiptOut(Schema):
    id: UUID = Field(alias="uuid")
    number: str
    year: int
    amount: Decimal
    payer_name: str
    issued_at: datetime
    pdf: str

    @staticmethod
    def resolve_pdf(receipt: Any) -> str:
        return f"/api/v1/receipts/{receipt.uuid}/pdf"


class PaymentOut(Schema):
    id: UUID = Field(alias="uuid")
    kind: PaymentKind
    method: PaymentMethod
    external_id: str
    payer_name: str
    payer: str | None
    payer_organization: str | None
    paid_on: date
    gross: Decimal
    fee: Decimal
    net: Decimal
    declaration: UUID | None
    common: str | None
    mission: UUID | None
    refund_of: UUID | None
    refunded: Decimal
    receipt: ReceiptOut | None

    @staticmethod
    def resolve_payer(p: Payment) -> str | None:
        return p.payer_person.slug if p.payer_person else None

    @staticmethod
    def resolve_payer_organization(p: Payment) -> str | None:
        return p.payer_organization.slug if p.payer_organization else None

    @staticmethod
    def resolve_declaration(p: Payment) -> UUID | None:
        return p.declaration.uuid if p.declaration else None

    @staticmethod
    def resolve_common(p: Payment) -> str | None:
        return p.common.slug if p.common else None

    @staticmethod
    def resolve_mission(p: Payment) -> UUID | None:
        return p.mission.uuid if p.mission_id and p.mission else None

    @staticmethod
    def resolve_refund_of(p: Payment) -> UUID | None:
        return p.refund_of.uuid if p.refund_of else None

    @staticmethod
    def resolve_refunded(p: Payment) -> Decimal:
        value = getattr(p, "refunded", None)
        if value is None:
            value = refund_services.refunded_total(p)
        return Decimal(value)

    @staticmethod
    def resolve_receipt(p: Payment) -> Any:
        return getattr(p, "receipt", None)


class ImportReportOut(Schema):
    dry_run: bool
    created: int
    already_imported: int
    refunds: int
    matched: int
    unmatched: list[str]
    skipped: list[dict[str, Any]]
    total: str


class MissionExpectedOut(Schema):
    mission: UUID
    title: str
    policy: str | None
    turnover_ht: Decimal | None
    expected_ht: Decimal | None


class StatementOut(Schema):
    person: str
    year: int
    years: list[int]
    expected_total_ht: Decimal
    declared_ht: Decimal
    invoiced_ht: Decimal
    paid: Decimal
    due_ht: Decimal
    overdue: bool
    missions: list[MissionExpectedOut]
    declarations: list[DeclarationOut]
    payments: list[PaymentOut]


# ---------------------------------------------------------------- statement


@router.get("/me/statement", response=StatementOut)
@cached_operation
def my_statement(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)) -> Any:  # type: ignore[type-arg]
    data = selectors.statement_get(actor=authenticated_user(request), year=year)
    return {
        "person": data.person.slug,
        "year": data.year,
        "years": data.years,
        "expected_total_ht": data.expected_total,
        "declared_ht": data.declared,
        "invoiced_ht": data.invoiced,
        "paid": data.paid,
        "due_ht": data.due,
        "overdue": bool(data.overdue),
        "missions": [
            {
                "mission": row.mission.uuid,
                "title": row.mission.request.title,
                "policy": row.policy,
                "turnover_ht": row.turnover,
                "expected_ht": row.expected,
            }
            for row in data.missions
        ],
        "declarations": data.declarations,
        "payments": data.payments,
    }


# ---------------------------------------------------------------- declarations


def _lines(lines: list[DeclarationLineIn]) -> list[dict[str, str]]:
    return [{"mission": str(line.mission), "amount_ht": line.amount_ht} for line in lines]


def _detail(request: HttpRequest, uuid: UUID) -> YearlyDeclaration:
    return selectors.declaration_get(actor=request.user, uuid=uuid)


@router.get("/declarations", response=list[DeclarationOut])
@paginate(Pagination)
def list_declarations(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),  # type: ignore[type-arg]
    status: DeclarationStatus | None = None,
    overdue: bool = False,
) -> Any:
    return selectors.declaration_list(
        actor=authenticated_user(request), year=year, status=status or "", overdue=overdue
    )


@router.post("/declarations", response={201: DeclarationDetailOut})
def create_declaration(request: HttpRequest, payload: DeclarationIn) -> Status[Any]:
    declaration = services.declaration_create(
        actor=authenticated_user(request),
        year=payload.year,
        amount_ht=payload.amount_ht,
        note=payload.note,
        lines=_lines(payload.lines),
    )
    return Status(201, _detail(request, declaration.uuid))


@router.get("/declarations/{uuid}", response=DeclarationDetailOut)
def get_declaration(request: HttpRequest, uuid: UUID) -> Any:
    authenticated_user(request)
    return _detail(request, uuid)


@router.put("/declarations/{uuid}", response=DeclarationDetailOut)
def amend_declaration(request: HttpRequest, uuid: UUID, payload: DeclarationAmendIn) -> Any:
    user = authenticated_user(request)
    declaration = selectors.declaration_get(actor=user, uuid=uuid)
    services.declaration_amend(
        actor=user,
        declaration=declaration,
        amount_ht=payload.amount_ht,
        note=payload.note,
        lines=_lines(payload.lines),
    )
    return _detail(request, uuid)


@router.post("/declarations/{uuid}/invoice", response=DeclarationDetailOut)
def invoice_declaration(request: HttpRequest, uuid: UUID) -> Any:
    user = authenticated_user(request)
    services.declaration_invoice(
        actor=user, declaration=selectors.declaration_get(actor=user, uuid=uuid)
    )
    return _detail(request, uuid)


@router.post("/declarations/{uuid}/cancel", response=DeclarationDetailOut)
def cancel_declaration(request: HttpRequest, uuid: UUID, payload: CancelIn) -> Any:
    user = authenticated_user(request)
    services.declaration_cancel(
        actor=user,
        declaration=selectors.declaration_get(actor=user, uuid=uuid),
        reason=payload.reason,
    )
    return _detail(request, uuid)


# ---------------------------------------------------------------- payments


@router.get("/payments", response=list[PaymentOut])
@paginate(Pagination)
def list_payments(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),  # type: ignore[type-arg]
    kind: PaymentKind | None = None,
    unmatched: bool = False,
) -> Any:
    return selectors.payment_list(
        actor=authenticated_user(request), year=year, kind=kind or "", unmatched=unmatched
    )


@router.get("/payments/{uuid}", response=PaymentOut)
def get_payment(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.payment_get(actor=authenticated_user(request), uuid=uuid)


@router.post("/payments", response={201: PaymentOut})
def create_payment(request: HttpRequest, payload: PaymentIn) -> Status[Any]:
    user = authenticated_user(request)
    payment_services.check_can_manage_payments(user)
    commons_line = f"{payload.mission}:{payload.common}" if payload.mission else ""
    found = selectors.resolve_payment_input(
        declaration=str(payload.declaration or ""),
        commons_line=commons_line,
        organization=payload.organization,
        payer_email=payload.payer_email,
    )
    payment = payment_services.payment_record(
        actor=user,
        kind=payload.kind,
        method=payload.method,
        paid_on=payload.paid_on,
        gross=payload.gross,
        fee=payload.fee,
        payer_name=payload.payer_name,
        payer_email=payload.payer_email,
        external_id=payload.external_id,
        note=payload.note,
        **found,
    )
    return Status(201, selectors.payment_get(actor=user, uuid=payment.uuid))


@router.post("/payments/{uuid}/refund", response={201: PaymentOut})
def refund_payment(request: HttpRequest, uuid: UUID, payload: RefundIn) -> Status[Any]:
    user = authenticated_user(request)
    refund = refund_services.payment_refund(
        actor=user,
        payment=selectors.payment_get(actor=user, uuid=uuid),
        amount=payload.amount,
        refunded_on=payload.refunded_on,
        reason=payload.reason,
    )
    return Status(201, selectors.payment_get(actor=user, uuid=refund.uuid))


@router.post("/payments/{uuid}/match", response=PaymentOut)
def match_payment(request: HttpRequest, uuid: UUID, payload: MatchIn) -> Any:
    user = authenticated_user(request)
    payment = selectors.payment_get(actor=user, uuid=uuid)
    found = selectors.resolve_payment_input(declaration=str(payload.declaration))
    refund_services.payment_match(actor=user, payment=payment, declaration=found["declaration"])
    return selectors.payment_get(actor=user, uuid=uuid)


@router.get("/receipts/{uuid}/pdf", response={200: None})
def receipt_pdf(request: HttpRequest, uuid: UUID) -> HttpResponse:
    from cercle.reciprocity.views.declarations_payments import receipt_document

    receipt = selectors.receipt_get(actor=authenticated_user(request), uuid=uuid)
    return pdf_response(receipt_document(receipt), f"recu-{receipt.number}.pdf")


# ---------------------------------------------------------------- HelloAsso


@router.post("/helloasso-imports", response={201: ImportReportOut, 200: ImportReportOut})
def import_helloasso(
    request: HttpRequest,
    file: UploadedFile = File(...),  # type: ignore[type-arg]  # noqa: B008 — ninja's way
    dry_run: bool = Form(False),  # type: ignore[type-arg]
) -> Status[Any]:
    report = helloasso.helloasso_import_file(
        actor=authenticated_user(request), content=file.read(), dry_run=dry_run
    )
    return Status(200 if dry_run else 201, report.as_dict())


class HelloAssoFetchIn(Schema):
    since: date | None = None
    dry_run: bool = False


@router.post("/helloasso-imports/fetch", response={201: ImportReportOut, 200: ImportReportOut})
def fetch_helloasso(request: HttpRequest, payload: HelloAssoFetchIn) -> Status[Any]:
    """Fetch payments from HelloAsso's API (when configured) and import them."""
    report = helloasso_api.helloasso_import_api(
        actor=authenticated_user(request), since=payload.since, dry_run=payload.dry_run
    )
    return Status(200 if payload.dry_run else 201, report.as_dict())
