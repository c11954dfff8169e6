"""Writing to the ledger: the accounts, posting a balanced transaction, reversing one.

Only services call `post` and `reverse` (inside their own transaction). The posting
rules of each operation (which accounts, which signs) are in
docs/decisions/0010-reciprocity-ledger.md.

Money rule: amounts are `Decimal` quantised to the cent with ROUND_HALF_UP
(`cents()`); a line is never zero; the lines of a transaction sum to exactly zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as date_type
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.commons.models import Common
from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.network.models import Organization, Person
from cercle.reciprocity.enums import AccountKind
from cercle.reciprocity.models import Account, LedgerLine, LedgerTransaction

CENT = Decimal("0.01")


def cents(value: Decimal | int | str) -> Decimal:
    """The one rounding rule: to the cent, half away from zero."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class UnbalancedTransaction(ValueError):
    """The lines of a transaction do not sum to zero (a programming error, not input)."""


# General account numbers of the French chart of accounts (plan comptable associatif),
# and the French account names written in the FEC.
SYSTEM_ACCOUNTS: dict[str, tuple[str, Any]] = {
    AccountKind.INCOME_CONTRIBUTION: ("706000", gettext_lazy("Mission contributions")),
    AccountKind.INCOME_DONATION: ("754100", gettext_lazy("Donations")),
    AccountKind.INCOME_MEMBERSHIP: ("756000", gettext_lazy("Membership fees")),
    AccountKind.BANK: ("512000", gettext_lazy("Bank")),
    AccountKind.CLEARING: ("511200", gettext_lazy("Payment platform")),
    AccountKind.FEES: ("627000", gettext_lazy("Payment fees")),
}
PERSONAL_ACCOUNTS: dict[str, tuple[str, Any]] = {
    AccountKind.RECEIVABLE: ("411000", gettext_lazy("Member")),
}
COMMON_ACCOUNTS: dict[str, tuple[str, Any]] = {
    AccountKind.COMMON_PLEDGED: ("467100", gettext_lazy("Commons budgeted by missions")),
    AccountKind.COMMON_FUND: ("467200", gettext_lazy("Fund of the common")),
}


