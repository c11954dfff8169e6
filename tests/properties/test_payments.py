"""Properties of declarations, payments, refunds, receipts and the HelloAsso import.

After any sequence of declare / invoice / pay (partial) / refund / cancel / donate:
every transaction balances, the sum of all balances is zero, each person's receivable
balance is invoiced − paid + refunded, fee + net = gross for every payment and refund,
and receipts are numbered 1..N in each year without gaps. A repeated import of the same
generated HelloAsso file creates nothing.
"""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from cercle.core.errors import ApplicationError
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import DeclarationStatus, PaymentKind, PaymentMethod
from cercle.reciprocity.models import Payment, Receipt, YearlyDeclaration
from cercle.reciprocity.services import declarations as declaration_services
from cercle.reciprocity.services import declarations_helloasso as helloasso
from cercle.reciprocity.services import declarations_payments as payment_services
from cercle.reciprocity.services import declarations_refunds as refund_services
from tests.factories.missions import consultant
from tests.factories.network import StewardFactory

CENTS = st.integers(min_value=1, max_value=100_000).map(lambda n: Decimal(n) / 100)
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["declare", "invoice", "pay", "refund", "cancel", "donate", "amend"]),
        st.integers(min_value=0, max_value=5),
        CENTS,
        st.integers(min_value=0, max_value=2),  # year offset
        st.sampled_from(list(PaymentMethod.values)),
    ),
    min_size=1,
    max_size=18,
)


def money(value: Any) -> Decimal:
    return ledger.cents(value or 0)


class PaymentProperties(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=ACTIONS)
    @example(  # once found: a paid declaration was invoiced a second time
        steps=[
            (action, 0, Decimal("0.01"), 0, PaymentMethod.TRANSFER)
            for action in ("declare", "invoice", "pay", "invoice")
        ]
    )
    def test_any_sequence_keeps_the_ledger_exact(self, steps: list[tuple[Any, ...]]) -> None:
        people = [consultant(), consultant()]
        steward = StewardFactory().user
        this_year = timezone.localdate().year
        for action, index, amount, year_offset, method in steps:
            person = people[index % len(people)]
            declarations = list(YearlyDeclaration.objects.filter(person=person).order_by("id"))
            target = declarations[index % len(declarations)] if declarations else None
            payments = list(Payment.objects.filter(refund_of__isnull=True).order_by("id"))
            with contextlib.suppress(ApplicationError, ValidationError):
                if action == "declare":
                    declaration_services.declaration_create(
                        actor=person.user, year=this_year - year_offset, amount_ht=amount
                    )
                elif action == "amend" and target is not None:
                    declaration_services.declaration_amend(
                        actor=person.user, declaration=target, amount_ht=amount
                    )
                elif action == "invoice" and target is not None:
                    declaration_services.declaration_invoice(actor=steward, declaration=target)
                elif action == "cancel" and target is not None:
                    declaration_services.declaration_cancel(
                        actor=steward, declaration=target, reason="Essai"
                    )
                elif action == "pay" and target is not None:
                    payment_services.payment_record(
                        actor=steward,
                        kind=PaymentKind.CONTRIBUTION,
                        method=method,
                        paid_on=timezone.localdate() - datetime.timedelta(days=365 * year_offset),
                        gross=amount,
                        fee=money(amount * Decimal("0.013")),
                        declaration=target,
                    )
                elif action == "refund" and payments:
                    refund_services.payment_refund(
                        actor=steward, payment=payments[index % len(payments)], amount=amount
                    )
                elif action == "donate":
                    payment_services.payment_record(
                        actor=steward,
                        kind=PaymentKind.DONATION,
                        method=method,
                        paid_on=timezone.localdate() - datetime.timedelta(days=365 * year_offset),
                        gross=amount,
                        payer_name="Odile Marchand",
                    )
            self._check(people)

    def _check(self, people: list[Any]) -> None:
        assert ledger.unbalanced_transactions() == []
        assert ledger.trial_balance_is_zero()
        for payment in Payment.objects.all():
            assert payment.fee + payment.net == payment.gross
            assert payment.fee >= 0
            assert payment.net >= 0
        for person in people:
            invoiced = money(
                YearlyDeclaration.objects.filter(
                    person=person,
                    status__in=[
                        DeclarationStatus.INVOICED,
                        DeclarationStatus.PARTIALLY_PAID,
                        DeclarationStatus.PAID,
                    ],
                ).aggregate(s=Sum("amount_ht"))["s"]
            )
            contributions = Payment.objects.filter(
                payer_person=person, kind=PaymentKind.CONTRIBUTION
            )
            paid = money(
                contributions.filter(refund_of__isnull=True).aggregate(s=Sum("gross"))["s"]
            )
            refunded = money(
                contributions.filter(refund_of__isnull=False).aggregate(s=Sum("gross"))["s"]
            )
            assert ledger.balance(ledger.receivable(person=person)) == invoiced - paid + refunded
            for declaration in YearlyDeclaration.objects.filter(person=person):
                settled = declaration_services.declaration_paid_total(declaration)
                assert Decimal(0) <= settled <= declaration.amount_ht
        for year in set(Receipt.objects.values_list("year", flat=True)):
            numbers = sorted(Receipt.objects.filter(year=year).values_list("sequence", flat=True))
            assert numbers == list(range(1, len(numbers) + 1))
        assert not Receipt.objects.filter(payment__refund_of__isnull=False).exists()

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(years=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=20))
    def test_receipts_are_gapless_per_year_whatever_the_order(self, years: list[int]) -> None:
        steward = StewardFactory().user
        today = timezone.localdate()
        for offset in years:
            payment_services.payment_record(
                actor=steward,
                kind=PaymentKind.MEMBERSHIP_FEE,
                method=PaymentMethod.CASH,
                paid_on=today.replace(month=1, day=1, year=today.year - offset),
                gross="10",
                payer_name="Lucien Aubert",
            )
        for offset in set(years):
            numbers = list(
                Receipt.objects.filter(year=today.year - offset)
                .order_by("sequence")
                .values_list("sequence", flat=True)
            )
            assert numbers == list(range(1, years.count(offset) + 1))


