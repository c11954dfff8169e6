"""Payments under concurrency: stewards record payments on the same declaration, and
into the same common's budget line, at the same moment.

Nothing is overpaid, the declaration's status follows what was paid, receipts are
numbered without gaps, every ledger transaction balances and the journal holds one
entry per recorded payment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.reciprocity.enums import DeclarationStatus, PaymentKind, PaymentMethod
from cercle.reciprocity.models import Payment, Receipt, YearlyDeclaration
from cercle.reciprocity.services.declarations_payments import (
    commons_line_remaining,
    payment_record,
)
from tests.concurrency.race import (
    assert_books_and_journal_hold,
    journal_count,
    kinds,
    together,
    unexpected,
    workers,
)
from tests.factories.missions import CommonFactory
from tests.factories.network import StewardFactory
from tests.factories.reciprocity_declarations import invoiced
from tests.factories.reciprocity_policies import awarded_mission

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]


def test_simultaneous_payments_never_overpay_and_number_receipts_without_gaps() -> None:
    n = workers()
    stewards = [StewardFactory() for _ in range(4)]
    # Room for a fifth of the payments on each: the rest must be refused.
    room = n // 5
    declaration = invoiced(amount=f"{100 * room}.00")
    common = CommonFactory()
    mission = awarded_mission(commons=[(common, Decimal(100 * room))])
    before = journal_count("payment.recorded")
    today = timezone.localdate()

    def contribution(i: int) -> Any:
        return lambda: payment_record(
            actor=stewards[i % 4].user,
            kind=PaymentKind.CONTRIBUTION,
            method=PaymentMethod.TRANSFER,
            paid_on=today,
            gross="100",
            declaration=declaration,
        )

    def into_common(i: int) -> Any:
        return lambda: payment_record(
            actor=stewards[i % 4].user,
            kind=PaymentKind.COMMONS,
            method=PaymentMethod.TRANSFER,
            paid_on=today,
            gross="100",
            common=common,
            mission=mission,
        )

    def donation(i: int) -> Any:
        return lambda: payment_record(
            actor=stewards[i % 4].user,
            kind=PaymentKind.DONATION,
            method=PaymentMethod.CHEQUE,
            paid_on=today,
            gross="25",
            payer_name="Amis du lieu",
            external_id=f"cheque-{i % (n // 10 or 1)}",  # some cheques entered twice
        )

    third = n // 3
    calls = (
        [contribution(i) for i in range(third)]
        + [into_common(i) for i in range(third)]
        + [donation(i) for i in range(n - 2 * third)]
    )
    outcomes = together(calls)

    assert unexpected(outcomes, ValidationError) == []
    paid_in = kinds(outcomes[:third])
    assert paid_in == {"ok": room, "ValidationError": third - room}
    declaration = YearlyDeclaration.objects.get(pk=declaration.pk)
    assert declaration.status == DeclarationStatus.PAID
    assert sum(p.gross for p in declaration.payments.all()) == declaration.amount_ht
    assert kinds(outcomes[third : 2 * third]) == {"ok": room, "ValidationError": third - room}
    assert commons_line_remaining(mission=mission, common=common) == 0
    cheques = {o.value.external_id for o in outcomes[2 * third :] if o.ok}
    assert len(cheques) == sum(1 for o in outcomes[2 * third :] if o.ok)  # none twice

    recorded = sum(1 for o in outcomes if o.ok)
    assert journal_count("payment.recorded") - before == recorded
    sequences = sorted(Receipt.objects.filter(year=today.year).values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    assert Receipt.objects.count() == Payment.objects.filter(refund_of__isnull=True).count()
    assert_books_and_journal_hold()
