"""Payouts from a common's fund to its commoners (docs/decisions/0010: debit the fund,
credit the bank, journal BQ). Stewards record them; a payout never exceeds what the
fund holds."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.commons.models import Common
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.network.services import person_of
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import AccountKind, JournalCode
from cercle.reciprocity.models import Account, CommonPayout
from cercle.reciprocity.policies.reports import check_can_record_common_payout

BENEFICIARY_MAX = 200
NOTE_MAX = 2000
AMOUNT_MAX = Decimal("9999999999.99")


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace("\u202f", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(
            {"amount": [_("Enter an amount in euros, such as 120.50.")]}
        ) from None
    if not amount.is_finite():
        raise ValidationError({"amount": [_("Enter an amount in euros, such as 120.50.")]})
    if amount <= 0:
        raise ValidationError({"amount": [_("The amount must be more than zero.")]})
    if amount != ledger.cents(amount):
        raise ValidationError({"amount": [_("An amount has at most two decimals (cents).")]})
    if amount > AMOUNT_MAX:
        raise ValidationError({"amount": [_("This amount is too large.")]})
    return amount


def _clean(
    *, amount: Any, beneficiary: Any, paid_on: Any, note: Any
) -> tuple[Decimal, str, datetime.date, str]:
    errors: dict[str, list[str]] = {}
    try:
        clean_amount = _amount(amount)
    except ValidationError as error:
        errors.update(error.message_dict)
        clean_amount = Decimal(0)
    name = " ".join(str(beneficiary or "").split())
    if not name:
        errors["beneficiary"] = [_("Say who was paid.")]
    elif len(name) > BENEFICIARY_MAX:
        errors["beneficiary"] = [_("At most 200 characters.")]
    day = paid_on
    if isinstance(day, str):
        try:
            day = datetime.date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, datetime.date):
        errors["paid_on"] = [_("Enter the date of the payout.")]
    elif day > timezone.localdate():
        errors["paid_on"] = [_("A payout cannot be dated in the future.")]
    elif day.year < 2000:
        errors["paid_on"] = [_("Choose a date after 2000.")]
    text = str(note or "").strip()
    if len(text) > NOTE_MAX:
        errors["note"] = [_("At most 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    return clean_amount, name, day, text


def common_payout_record(
    *,
    actor: User,
    common: Common,
    amount: Any,
    beneficiary: str,
    paid_on: Any,
    note: str = "",
) -> CommonPayout:
    """Pay `amount` out of the common's fund to `beneficiary` (a commoner, or the
    structure that carries the common). Refused beyond the fund's balance."""
    check_can_record_common_payout(actor)
    clean_amount, name, day, text = _clean(
        amount=amount, beneficiary=beneficiary, paid_on=paid_on, note=note
    )
    recorder = person_of(actor)
    with transaction.atomic():
        fund = ledger.common_account(AccountKind.COMMON_FUND, common)
        # The fund's row is locked: two payouts at once cannot overdraw it.
        Account.objects.select_for_update().filter(pk=fund.pk).first()
        held = -ledger.balance(fund)
        if clean_amount > held:
            raise ValidationError(
                {
                    "amount": [
                        _("The fund of this common holds %(held)s € only.")
                        % {"held": f"{held:.2f}".replace(".", ",")}
                    ]
                }
            )
        label = _("Payout from the fund of %(common)s to %(beneficiary)s") % {
            "common": common.name,
            "beneficiary": name,
        }
        txn = ledger.post(
            actor=actor,
            journal_code=JournalCode.BANK,
            label=label,
            legs=[
                ledger.Leg(fund, clean_amount),
                ledger.Leg(ledger.system_account(AccountKind.BANK), -clean_amount),
            ],
            verb="common.payout_recorded",
            obj=common,
            payload={
                "common": common.slug,
                "amount": str(clean_amount),
                "beneficiary": name,
                "paid_on": day.isoformat(),
            },
            on=day,
            visibility=Visibility.MEMBERS,
        )
        payout = CommonPayout(
            common=common,
            amount=clean_amount,
            beneficiary=name,
            paid_on=day,
            note=text,
            transaction=txn,
            recorded_by=recorder,
        )
        payout.full_clean(exclude=["transaction", "common", "recorded_by"])
        payout.save()
        stewards = [p.user for p in common.stewards.select_related("user")]
        url = common.get_absolute_url()
        notify(
            users=stewards,
            kind=NotificationKind.PAYMENT_RECEIVED,
            subject=gettext_lazy("A payout from your common's fund was recorded"),
            template="reciprocity/email/reports_payout_recorded.txt",
            context={
                "common": common.name,
                "amount": f"{clean_amount:.2f}".replace(".", ","),
                "beneficiary": name,
                "paid_on": day.isoformat(),
                "url": url,
            },
            url=url,
        )
    return payout