ROW = st.tuples(
    st.integers(min_value=1, max_value=10_000_000),
    CENTS,
    st.sampled_from(["Payé", "Remboursé", "Refusé", "Autorisé"]),
    st.sampled_from(["Don", "Adhésion", "Crowdfunding", "Billetterie"]),
    st.integers(min_value=1, max_value=28),
)


def csv_of(rows: list[tuple[Any, ...]]) -> bytes:
    lines = [
        "Référence commande;Référence paiement;Montant total;Date du paiement;"
        "Statut du paiement;Nom payeur;Prénom payeur;Email payeur;Campagne;Type de campagne"
    ]
    for pid, amount, status, kind, day in rows:
        lines.append(
            f"{pid + 1};{pid};{str(amount).replace('.', ',')};{day:02d}/01/2026;{status};"
            f"Aubert;Lucien;lucien{pid}@example.net;Campagne;{kind}"
        )
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


class HelloAssoImportProperties(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=st.lists(ROW, min_size=1, max_size=12, unique_by=lambda r: r[0]))
    def test_a_repeated_import_creates_nothing(self, rows: list[tuple[Any, ...]]) -> None:
        steward = StewardFactory().user
        content = csv_of(rows)
        first = helloasso.helloasso_import_file(actor=steward, content=content)
        count = Payment.objects.count()
        expected = sum(1 for r in rows if r[2] != "Refusé" and r[3] != "Billetterie")
        assert first.created == expected
        again = helloasso.helloasso_import_file(actor=steward, content=content)
        assert again.created == 0
        assert again.refunds == 0
        assert again.already == expected
        assert Payment.objects.count() == count
        assert ledger.trial_balance_is_zero()