def _french(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def system_account(kind: str) -> Account:
    number, name = SYSTEM_ACCOUNTS[kind]
    account, _created = Account.objects.get_or_create(
        kind=kind,
        person=None,
        organization=None,
        common=None,
        defaults={"number": number, "name": _french(name)},
    )
    return account


def receivable(
    *, person: Person | None = None, organization: Organization | None = None
) -> Account:
    """The receivable account of a person or an organization (auxiliary account)."""
    number, name = PERSONAL_ACCOUNTS[AccountKind.RECEIVABLE]
    if person is not None:
        account, _created = Account.objects.get_or_create(
            kind=AccountKind.RECEIVABLE,
            person=person,
            defaults={
                "number": number,
                "auxiliary": f"P{person.pk:07d}",
                "name": f"{_french(name)} {person}"[:200],
            },
        )
        return account
    if organization is None:
        raise ValueError("A receivable belongs to a person or an organization.")
    account, _created = Account.objects.get_or_create(
        kind=AccountKind.RECEIVABLE,
        organization=organization,
        defaults={
            "number": number,
            "auxiliary": f"O{organization.pk:07d}",
            "name": f"{_french(name)} {organization}"[:200],
        },
    )
    return account


def common_account(kind: str, common: Common) -> Account:
    number, name = COMMON_ACCOUNTS[kind]
    account, _created = Account.objects.get_or_create(
        kind=kind,
        common=common,
        defaults={
            "number": number,
            "auxiliary": f"C{common.pk:07d}",
            "name": f"{_french(name)} {common}"[:200],
        },
    )
    return account


@dataclass(frozen=True)
class Leg:
    """One line to post: + debit, − credit."""

    account: Account
    amount: Decimal
    label: str = ""
    mission: Any = None
    declaration: Any = None


def check_balanced(legs: Sequence[Leg]) -> None:
    if len(legs) < 2:
        raise UnbalancedTransaction("A transaction has at least two lines.")
    for leg in legs:
        if leg.amount != cents(leg.amount):
            raise UnbalancedTransaction(f"{leg.amount} is not a whole number of cents.")
        if leg.amount == 0:
            raise UnbalancedTransaction("A line is never zero.")
    total = sum((leg.amount for leg in legs), Decimal("0"))
    if total != 0:
        raise UnbalancedTransaction(f"The lines sum to {total}, not zero.")


def post(
    *,
    actor: User | None,
    journal_code: str,
    label: str,
    legs: Sequence[Leg],
    verb: str,
    obj: models.Model | None = None,
    payload: dict[str, Any] | None = None,
    on: date_type | None = None,
    piece_ref: str = "",
    reverses: LedgerTransaction | None = None,
    visibility: str = Visibility.PRIVATE,
    subject: User | None = None,
) -> LedgerTransaction:
    """Post a balanced transaction with its journal entry, numbered in its fiscal year."""
    check_balanced(legs)
    day = on or timezone.localdate()
    with transaction.atomic():
        entry = journal.record(
            actor=actor,
            verb=verb,
            obj=obj,
            payload={
                **(payload or {}),
                "lines": [
                    [leg.account.number, leg.account.auxiliary, str(leg.amount)] for leg in legs
                ],
            },
            visibility=visibility,
            subject=subject,
        )
        # The journal head is locked for the rest of this transaction, so the numbering
        # below cannot race with another posting.
        last = (
            LedgerTransaction.objects.filter(fiscal_year=day.year, is_posted=True).aggregate(
                n=Max("number")
            )["n"]
            or 0
        )
        txn = LedgerTransaction.objects.create(
            journal_code=journal_code,
            fiscal_year=day.year,
            date=day,
            label=label[:200],
            piece_ref=piece_ref[:40],
            reverses=reverses,
        )
        LedgerLine.objects.bulk_create(
            [
                LedgerLine(
                    transaction=txn,
                    account=leg.account,
                    amount=leg.amount,
                    label=(leg.label or label)[:200],
                    mission=leg.mission,
                    declaration=leg.declaration,
                )
                for leg in legs
            ]
        )
        txn.number = last + 1
        txn.is_posted = True
        txn.posted_at = timezone.now()
        txn.journal_entry = entry
        txn.save(update_fields=["number", "is_posted", "posted_at", "journal_entry"])
    return txn


def reverse(
    *,
    actor: User | None,
    txn: LedgerTransaction,
    reason: str,
    verb: str = "ledger.reversed",
    on: date_type | None = None,
) -> LedgerTransaction:
    """Post the mirror of a posted transaction. A transaction is reversed at most once."""
    with transaction.atomic():
        original = LedgerTransaction.objects.select_for_update().get(pk=txn.pk)
        if not original.is_posted:
            raise Conflict(_("Only a posted transaction can be reversed."))
        if original.reverses_id is not None:
            raise Conflict(_("A reversal cannot itself be reversed; post a new transaction."))
        if LedgerTransaction.objects.filter(reverses=original).exists():
            raise Conflict(_("This transaction was already reversed."))
        lines = list(original.lines.select_related("account"))
        return post(
            actor=actor,
            journal_code=original.journal_code,
            label=_("Reversal of %(ref)s: %(reason)s")
            % {"ref": f"{original.fiscal_year}-{original.number}", "reason": reason},
            legs=[
                Leg(
                    account=line.account,
                    amount=-line.amount,
                    label=line.label,
                    mission=line.mission,
                    declaration=line.declaration,
                )
                for line in lines
            ],
            verb=verb,
            payload={"reverses": str(original.uuid), "reason": reason},
            on=on,
            piece_ref=original.piece_ref,
            reverses=original,
        )


def balance(account: Account) -> Decimal:
    """Debits minus credits of an account, from its lines."""
    total = LedgerLine.objects.filter(account=account, transaction__is_posted=True).aggregate(
        s=Sum("amount")
    )["s"]
    return cents(total or 0)


def trial_balance_is_zero() -> bool:
    """Every posted line of every account sums to zero (the ledger's first invariant)."""
    total = LedgerLine.objects.filter(transaction__is_posted=True).aggregate(s=Sum("amount"))["s"]
    return (total or Decimal("0")) == 0


def unbalanced_transactions() -> list[int]:
    """Ids of posted transactions whose lines do not sum to zero (should be none)."""
    return list(
        LedgerTransaction.objects.filter(is_posted=True)
        .annotate(total=Sum("lines__amount"))
        .exclude(total=0)
        .values_list("id", flat=True)
    )
