"""Set-up for the reports' tests: missions with a policy, declarations, payments and
payments into commons, written straight to the ledger with `ledger.post` (the posting
rules of docs/decisions/0010), without going through the declarations' services."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cercle.commons.models import Common
from cercle.missions.models import Mission, OfferCommonsLine
from cercle.network.models import Person
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import (
    AccountKind,
    DeclarationStatus,
    JournalCode,
    PaymentKind,
    PaymentMethod,
    PolicyKind,
)
from cercle.reciprocity.models import (
    DeclarationLine,
    MissionContribution,
    Payment,
    TurnoverDeclaration,
    YearlyDeclaration,
)
from tests.factories.missions import CommonFactory, MissionFactory, OfferFactory, TeamFactory

D = Decimal


def aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def mission(
    *,
    amount: Decimal | str = "10000.00",
    lead: Person | None = None,
    awarded_on: datetime.date | None = None,
    territory: str = "59",
    policy: str | None = PolicyKind.FLAT_RATE,
    rate: Decimal | str | None = "5",
    self_assessed: Decimal | str | None = None,
    turnover: Decimal | str | None = None,
    commons: Sequence[tuple[Common, Decimal | str]] = (),
) -> Mission:
    """An awarded mission with its policy, declared turnover and commons budget lines;
    the lines are pledged in the ledger as at award (receivable of the lead / pledged)."""
    team = TeamFactory(lead=lead) if lead is not None else TeamFactory()
    team.request.territory_id = territory
    team.request.save(update_fields=["territory"])
    offer = OfferFactory(team=team, price_ht=D(amount))
    day = awarded_on or timezone.localdate()
    found: Mission = MissionFactory(offer=offer, amount_ht=D(amount), awarded_at=aware(day))
    if policy is not None:
        MissionContribution.objects.create(
            mission=found,
            policy=policy,
            rate_percent=D(rate)
            if rate is not None and policy != PolicyKind.SELF_ASSESSED
            else None,
            self_assessed_amount_ht=D(self_assessed) if self_assessed is not None else None,
            recorded_at=timezone.now(),
        )
    if turnover is not None:
        TurnoverDeclaration.objects.create(
            mission=found, amount_ht=D(turnover), declared_by=found.lead, declared_at=timezone.now()
        )
    for common, line_amount in commons:
        OfferCommonsLine.objects.create(offer=offer, common=common, amount_ht=D(line_amount))
        ledger.post(
            actor=None,
            journal_code=JournalCode.MISC,
            label=f"Commons line {common.name}",
            legs=[
                ledger.Leg(ledger.receivable(person=found.lead), D(line_amount), mission=found),
                ledger.Leg(
                    ledger.common_account(AccountKind.COMMON_PLEDGED, common),
                    -D(line_amount),
                    mission=found,
                ),
            ],
            verb="commons.pledged",
            on=day,
        )
    return found


def declaration(
    person: Person,
    year: int,
    amount: Decimal | str,
    *,
    lines: Sequence[tuple[Mission, Decimal | str]] = (),
    invoice_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
) -> YearlyDeclaration:
    """A declaration, invoiced (receivable / income, per mission line) when `invoice_on`."""
    found = YearlyDeclaration.objects.create(
        person=person, year=year, amount_ht=D(amount), declared_at=timezone.now()
    )
    for m, line_amount in lines:
        DeclarationLine.objects.create(declaration=found, mission=m, amount_ht=D(line_amount))
    if invoice_on is not None:
        parts: list[tuple[Any, Decimal]] = [(m, D(a)) for m, a in lines] or [(None, D(amount))]
        legs = []
        for m, part in parts:
            legs += [
                ledger.Leg(ledger.receivable(person=person), part, mission=m, declaration=found),
                ledger.Leg(
                    ledger.system_account(AccountKind.INCOME_CONTRIBUTION),
                    -part,
                    mission=m,
                    declaration=found,
                ),
            ]
        ledger.post(
            actor=None,
            journal_code=JournalCode.SALES,
            label=f"Contribution {year} {person}",
            legs=legs,
            verb="declaration.invoiced",
            on=invoice_on,
            piece_ref=f"D{year}-{found.pk}",
        )
        found.status = DeclarationStatus.INVOICED
        found.invoiced_at = aware(invoice_on)
        found.due_on = due_on or invoice_on + datetime.timedelta(days=30)
        found.save(update_fields=["status", "invoiced_at", "due_on"])
    return found


def pay(
    found: YearlyDeclaration,
    gross: Decimal | str,
    *,
    fee: Decimal | str = "0",
    paid_on: datetime.date | None = None,
) -> Payment:
    """A payment of a declaration: bank (net) and fees / receivable (gross)."""
    gross, fee = D(gross), D(fee)
    day = paid_on or timezone.localdate()
    legs = [ledger.Leg(ledger.system_account(AccountKind.BANK), gross - fee)]
    if fee:
        legs.append(ledger.Leg(ledger.system_account(AccountKind.FEES), fee))
    legs.append(ledger.Leg(ledger.receivable(person=found.person), -gross, declaration=found))
    txn = ledger.post(
        actor=None,
        journal_code=JournalCode.BANK,
        label=f"Payment {found.person}",
        legs=legs,
        verb="payment.recorded",
        on=day,
    )
    payment = Payment.objects.create(
        kind=PaymentKind.CONTRIBUTION,
        method=PaymentMethod.TRANSFER,
        payer_person=found.person,
        payer_name=str(found.person),
        declaration=found,
        gross=gross,
        fee=fee,
        net=gross - fee,
        paid_on=day,
        transaction=txn,
        recorded_at=timezone.now(),
    )
    paid = sum((p.gross for p in found.payments.filter(refund_of__isnull=True)), D(0))
    found.status = (
        DeclarationStatus.PAID if paid >= found.amount_ht else DeclarationStatus.PARTIALLY_PAID
    )
    found.save(update_fields=["status"])
    return payment


def pay_common(
    common: Common, m: Mission, gross: Decimal | str, *, paid_on: datetime.date | None = None
) -> Payment:
    """The lead pays a common's budget line: bank + pledged / receivable + fund."""
    gross = D(gross)
    day = paid_on or timezone.localdate()
    txn = ledger.post(
        actor=None,
        journal_code=JournalCode.BANK,
        label=f"Commons {common.name}",
        legs=[
            ledger.Leg(ledger.system_account(AccountKind.BANK), gross),
            ledger.Leg(ledger.common_account(AccountKind.COMMON_PLEDGED, common), gross, mission=m),
            ledger.Leg(ledger.receivable(person=m.lead), -gross, mission=m),
            ledger.Leg(ledger.common_account(AccountKind.COMMON_FUND, common), -gross, mission=m),
        ],
        verb="payment.recorded",
        on=day,
    )
    return Payment.objects.create(
        kind=PaymentKind.COMMONS,
        method=PaymentMethod.TRANSFER,
        payer_person=m.lead,
        payer_name=str(m.lead),
        common=common,
        mission=m,
        gross=gross,
        fee=D(0),
        net=gross,
        paid_on=day,
        transaction=txn,
        recorded_at=timezone.now(),
    )


__all__ = ["CommonFactory", "declaration", "mission", "pay", "pay_common"]
