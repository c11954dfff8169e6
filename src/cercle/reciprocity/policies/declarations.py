"""Who may declare, invoice, record payments, refund, import and read receipts.

- A consultant of the circle declares what they will pay for a year and amends it
  while it is only declared; they read their own declarations, payments and receipts.
- Stewards invoice and cancel declarations, record payments and refunds, match
  payments to declarations and import HelloAsso payments; they read everything.
- A payer reads the receipt of their own payment.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.membership.viewer import viewer_for
from cercle.network.models import Person
from cercle.reciprocity.enums import DeclarationStatus
from cercle.reciprocity.models import Payment, Receipt, YearlyDeclaration


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def person_of(user: Any) -> Person | None:
    return viewer_for(user).person


def is_steward(user: Any) -> bool:
    return viewer_for(user).is_steward


def can_declare(user: Any) -> bool:
    v = viewer_for(user)
    return v.person is not None and v.in_circle


def check_can_declare(user: Any) -> None:
    _refuse(
        can_declare(user),
        _("Only members of the consultants' circle declare a yearly contribution."),
    )


def can_view_statement(user: Any) -> bool:
    return viewer_for(user).person is not None


def check_can_view_statement(user: Any) -> None:
    _refuse(can_view_statement(user), _("Sign in first."))


def can_view_declaration(user: Any, declaration: YearlyDeclaration) -> bool:
    v = viewer_for(user)
    return v.is_steward or (v.person is not None and v.person.pk == declaration.person_id)


def check_can_view_declaration(user: Any, declaration: YearlyDeclaration) -> None:
    _refuse(
        can_view_declaration(user, declaration),
        _("A declaration is seen by its author and the stewards."),
    )


def can_amend_declaration(user: Any, declaration: YearlyDeclaration) -> bool:
    v = viewer_for(user)
    return (
        v.person is not None
        and v.person.pk == declaration.person_id
        and declaration.status == DeclarationStatus.DECLARED
    )


def check_can_amend_declaration(user: Any, declaration: YearlyDeclaration) -> None:
    v = viewer_for(user)
    _refuse(
        v.person is not None and v.person.pk == declaration.person_id,
        _("Only its author can amend a declaration."),
    )


def can_manage_payments(user: Any) -> bool:
    """Invoice, cancel, record payments and refunds, match, import: stewards."""
    return viewer_for(user).is_steward


def check_can_manage_payments(user: Any) -> None:
    _refuse(can_manage_payments(user), _("Only stewards can do this."))


def can_view_payment(user: Any, payment: Payment) -> bool:
    v = viewer_for(user)
    return v.is_steward or (v.person is not None and v.person.pk == payment.payer_person_id)


def check_can_view_payment(user: Any, payment: Payment) -> None:
    _refuse(can_view_payment(user, payment), _("A payment is seen by its payer and the stewards."))


def can_download_receipt(user: Any, receipt: Receipt) -> bool:
    return can_view_payment(user, receipt.payment)


def check_can_download_receipt(user: Any, receipt: Receipt) -> None:
    _refuse(
        can_download_receipt(user, receipt),
        _("A receipt is downloaded by its payer and the stewards."),
    )
