"""Payments: contributions (partial, overpayment), donations, membership fees, commons,
refunds, matching, receipts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.core.errors import Conflict, NotAllowed
from cercle.missions.models import OfferCommonsLine
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import AccountKind, DeclarationStatus, PaymentKind, PaymentMethod
from cercle.reciprocity.models import Payment, Receipt
from cercle.reciprocity.services import declarations_payments as services
from cercle.reciprocity.services import declarations_refunds as refund_services
from tests.factories.missions import CommonFactory, MissionFactory, consultant
from tests.factories.network import OrganizationFactory
from tests.factories.reciprocity_declarations import declared, donation, invoiced, paid, steward

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_partial_then_full_payment():
    declaration = invoiced(amount="600")
    first = paid(declaration, "200")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PARTIALLY_PAID
    paid(declaration, "400")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PAID
    assert declaration.paid_at is not None
    assert ledger.balance(ledger.receivable(person=declaration.person)) == 0
    assert first.receipt.number == f"{TODAY().year}-0001"
    assert first.transaction.journal_code == "BQ"
    assert ledger.trial_balance_is_zero()


def test_overpayment_is_refused_and_nothing_changes():
    declaration = invoiced(amount="600")
    paid(declaration, "500")
    with pytest.raises(ValidationError) as error:
        paid(declaration, "100.01")
    assert "gross" in error.value.message_dict
    assert "100.00" in error.value.message_dict["gross"][0]
    assert Payment.objects.count() == 1
    assert Receipt.objects.count() == 1


def test_a_declaration_not_invoiced_takes_no_payment():
    with pytest.raises(ValidationError) as error:
        paid(declared(), "10")
    assert "declaration" in error.value.message_dict


def test_fee_and_net_and_the_platform_account():
    declaration = invoiced(amount="100")
    payment = paid(declaration, "100", fee="2.50", method=PaymentMethod.HELLOASSO)
    assert payment.net == Decimal("97.50")
    assert payment.fee + payment.net == payment.gross
    assert ledger.balance(ledger.system_account(AccountKind.CLEARING)) == Decimal("97.50")
    assert ledger.balance(ledger.system_account(AccountKind.FEES)) == Decimal("2.50")
    with pytest.raises(ValidationError) as error:
        paid(invoiced(amount="100"), "10", fee="11")
    assert "fee" in error.value.message_dict


def test_future_dates_and_bad_input_are_refused():
    declaration = invoiced(amount="100")
    with pytest.raises(ValidationError) as error:
        paid(declaration, "10", paid_on=TODAY() + datetime.timedelta(days=1))
    assert "paid_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            actor=steward().user, kind="bitcoin", method="x", paid_on="hier", gross="-1"
        )
    assert {"kind", "method", "paid_on", "gross"} <= set(error.value.message_dict)


def test_only_stewards_record_payments():
    declaration = invoiced(amount="100")
    with pytest.raises(NotAllowed):
        paid(declaration, "10", by=declaration.person)


def test_donation_from_an_outsider_and_a_fee_from_an_organization():
    gift = donation(amount="50", payer_name="Odile Marchand")
    assert gift.payer_person is None
    assert ledger.balance(ledger.system_account(AccountKind.INCOME_DONATION)) == Decimal("-50.00")
    org = OrganizationFactory()
    fee = services.payment_record(
        actor=steward().user,
        kind=PaymentKind.MEMBERSHIP_FEE,
        method=PaymentMethod.TRANSFER,
        paid_on=TODAY(),
        gross="40",
        payer_organization=org,
    )
    assert fee.payer_name == org.name
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            actor=steward().user,
            kind=PaymentKind.DONATION,
            method=PaymentMethod.CASH,
            paid_on=TODAY(),
            gross="5",
        )
    assert "payer_name" in error.value.message_dict


def test_payment_into_a_common_posts_both_pairs():
    lead = consultant()
    mission = MissionFactory(offer__team__lead=lead)
    common = CommonFactory()
    OfferCommonsLine.objects.create(offer=mission.offer, common=common, amount_ht=Decimal("300"))
    payment = services.payment_record(
        actor=steward().user,
        kind=PaymentKind.COMMONS,
        method=PaymentMethod.TRANSFER,
        paid_on=TODAY(),
        gross="200",
        mission=mission,
        common=common,
    )
    assert payment.payer_person == lead
    assert ledger.balance(ledger.common_account(AccountKind.COMMON_FUND, common)) == Decimal(
        "-200.00"
    )
    assert ledger.balance(ledger.common_account(AccountKind.COMMON_PLEDGED, common)) == Decimal(
        "200.00"
    )
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            actor=steward().user,
            kind=PaymentKind.COMMONS,
            method=PaymentMethod.TRANSFER,
            paid_on=TODAY(),
            gross="100.01",
            mission=mission,
            common=common,
        )
    assert "gross" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            actor=steward().user,
            kind=PaymentKind.COMMONS,
            method=PaymentMethod.TRANSFER,
            paid_on=TODAY(),
            gross="1",
            mission=mission,
            common=CommonFactory(),
        )
    assert "common" in error.value.message_dict


def test_refunds_move_the_declaration_back_and_stop_at_what_was_paid():
    declaration = invoiced(amount="600")
    payment = paid(declaration, "600", fee="6", method=PaymentMethod.HELLOASSO)
    refund = refund_services.payment_refund(
        actor=steward().user, payment=payment, amount="200", reason="Trop perçu"
    )
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PARTIALLY_PAID
    assert refund.fee + refund.net == refund.gross
    with pytest.raises(ValidationError) as error:
        refund_services.payment_refund(actor=steward().user, payment=payment, amount="400.01")
    assert "400.00" in error.value.message_dict["amount"][0]
    last = refund_services.payment_refund(actor=steward().user, payment=payment, amount="400")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.INVOICED
    # Refunding everything gives back exactly the fee.
    assert refund.fee + last.fee == payment.fee
    assert ledger.balance(ledger.receivable(person=declaration.person)) == Decimal("600.00")
    assert ledger.balance(ledger.system_account(AccountKind.FEES)) == 0
    assert not hasattr(last, "receipt") or not Receipt.objects.filter(payment=last).exists()
    with pytest.raises(Conflict):
        refund_services.payment_refund(actor=steward().user, payment=last, amount="1")


def test_matching_an_unmatched_contribution():
    declaration = invoiced(amount="300")
    draft = services.payment_draft(
        kind=PaymentKind.CONTRIBUTION,
        method=PaymentMethod.HELLOASSO,
        paid_on=TODAY(),
        gross="300",
        payer_person=declaration.person,
        allow_unmatched=True,
    )
    payment = services.payment_post(actor=None, draft=draft)
    assert payment.declaration is None
    other = invoiced(amount="300")
    with pytest.raises(ValidationError):
        refund_services.payment_match(actor=steward().user, payment=payment, declaration=other)
    refund_services.payment_match(actor=steward().user, payment=payment, declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PAID
    with pytest.raises(Conflict):
        refund_services.payment_match(
            actor=steward().user, payment=payment, declaration=declaration
        )


def test_receipts_are_numbered_per_year_of_payment():
    last_year = TODAY().replace(year=TODAY().year - 1, month=12, day=31)
    a = donation(paid_on=last_year)
    b = donation()
    c = donation(paid_on=last_year)
    assert a.receipt.number == f"{last_year.year}-0001"
    assert c.receipt.number == f"{last_year.year}-0002"
    assert b.receipt.number == f"{TODAY().year}-0001"
    assert c.receipt.amount == c.gross
