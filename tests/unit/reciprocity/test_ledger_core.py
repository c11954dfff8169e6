"""The ledger core (cercle.reciprocity.ledger): balanced postings, gapless numbering per
fiscal year, refusals, reversal once only, and the database's own guards."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from cercle.core.errors import Conflict
from cercle.core.models import JournalEntry
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import AccountKind, JournalCode
from cercle.reciprocity.models import LedgerLine, LedgerTransaction
from tests.factories.missions import CommonFactory
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db


def _pair(amount: str = "100.00") -> list[ledger.Leg]:
    person = PersonFactory()
    return [
        ledger.Leg(account=ledger.receivable(person=person), amount=Decimal(amount)),
        ledger.Leg(
            account=ledger.system_account(AccountKind.INCOME_CONTRIBUTION),
            amount=-Decimal(amount),
        ),
    ]


def _post(amount: str = "100.00", on: datetime.date | None = None) -> LedgerTransaction:
    return ledger.post(
        actor=StewardFactory().user,
        journal_code=JournalCode.SALES,
        label="Appel de contribution",
        legs=_pair(amount),
        verb="test.posted",
        on=on,
    )


def test_a_balanced_posting_is_numbered_and_journaled() -> None:
    txn = _post()
    assert txn.is_posted
    assert txn.number == 1
    assert txn.journal_entry is not None
    assert txn.journal_entry.verb == "test.posted"
    assert len(txn.journal_entry.payload["lines"]) == 2
    assert txn.lines.count() == 2
    assert ledger.trial_balance_is_zero()
    assert ledger.unbalanced_transactions() == []


def test_numbering_is_gapless_per_fiscal_year() -> None:
    numbers = [
        (t.fiscal_year, t.number)
        for t in [
            _post(on=datetime.date(2025, 12, 31)),
            _post(on=datetime.date(2026, 1, 1)),
            _post(on=datetime.date(2025, 6, 1)),
            _post(on=datetime.date(2026, 3, 1)),
            _post(on=datetime.date(2026, 3, 2)),
        ]
    ]
    assert numbers == [(2025, 1), (2026, 1), (2025, 2), (2026, 2), (2026, 3)]


@pytest.mark.parametrize(
    "amounts",
    [
        ["100.00", "-99.99"],  # unbalanced
        ["100.00"],  # a single line
        ["0.00", "0.00"],  # zero lines
        ["0.005", "-0.005"],  # sub-cent
    ],
)
def test_refusals_write_nothing(amounts: list[str]) -> None:
    account = ledger.system_account(AccountKind.BANK)
    legs = [ledger.Leg(account=account, amount=Decimal(a)) for a in amounts]
    with pytest.raises(ledger.UnbalancedTransaction):
        ledger.post(
            actor=None, journal_code=JournalCode.MISC, label="x", legs=legs, verb="test.refused"
        )
    assert not LedgerTransaction.objects.exists()
    assert not JournalEntry.objects.filter(verb="test.refused").exists()


def test_reverse_once_only_and_never_a_reversal() -> None:
    txn = _post("42.50")
    reversal = ledger.reverse(actor=None, txn=txn, reason="Erreur de saisie")
    assert reversal.reverses == txn
    assert sorted(line.amount for line in reversal.lines.all()) == [
        Decimal("-42.50"),
        Decimal("42.50"),
    ]
    with pytest.raises(Conflict):
        ledger.reverse(actor=None, txn=txn, reason="encore")
    with pytest.raises(Conflict):
        ledger.reverse(actor=None, txn=reversal, reason="annuler l'annulation")
    assert LedgerTransaction.objects.count() == 2
    assert ledger.trial_balance_is_zero()


def test_balances_come_from_lines() -> None:
    common = CommonFactory()
    person = PersonFactory()
    ledger.post(
        actor=None,
        journal_code=JournalCode.MISC,
        label="Budget commun",
        legs=[
            ledger.Leg(account=ledger.receivable(person=person), amount=Decimal("10.10")),
            ledger.Leg(
                account=ledger.common_account(AccountKind.COMMON_PLEDGED, common),
                amount=Decimal("-10.10"),
            ),
        ],
        verb="test.posted",
    )
    assert ledger.balance(ledger.receivable(person=person)) == Decimal("10.10")
    assert ledger.balance(ledger.common_account(AccountKind.COMMON_PLEDGED, common)) == Decimal(
        "-10.10"
    )
    # Accounts are found again, not duplicated.
    assert ledger.receivable(person=person) == ledger.receivable(person=person)


def test_the_database_refuses_to_update_a_posted_line() -> None:
    txn = _post()
    line = txn.lines.first()
    assert line is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerLine.objects.filter(pk=line.pk).update(amount=Decimal("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.filter(pk=txn.pk).update(label="modifié")
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerLine.objects.create(
            transaction=txn,
            account=ledger.system_account(AccountKind.BANK),
            amount=Decimal("5.00"),
        )
    line.refresh_from_db()
    assert line.amount == Decimal("100.00")
    assert ledger.trial_balance_is_zero()


def test_the_database_refuses_to_post_an_unbalanced_transaction() -> None:
    draft = LedgerTransaction.objects.create(
        journal_code=JournalCode.MISC, fiscal_year=2026, date=datetime.date(2026, 1, 2), label="x"
    )
    LedgerLine.objects.create(
        transaction=draft, account=ledger.system_account(AccountKind.BANK), amount=Decimal("5.00")
    )
    LedgerLine.objects.create(
        transaction=draft, account=ledger.system_account(AccountKind.FEES), amount=Decimal("-4.00")
    )
    journal_entry = _post().journal_entry
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.filter(pk=draft.pk).update(
            is_posted=True, number=99, posted_at=timezone.now(), journal_entry=journal_entry
        )
    # Inserting a transaction already posted is refused too (lines come first).
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.create(
            journal_code=JournalCode.MISC,
            fiscal_year=2026,
            date=datetime.date(2026, 1, 2),
            label="y",
            is_posted=True,
            number=98,
            posted_at=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
            journal_entry=journal_entry,
        )
    draft.refresh_from_db()
    assert draft.is_posted is False
    assert ledger.unbalanced_transactions() == []
