"""Factories for yearly declarations and payments, built through the services so that
the ledger holds what a real run would (invoice, payments, receipts)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cercle.network.models import Person
from cercle.reciprocity.enums import PaymentKind, PaymentMethod
from cercle.reciprocity.models import Payment, YearlyDeclaration
from cercle.reciprocity.services import declarations as declaration_services
from cercle.reciprocity.services import declarations_payments as payment_services
from tests.factories.missions import consultant
from tests.factories.network import StewardFactory


def steward() -> Person:
    return StewardFactory()  # type: ignore[no-any-return]


def declared(
    *,
    person: Person | None = None,
    year: int | None = None,
    amount: str = "600.00",
    lines: list[dict[str, str]] | None = None,
) -> YearlyDeclaration:
    person = person or consultant()
    return declaration_services.declaration_create(
        actor=person.user,
        year=year or timezone.localdate().year - 1,
        amount_ht=amount,
        lines=lines or [],
    )


def invoiced(*, by: Person | None = None, **kwargs: Any) -> YearlyDeclaration:
    declaration = declared(**kwargs)
    return declaration_services.declaration_invoice(
        actor=(by or steward()).user, declaration=declaration
    )


def paid(
    declaration: YearlyDeclaration,
    amount: str,
    *,
    by: Person | None = None,
    method: str = PaymentMethod.TRANSFER,
    fee: str = "0",
    paid_on: datetime.date | None = None,
) -> Payment:
    return payment_services.payment_record(
        actor=(by or steward()).user,
        kind=PaymentKind.CONTRIBUTION,
        method=method,
        paid_on=paid_on or timezone.localdate(),
        gross=amount,
        fee=fee,
        declaration=declaration,
    )


def donation(
    *,
    amount: str = "50.00",
    by: Person | None = None,
    payer_name: str = "Odile Marchand",
    paid_on: datetime.date | None = None,
    kind: str = PaymentKind.DONATION,
) -> Payment:
    return payment_services.payment_record(
        actor=(by or steward()).user,
        kind=kind,
        method=PaymentMethod.CHEQUE,
        paid_on=paid_on or timezone.localdate(),
        gross=amount,
        payer_name=payer_name,
    )


def money(value: str) -> Decimal:
    return Decimal(value)
