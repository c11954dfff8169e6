"""Reads of declarations, payments, receipts and a consultant's statement.

Lists annotate what was paid and refunded in SQL (subqueries), so a page makes the
same number of queries with 5 or 500 rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cercle.core.errors import NotFound
from cercle.membership.viewer import viewer_for
from cercle.network.models import Person
from cercle.reciprocity.enums import DeclarationStatus, PaymentKind
from cercle.reciprocity.models import Payment, Receipt, YearlyDeclaration
from cercle.reciprocity.policies.declarations import (
    check_can_download_receipt,
    check_can_manage_payments,
    check_can_view_declaration,
    check_can_view_payment,
    check_can_view_statement,
)
from cercle.reciprocity.services.declarations import eligible_missions

MONEY_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY_FIELD)
DUE_STATUSES = (DeclarationStatus.INVOICED, DeclarationStatus.PARTIALLY_PAID)


def _payments_sum(*, refunds: bool) -> Coalesce:
    rows = (
        Payment.objects.filter(declaration=OuterRef("pk"), refund_of__isnull=not refunds)
        .order_by()
        .values("declaration")
        .annotate(total=Sum("gross"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(rows, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)


def with_paid(declarations: QuerySet[YearlyDeclaration]) -> QuerySet[YearlyDeclaration]:
    """Annotate `paid` (payments minus refunds, € gross) on each declaration."""
    return declarations.annotate(
        paid_gross=_payments_sum(refunds=False),
        refunded_gross=_payments_sum(refunds=True),
    ).annotate(paid=F("paid_gross") - F("refunded_gross"))


def left_to_pay(declaration: YearlyDeclaration) -> Decimal:
    """What remains due on an invoiced declaration (0 otherwise); needs `with_paid`."""
    if declaration.status not in DUE_STATUSES:
        return Decimal("0.00")
    return declaration.amount_ht - Decimal(getattr(declaration, "paid", 0) or 0)


def declaration_list(
    *,
    actor: Any,
    year: int | None = None,
    status: str = "",
    person: Person | None = None,
    overdue: bool = False,
) -> QuerySet[YearlyDeclaration]:
    """Stewards see every declaration; anyone else their own."""
    viewer = viewer_for(actor)
    qs = YearlyDeclaration.objects.select_related("person")
    if not viewer.is_steward:
        qs = qs.filter(person=viewer.person) if viewer.person else qs.none()
    if person is not None:
        qs = qs.filter(person=person)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=DUE_STATUSES, due_on__lt=timezone.localdate())
    return with_paid(qs).order_by("-year", "person__last_name", "person__first_name", "id")


def declaration_get(*, actor: Any, uuid: UUID | str) -> YearlyDeclaration:
    declaration = (
        with_paid(YearlyDeclaration.objects.select_related("person__user", "invoice_transaction"))
        .filter(uuid=uuid)
        .first()
    )
    if declaration is None:
        raise NotFound()
    check_can_view_declaration(actor, declaration)
    return declaration


def declaration_lines(declaration: YearlyDeclaration) -> list[Any]:
    return list(declaration.lines.select_related("mission__request"))


def declaration_payments(declaration: YearlyDeclaration) -> list[Payment]:
    return list(
        Payment.objects.filter(declaration=declaration)
        .select_related("receipt", "refund_of")
        .order_by("paid_on", "id")
    )


def mission_choices(*, person: Person, year: int) -> list[tuple[str, str]]:
    return [
        (str(m.uuid), str(m.request.title)) for m in eligible_missions(person=person, year=year)
    ]


def payable_declarations(*, person: Person | None = None) -> QuerySet[YearlyDeclaration]:
    qs = YearlyDeclaration.objects.filter(status__in=DUE_STATUSES).select_related("person")
    if person is not None:
        qs = qs.filter(person=person)
    return with_paid(qs).order_by("year", "person__last_name", "id")


# ---------------------------------------------------------------- payments


def payment_list(
    *,
    actor: Any,
    year: int | None = None,
    kind: str = "",
    unmatched: bool = False,
    payer: Person | None = None,
) -> QuerySet[Payment]:
    """Stewards see every payment and refund; anyone else what they paid."""
    viewer = viewer_for(actor)
    qs = Payment.objects.select_related(
        "payer_person", "payer_organization", "declaration", "common", "receipt", "refund_of"
    )
    if not viewer.is_steward:
        qs = qs.filter(payer_person=viewer.person) if viewer.person else qs.none()
    if payer is not None:
        qs = qs.filter(payer_person=payer)
    if year:
        qs = qs.filter(paid_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if unmatched:
        qs = qs.filter(
            kind=PaymentKind.CONTRIBUTION, declaration__isnull=True, refund_of__isnull=True
        )
    return with_refunded(qs).order_by("-paid_on", "-id")


def with_refunded(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """Annotate `refunded` (€ gross refunded so far) on each payment, in SQL."""
    refunded = (
        Payment.objects.filter(refund_of=OuterRef("pk"))
        .order_by()
        .values("refund_of")
        .annotate(total=Sum("gross"))
        .values("total")[:1]
    )
    return payments.annotate(refunded=Coalesce(Subquery(refunded, output_field=MONEY_FIELD), ZERO))


def payment_get(*, actor: Any, uuid: UUID | str) -> Payment:
    payment = (
        Payment.objects.select_related(
            "payer_person__user",
            "payer_organization",
            "declaration__person",
            "common",
            "mission__request",
            "receipt",
            "refund_of",
            "transaction",
        )
        .filter(uuid=uuid)
        .first()
    )
    if payment is None:
        raise NotFound()
    check_can_view_payment(actor, payment)
    return payment


def payment_refunds(payment: Payment) -> list[Payment]:
    return list(Payment.objects.filter(refund_of=payment).order_by("paid_on", "id"))


def receipt_get(*, actor: Any, uuid: UUID | str) -> Receipt:
    receipt = (
        Receipt.objects.select_related(
            "payment__payer_person", "payment__payer_organization", "payment__declaration"
        )
        .filter(uuid=uuid)
        .first()
    )
    if receipt is None:
        raise NotFound()
    check_can_download_receipt(actor, receipt)
    return receipt


def unmatched_count(*, actor: Any) -> int:
    check_can_manage_payments(actor)
    return Payment.objects.filter(
        kind=PaymentKind.CONTRIBUTION, declaration__isnull=True, refund_of__isnull=True
    ).count()


# ---------------------------------------------------------------- my statement


@dataclass
class Statement:
    person: Person
    year: int
    years: list[int]
    missions: list[Any]
    expected_total: Decimal
    declarations: list[YearlyDeclaration]
    payments: list[Payment]
    declared: Decimal = Decimal("0.00")
    invoiced: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    due: Decimal = Decimal("0.00")
    overdue: list[YearlyDeclaration] = field(default_factory=list)


def _expected(person: Person, year: int) -> tuple[list[Any], Decimal]:
    from cercle.reciprocity.ledger import cents
    from cercle.reciprocity.selectors.policies import expected_by_mission

    # The total as `policies.expected_total` sums it, from the same rows (one query).
    rows = expected_by_mission(person=person, year=year)
    return rows, cents(sum((row.expected for row in rows if row.expected), Decimal(0)))


def statement_years(person: Person) -> list[int]:
    this_year = timezone.localdate().year
    years = set(YearlyDeclaration.objects.filter(person=person).values_list("year", flat=True)) | {
        d.year for d in Payment.objects.filter(payer_person=person).dates("paid_on", "year")
    }
    years |= {this_year, this_year - 1}
    return sorted(years, reverse=True)


def statement_get(*, actor: Any, year: int | None = None) -> Statement:
    """A consultant's year: their missions and what the policies expect, their
    declarations (declared, invoiced, paid, due) and their payments with receipts."""
    check_can_view_statement(actor)
    person = viewer_for(actor).person
    assert person is not None
    year = year or timezone.localdate().year
    missions, expected = _expected(person, year)
    declarations = list(
        with_paid(
            YearlyDeclaration.objects.select_related("person").filter(person=person, year=year)
        ).order_by("-declared_at", "-id")
    )
    payments = list(
        with_refunded(
            Payment.objects.filter(payer_person=person, paid_on__year=year).select_related(
                "receipt",
                "declaration",
                "common",
                "refund_of",
                "payer_person",
                "payer_organization",
                "mission",
            )
        ).order_by("-paid_on", "-id")
    )
    statement = Statement(
        person=person,
        year=year,
        years=statement_years(person),
        missions=missions,
        expected_total=expected,
        declarations=declarations,
        payments=payments,
    )
    today = timezone.localdate()
    for declaration in declarations:
        if declaration.status == DeclarationStatus.CANCELLED:
            continue
        statement.declared += declaration.amount_ht
        if declaration.status != DeclarationStatus.DECLARED:
            statement.invoiced += declaration.amount_ht
            statement.paid += Decimal(declaration.paid)  # type: ignore[attr-defined]
        due = left_to_pay(declaration)
        statement.due += due
        declaration.left = due  # type: ignore[attr-defined]
        if due > 0 and declaration.due_on and declaration.due_on < today:
            statement.overdue.append(declaration)
    return statement


# ---------------------------------------------------------------- choices and look-ups


def declaration_choices() -> list[tuple[str, str]]:
    """Invoiced declarations a payment may settle, labelled with what is left."""
    return [
        (
            str(d.uuid),
            f"{d.person} — {d.year} — {left_to_pay(d)} € HT",
        )
        for d in payable_declarations()
    ]


def commons_line_choices() -> list[tuple[str, str]]:
    """`<mission uuid>:<common slug>` for each commons budget line of a mission."""
    from cercle.missions.models import Mission, OfferCommonsLine

    lines = (
        OfferCommonsLine.objects.filter(offer__mission__isnull=False, amount_ht__gt=0)
        .select_related("common", "offer__mission__request")
        .order_by("-offer__mission__awarded_at", "id")
    )
    choices = []
    for line in lines:
        mission: Mission = line.offer.mission
        choices.append(
            (
                f"{mission.uuid}:{line.common.slug}",
                f"{mission.request.title} — {line.common.name} ({line.amount_ht} € HT)",
            )
        )
    return choices


def organization_choices() -> list[tuple[str, str]]:
    from cercle.network.models import Organization

    return list(Organization.objects.order_by("name").values_list("slug", "name"))


def resolve_payment_input(
    *,
    declaration: str = "",
    commons_line: str = "",
    organization: str = "",
    payer_email: str = "",
) -> dict[str, Any]:
    """Objects named by identifiers in a payment's input (pages and API share this).
    An identifier that names nothing is reported under its field."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from cercle.commons.models import Common
    from cercle.missions.models import Mission
    from cercle.network.models import Organization

    found: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if declaration:
        try:
            found["declaration"] = YearlyDeclaration.objects.select_related("person__user").get(
                uuid=UUID(str(declaration))
            )
        except (ValueError, YearlyDeclaration.DoesNotExist):
            errors["declaration"] = [_("No declaration has this identifier.")]
    if commons_line:
        mission_id, _sep, slug = str(commons_line).partition(":")
        try:
            found["mission"] = Mission.objects.select_related("lead__user").get(
                uuid=UUID(mission_id)
            )
            found["common"] = Common.objects.get(slug=slug)
        except (ValueError, Mission.DoesNotExist, Common.DoesNotExist):
            errors["commons_line"] = [_("No mission's budget line has this identifier.")]
    if organization:
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            errors["organization"] = [_("No organization has this identifier.")]
        found["payer_organization"] = org
    if payer_email:
        found["payer_person"] = (
            Person.objects.filter(user__email__iexact=payer_email.strip())
            .select_related("user")
            .first()
        )
    if errors:
        raise ValidationError(errors)
    return found
