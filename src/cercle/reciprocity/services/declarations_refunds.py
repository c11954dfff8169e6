"""Refunds of payments (the mirror of the part refunded) and matching an unmatched
contribution to one of its payer's declarations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.membership.viewer import viewer_for
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import (
    JournalCode,
    PaymentKind,
)
from cercle.reciprocity.models import Payment, YearlyDeclaration
from cercle.reciprocity.policies.declarations import check_can_manage_payments
from cercle.reciprocity.services.declarations import (
    clean_text,
    declaration_sync_status,
    parse_amount,
)
from cercle.reciprocity.services.declarations_payments import (
    NOTE_MAX,
    _cash_legs,
    _counterpart_legs,
    check_declaration_payable,
    parse_day,
)

# ---------------------------------------------------------------- refunds


def refunded_total(payment: Payment) -> Decimal:
    total = Payment.objects.filter(refund_of=payment).aggregate(s=Sum("gross"))["s"]
    return ledger.cents(total or 0)


def payment_refund(
    *,
    actor: User | None,
    payment: Payment,
    amount: Any,
    refunded_on: Any = None,
    reason: str = "",
    external_id: str = "",
    check_policy: bool = True,
) -> Payment:
    """Give back all or part of a payment (at most what is not yet refunded)."""
    if check_policy:
        check_can_manage_payments(actor)
    errors: dict[str, list[str]] = {}
    gross: Decimal | None = None
    day = timezone.localdate()
    try:
        gross = parse_amount(amount, "amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    if refunded_on not in (None, ""):
        try:
            day = parse_day(refunded_on, "refunded_on")
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        reason = clean_text(reason, "reason", required=False, limit=NOTE_MAX)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert gross is not None
    with transaction.atomic():
        original = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("payer_person__user", "declaration", "common", "mission")
            .get(pk=payment.pk)
        )
        if original.refund_of_id is not None:
            raise Conflict(_("A refund cannot itself be refunded."))
        if day < original.paid_on:
            raise ValidationError({"refunded_on": [_("A refund cannot come before the payment.")]})
        already = refunded_total(original)
        left = original.gross - already
        if gross > left:
            raise ValidationError(
                {
                    "amount": [
                        _("Only %(left)s € of this payment can still be refunded.") % {"left": left}
                    ]
                }
            )
        # The fee part, on the running total: refunding everything gives back the fee.
        fee_before = ledger.cents(original.fee * already / original.gross)
        fee_after = ledger.cents(original.fee * (already + gross) / original.gross)
        fee = fee_after - fee_before
        net = gross - fee
        declaration = original.declaration
        if declaration is not None:
            declaration = YearlyDeclaration.objects.select_for_update().get(pk=declaration.pk)
        legs = [
            ledger.Leg(leg.account, -leg.amount, mission=leg.mission, declaration=leg.declaration)
            for leg in _cash_legs(original.method, net, fee)
            + _counterpart_legs(
                kind=original.kind,
                amount=gross,
                payer_person=original.payer_person,
                payer_organization=original.payer_organization,
                declaration=declaration,
                common=original.common,
                mission=original.mission,
            )
        ]
        receipt_number = getattr(getattr(original, "receipt", None), "number", "")
        subject = original.payer_person.user if original.payer_person is not None else None
        txn = ledger.post(
            actor=actor,
            journal_code=JournalCode.BANK,
            label=_("Refund of %(gross)s € to %(payer)s (receipt %(number)s)")
            % {"gross": gross, "payer": original.payer_name, "number": receipt_number},
            legs=legs,
            verb="payment.refunded",
            obj=original,
            payload={"amount": str(gross), "fee": str(fee), "reason": reason},
            on=day,
            piece_ref=receipt_number,
            subject=subject,
        )
        refund = Payment(
            kind=original.kind,
            method=original.method,
            external_id=(external_id or "").strip()[:64],
            payer_person=original.payer_person,
            payer_organization=original.payer_organization,
            payer_name=original.payer_name,
            payer_email=original.payer_email,
            declaration=declaration,
            common=original.common,
            mission=original.mission,
            gross=gross,
            fee=fee,
            net=net,
            paid_on=day,
            refund_of=original,
            transaction=txn,
            recorded_by=viewer_for(actor).person,
            recorded_at=timezone.now(),
            note=reason,
        )
        refund.save()
        if declaration is not None:
            declaration_sync_status(declaration=declaration)
    return refund


# ---------------------------------------------------------------- matching


def unmatched_contributions() -> Any:
    return Payment.objects.filter(
        kind=PaymentKind.CONTRIBUTION, declaration__isnull=True, refund_of__isnull=True
    )


def payment_match(*, actor: User, payment: Payment, declaration: YearlyDeclaration) -> Payment:
    """Match an unmatched contribution (e.g. an import with no invoiced declaration) to a
    declaration of its payer. The receivable is the payer's already: nothing is posted,
    the payment (and its refunds) now settle the declaration."""
    check_can_manage_payments(actor)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if (
            locked.kind != PaymentKind.CONTRIBUTION
            or locked.refund_of_id is not None
            or locked.declaration_id is not None
        ):
            raise Conflict(_("Only an unmatched contribution can be matched."))
        target = YearlyDeclaration.objects.select_for_update().get(pk=declaration.pk)
        if target.person_id != locked.payer_person_id:
            raise ValidationError(
                {"declaration": [_("Choose a declaration of the person who paid.")]}
            )
        kept = locked.gross - refunded_total(locked)
        check_declaration_payable(target, kept, field="declaration")
        locked.declaration = target
        locked.save(update_fields=["declaration"])
        Payment.objects.filter(refund_of=locked).update(declaration=target)
        journal.record(
            actor=actor,
            verb="payment.matched",
            obj=locked,
            payload={"declaration": str(target.uuid), "amount": str(kept)},
            visibility=Visibility.PRIVATE,
            subject=target.person.user,
        )
        declaration_sync_status(declaration=target)
    return locked
