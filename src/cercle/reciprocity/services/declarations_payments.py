"""Every write on payments: record (by hand or from an import), refund, match, receipts.

Posting rules (decision 0010), journal BQ, the bank for transfers, cheques and cash,
the platform clearing account for HelloAsso:
- contribution: bank/platform (net) + fees (fee) debit, the payer's receivable credit;
- donation / membership fee: bank/platform + fees debit, donations / membership income;
- commons (the lead pays a common's budget line of a mission): bank/platform + fees
  debit, the lead's receivable credit, and the common's pledge moved to its fund;
- a refund posts the mirror of the refunded part. The fee is refunded in proportion,
  computed on the running total so that refunding everything gives back exactly the
  fee (fee + net = gross for each refund too).

Every payment that is not a refund gets a receipt `YYYY-NNNN` (year of the payment
date) in the same transaction, numbered without gaps under the `ReceiptCounter` lock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.commons.models import Common
from cercle.core.enums import NotificationKind
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.membership.viewer import viewer_for
from cercle.missions.models import Mission, OfferCommonsLine
from cercle.network.models import Organization, Person
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import (
    AccountKind,
    DeclarationStatus,
    JournalCode,
    PaymentKind,
    PaymentMethod,
)
from cercle.reciprocity.models import Payment, Receipt, ReceiptCounter, YearlyDeclaration
from cercle.reciprocity.policies.declarations import check_can_manage_payments
from cercle.reciprocity.services.declarations import (
    clean_text,
    declaration_paid_total,
    declaration_sync_status,
    parse_amount,
)

PAYABLE = (DeclarationStatus.INVOICED, DeclarationStatus.PARTIALLY_PAID)
NOTE_MAX = 2_000
INCOME: dict[str, str] = {
    PaymentKind.DONATION: AccountKind.INCOME_DONATION,
    PaymentKind.MEMBERSHIP_FEE: AccountKind.INCOME_MEMBERSHIP,
}


@dataclass
class PaymentDraft:
    """A payment checked and ready to post (what both the form and the import build)."""

    kind: str
    method: str
    paid_on: datetime.date
    gross: Decimal
    fee: Decimal
    payer_name: str
    payer_email: str = ""
    payer_person: Person | None = None
    payer_organization: Organization | None = None
    declaration: YearlyDeclaration | None = None
    common: Common | None = None
    mission: Mission | None = None
    external_id: str = ""
    note: str = ""

    @property
    def net(self) -> Decimal:
        return self.gross - self.fee


# ---------------------------------------------------------------- checks


def parse_day(value: Any, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            parsed = parse_date(str(value or "").strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({field: [_("Enter a date such as 2026-03-31.")]})
        day = parsed
    if day > timezone.localdate():
        raise ValidationError({field: [_("This date is in the future.")]})
    if day.year < 2000:
        raise ValidationError({field: [_("This date is too far in the past.")]})
    return day


def declaration_remaining(declaration: YearlyDeclaration) -> Decimal:
    return declaration.amount_ht - declaration_paid_total(declaration)


def commons_line_remaining(*, mission: Mission, common: Common) -> Decimal | None:
    """What is left to pay into a common for a mission's budget line (None: no line)."""
    line = OfferCommonsLine.objects.filter(offer_id=mission.offer_id, common=common).first()
    if line is None:
        return None
    rows = Payment.objects.filter(
        kind=PaymentKind.COMMONS, mission=mission, common=common
    ).aggregate(
        paid=Sum("gross", filter=Q(refund_of__isnull=True)),
        refunded=Sum("gross", filter=Q(refund_of__isnull=False)),
    )
    return line.amount_ht - (rows["paid"] or 0) + (rows["refunded"] or 0)


def check_declaration_payable(
    declaration: YearlyDeclaration, gross: Decimal, field: str = "gross"
) -> None:
    if declaration.status == DeclarationStatus.DECLARED:
        raise ValidationError(
            {"declaration": [_("This declaration is not invoiced yet: invoice it first.")]}
        )
    if declaration.status not in PAYABLE:
        raise ValidationError(
            {
                "declaration": [
                    _("This declaration is %(status)s: it takes no more payments.")
                    % {"status": declaration.get_status_display().lower()}
                ]
            }
        )
    remaining = declaration_remaining(declaration)
    if gross > remaining:
        raise ValidationError(
            {
                field: [
                    _(
                        "Only %(remaining)s € HT are left to pay on this declaration: "
                        "%(gross)s € is too much. Record the difference as a donation, or "
                        "refund it."
                    )
                    % {"remaining": remaining, "gross": gross}
                ]
            }
        )


def check_commons_payable(mission: Mission, common: Common, gross: Decimal | None) -> None:
    remaining = commons_line_remaining(mission=mission, common=common)
    if remaining is None:
        raise ValidationError(
            {"common": [_("This mission's offer has no budget line for this common.")]}
        )
    if gross is not None and gross > remaining:
        raise ValidationError(
            {
                "gross": [
                    _(
                        "Only %(remaining)s € HT are left to pay into this common for this "
                        "mission: %(gross)s € is too much."
                    )
                    % {"remaining": remaining, "gross": gross}
                ]
            }
        )


def _duplicate_external_id() -> ValidationError:
    return ValidationError(
        {"external_id": [_("A payment with this identifier is already recorded.")]}
    )


def payment_draft(
    *,
    kind: Any,
    method: Any,
    paid_on: Any,
    gross: Any,
    fee: Any = "0",
    payer_person: Person | None = None,
    payer_organization: Organization | None = None,
    payer_name: str = "",
    payer_email: str = "",
    declaration: YearlyDeclaration | None = None,
    common: Common | None = None,
    mission: Mission | None = None,
    external_id: str = "",
    note: str = "",
    allow_unmatched: bool = False,
) -> PaymentDraft:
    """Check a payment's input; every problem is reported under its field."""
    errors: dict[str, list[str]] = {}

    def attempt(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

    if kind not in PaymentKind.values:
        errors["kind"] = [_("Choose a kind of payment.")]
    if method not in PaymentMethod.values:
        errors["method"] = [_("Choose how it was paid.")]
    day = attempt(parse_day, paid_on, "paid_on")
    gross_amount = attempt(parse_amount, gross, "gross")
    fee_amount = attempt(
        parse_amount, fee if fee not in (None, "") else "0", "fee", allow_zero=True
    )
    if gross_amount is not None and fee_amount is not None and fee_amount > gross_amount:
        errors.setdefault("fee", []).append(_("The fee cannot exceed the amount paid."))
    note = attempt(clean_text, note, "note", required=False, limit=NOTE_MAX) or ""
    payer_name = attempt(clean_text, payer_name, "payer_name", required=False, limit=200) or ""
    payer_email = (payer_email or "").strip()
    if payer_email:
        try:
            validate_email(payer_email)
        except ValidationError:
            errors.setdefault("payer_email", []).append(_("Enter a valid e-mail address."))
    external_id = (external_id or "").strip()
    if len(external_id) > 64:
        errors.setdefault("external_id", []).append(_("This identifier is too long."))

    if kind == PaymentKind.CONTRIBUTION:
        if declaration is not None:
            payer_person = declaration.person
            if gross_amount is not None:
                attempt(check_declaration_payable, declaration, gross_amount)
        elif not allow_unmatched:
            errors.setdefault("declaration", []).append(
                _("A contribution pays an invoiced declaration: choose it.")
            )
        if payer_person is None:
            errors.setdefault("payer_person", []).append(
                _("A contribution is paid by a member of the network.")
            )
        payer_organization = None
    elif kind == PaymentKind.COMMONS:
        if common is None or mission is None:
            errors.setdefault("mission", []).append(
                _("A payment into a common names the mission and the common.")
            )
        else:
            payer_person = mission.lead
            attempt(check_commons_payable, mission, common, gross_amount)
        declaration = None
    else:
        declaration = None
        common = None
        mission = None
        if payer_person is None and payer_organization is None and not payer_name:
            errors.setdefault("payer_name", []).append(
                _("Name the payer: a member, an organization, or a name.")
            )
    if errors:
        raise ValidationError(errors)
    if not payer_name:
        payer_name = str(payer_person or payer_organization or "")[:200]
    if not payer_email and payer_person is not None and payer_person.user_id:
        payer_email = payer_person.user.email
    return PaymentDraft(
        kind=kind,
        method=method,
        paid_on=day,
        gross=gross_amount,
        fee=fee_amount,
        payer_name=payer_name,
        payer_email=payer_email,
        payer_person=payer_person,
        payer_organization=payer_organization,
        declaration=declaration,
        common=common,
        mission=mission,
        external_id=external_id,
        note=note,
    )


# ---------------------------------------------------------------- posting


def _cash_account(method: str) -> Any:
    kind = AccountKind.CLEARING if method == PaymentMethod.HELLOASSO else AccountKind.BANK
    return ledger.system_account(kind)


def _counterpart_legs(
    *,
    kind: str,
    amount: Decimal,
    payer_person: Person | None,
    payer_organization: Organization | None,
    declaration: YearlyDeclaration | None,
    common: Common | None,
    mission: Mission | None,
) -> list[ledger.Leg]:
    """The credit side of a payment of `amount` (negate them all for a refund)."""
    if kind == PaymentKind.CONTRIBUTION:
        assert payer_person is not None
        return [
            ledger.Leg(ledger.receivable(person=payer_person), -amount, declaration=declaration)
        ]
    if kind == PaymentKind.COMMONS:
        assert payer_person is not None
        assert common is not None
        return [
            ledger.Leg(ledger.receivable(person=payer_person), -amount, mission=mission),
            ledger.Leg(
                ledger.common_account(AccountKind.COMMON_PLEDGED, common), amount, mission=mission
            ),
            ledger.Leg(
                ledger.common_account(AccountKind.COMMON_FUND, common), -amount, mission=mission
            ),
        ]
    return [ledger.Leg(ledger.system_account(INCOME[kind]), -amount)]


def _cash_legs(method: str, net: Decimal, fee: Decimal) -> list[ledger.Leg]:
    legs = []
    if net:
        legs.append(ledger.Leg(_cash_account(method), net))
    if fee:
        legs.append(ledger.Leg(ledger.system_account(AccountKind.FEES), fee))
    return legs


def _next_receipt_number(year: int) -> int:
    ReceiptCounter.objects.bulk_create([ReceiptCounter(year=year)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def receipt_url(receipt: Receipt) -> str:
    return reverse("reciprocity:receipt_pdf", kwargs={"uuid": receipt.uuid})


def payment_post(*, actor: User | None, draft: PaymentDraft, notify_payer: bool = True) -> Payment:
    """Post a checked payment, number its receipt, settle its declaration. Runs in the
    caller's transaction (the import posts many in one). No policy check: callers do.

    The same identifier recorded twice at once is refused by the database's constraint:
    a `ValidationError` on `external_id`, the payment not recorded."""
    try:
        return _payment_post(actor=actor, draft=draft, notify_payer=notify_payer)
    except IntegrityError as error:
        if draft.external_id:
            raise _duplicate_external_id() from error
        raise


def _payment_post(*, actor: User | None, draft: PaymentDraft, notify_payer: bool) -> Payment:
    with transaction.atomic():
        declaration = draft.declaration
        if declaration is not None:
            declaration = YearlyDeclaration.objects.select_for_update().get(pk=declaration.pk)
            # Checked again under the lock: two payments at once cannot overpay.
            check_declaration_payable(declaration, draft.gross)
        if draft.kind == PaymentKind.COMMONS and draft.mission and draft.common:
            # The budget line's row orders payments into it: checked again under the lock.
            OfferCommonsLine.objects.select_for_update().filter(
                offer_id=draft.mission.offer_id, common=draft.common
            ).first()
            check_commons_payable(draft.mission, draft.common, draft.gross)
        sequence = _next_receipt_number(draft.paid_on.year)
        number = f"{draft.paid_on.year}-{sequence:04d}"
        legs = _cash_legs(draft.method, draft.net, draft.fee) + _counterpart_legs(
            kind=draft.kind,
            amount=draft.gross,
            payer_person=draft.payer_person,
            payer_organization=draft.payer_organization,
            declaration=declaration,
            common=draft.common,
            mission=draft.mission,
        )
        label = _("%(kind)s, %(payer)s, receipt %(number)s") % {
            "kind": PaymentKind(draft.kind).label,
            "payer": draft.payer_name,
            "number": number,
        }
        subject = draft.payer_person.user if draft.payer_person is not None else None
        txn = ledger.post(
            actor=actor,
            journal_code=JournalCode.BANK,
            label=label,
            legs=legs,
            verb="payment.recorded",
            payload={
                "kind": draft.kind,
                "method": draft.method,
                "gross": str(draft.gross),
                "fee": str(draft.fee),
                "receipt": number,
                "external_id": draft.external_id,
            },
            on=draft.paid_on,
            piece_ref=number,
            subject=subject,
        )
        payment = Payment(
            kind=draft.kind,
            method=draft.method,
            external_id=draft.external_id,
            payer_person=draft.payer_person,
            payer_organization=draft.payer_organization,
            payer_name=draft.payer_name[:200],
            payer_email=draft.payer_email,
            declaration=declaration,
            common=draft.common,
            mission=draft.mission,
            gross=draft.gross,
            fee=draft.fee,
            net=draft.net,
            paid_on=draft.paid_on,
            transaction=txn,
            recorded_by=viewer_for(actor).person,
            recorded_at=timezone.now(),
            note=draft.note,
        )
        payment.full_clean(exclude=["transaction"], validate_constraints=False)
        payment.save()
        receipt = Receipt.objects.create(
            payment=payment,
            year=draft.paid_on.year,
            sequence=sequence,
            issued_at=timezone.now(),
            payer_name=payment.payer_name,
            amount=payment.gross,
        )
        if declaration is not None:
            declaration_sync_status(declaration=declaration)
        if notify_payer and subject is not None:
            url = receipt_url(receipt)
            notify(
                users=[subject],
                kind=NotificationKind.PAYMENT_RECEIVED,
                subject=gettext_lazy("Payment received: thank you"),
                template="reciprocity/email/declarations_payment_received.txt",
                context={
                    "amount": str(payment.gross),
                    "kind": payment.kind,
                    "paid_on": payment.paid_on.isoformat(),
                    "receipt": receipt.number,
                    "url": url,
                },
                url=url,
            )
    return payment


def payment_record(*, actor: User, **fields: Any) -> Payment:
    """A steward records a payment by hand (transfer, cheque, cash, or HelloAsso)."""
    check_can_manage_payments(actor)
    draft = payment_draft(**fields)
    if (
        draft.external_id
        and Payment.objects.filter(method=draft.method, external_id=draft.external_id).exists()
    ):
        raise _duplicate_external_id()
    return payment_post(actor=actor, draft=draft)
