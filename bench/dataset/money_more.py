"""Reciprocity, continued: commons pledged and paid, payouts, donations and membership
fees up to the line target, receipts, and writing the ledger in the triggers' order."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max

from bench.dataset.context import Ctx
from bench.dataset.money import Books, Leg, _payment
from bench.dataset.rows import Ids, put, uuid_from
from cercle.reciprocity.enums import AccountKind, JournalCode, PaymentKind, PaymentMethod
from cercle.reciprocity.models import (
    CommonPayout,
    LedgerLine,
    LedgerTransaction,
    Payment,
    Receipt,
    ReceiptCounter,
)

KIND_FR = {
    PaymentKind.CONTRIBUTION: "Contribution",
    PaymentKind.DONATION: "Don",
    PaymentKind.MEMBERSHIP_FEE: "Cotisation",
    PaymentKind.COMMONS: "Versement à un commun",
}


def commons_money(ctx: Ctx, books: Books, accounts: dict[str, Any]) -> None:
    rng = ctx.rng
    lines_of = ctx.data["commons_lines_of"]
    people = {p["id"]: p for p in ctx.data["consultants"]}
    fund: dict[int, Decimal] = defaultdict(Decimal)
    for mission in ctx.data["missions"]:
        budget = lines_of.get(mission["offer_id"], [])
        if not budget:
            continue
        lead = people[mission["lead_id"]]
        receivable = accounts["receivable"][lead["id"]]
        title = mission["_request"]["title"]
        legs: list[Leg] = []
        for line in budget:
            amount = line["amount_ht"]
            legs.append((receivable, amount, mission["id"], None))
            legs.append((accounts["pledged"][line["common_id"]], -amount, mission["id"], None))
        books.post(
            at=mission["awarded_at"] + timedelta(minutes=1),
            code=JournalCode.MISC,
            label=f"Communs budgétés par la mission {title}",
            legs=legs,
            verb="commons.pledged",
            obj=("missions.mission", str(mission["uuid"]), title),
            payload={"mission": str(mission["uuid"])},
            piece_ref=str(mission["uuid"])[:8],
        )
        if mission["delivered_at"] is None:
            continue
        for line in budget:
            at = mission["delivered_at"] + timedelta(days=rng.randrange(5, 60))
            if at >= ctx.now or rng.random() > 0.8:
                continue
            gross, common = line["amount_ht"], line["common_id"]
            _payment(
                ctx,
                books,
                kind=PaymentKind.COMMONS,
                at=at,
                gross=gross,
                person=lead,
                counter=[
                    (receivable, -gross, mission["id"], None),
                    (accounts["pledged"][common], gross, mission["id"], None),
                    (accounts["fund"][common], -gross, mission["id"], None),
                ],
                common=common,
                mission=mission["id"],
            )
            fund[common] += gross
    # Once a year, half of each common's fund goes to its commoners.
    payouts = []
    payout_ids = Ids(CommonPayout)
    bank = books.system[AccountKind.BANK]
    for common in ctx.data["commons"]:
        held = fund.get(common["id"], Decimal("0"))
        amount = (held / 2).quantize(Decimal("0.01"))
        if amount <= 0:
            continue
        at = ctx.at(ctx.today - timedelta(days=rng.randrange(1, 60)))
        txn = books.post(
            at=at,
            code=JournalCode.BANK,
            label=f"Versement aux contributeurs de {common['name']}",
            legs=[
                (accounts["fund"][common["id"]], amount, None, None),
                (bank, -amount, None, None),
            ],
            verb="commons.paid_out",
            obj=("commons.common", common["slug"], common["name"]),
            payload={"amount": str(amount)},
            actor=ctx.data["user_of"][ctx.data["steward"]["id"]],
        )
        payouts.append(
            {
                "id": payout_ids.take(),
                "uuid": uuid_from(rng),
                "common_id": common["id"],
                "amount": amount,
                "beneficiary": "Les contributeurs du commun",
                "paid_on": at.date(),
                "note": "",
                "transaction_id": txn["id"],
                "recorded_by_id": ctx.data["steward"]["id"],
            }
        )
    ctx.data["payouts"] = payouts


def filler(ctx: Ctx, books: Books) -> None:
    """Donations and membership fees until the ledger holds its target of lines."""
    rng = ctx.rng
    people = ctx.data["people"]
    remaining = ctx.targets["ledger_lines"] - len(books.lines) - books.pending_lines
    start = date(ctx.first_year, 1, 1)
    span = (ctx.today - start).days
    paid_fee: set[tuple[int, int]] = set()
    while remaining >= 2:
        if remaining in (2, 3):
            size = remaining
        elif remaining == 4:
            size = 2
        else:
            size = 3 if rng.random() < 0.6 else 2
        person = rng.choice(people)
        day = start + timedelta(days=rng.randrange(max(1, span)))
        key = (person["id"], day.year)
        if key not in paid_fee:
            kind, gross = PaymentKind.MEMBERSHIP_FEE, Decimal(rng.choice((20, 30, 50)))
            paid_fee.add(key)
        else:
            kind, gross = PaymentKind.DONATION, Decimal(rng.randrange(5, 120))
        income = books.system[
            AccountKind.INCOME_MEMBERSHIP
            if kind == PaymentKind.MEMBERSHIP_FEE
            else AccountKind.INCOME_DONATION
        ]
        method = PaymentMethod.HELLOASSO if size == 3 else PaymentMethod.TRANSFER
        payment = _payment(
            ctx,
            books,
            kind=kind,
            at=ctx.at(day),
            gross=gross,
            person=person,
            counter=[(income, -gross, None, None)],
            method=method,
        )
        if size == 3 and payment["fee"] == 0:  # the platform kept a fee on this one
            payment["fee"] = Decimal("0.75")
            payment["net"] = gross - payment["fee"]
            payment["_legs"] = [
                *books.cash_legs(method, payment["net"], payment["fee"]),
                (income, -gross, None, None),
            ]
            books.pending_lines += 1
        remaining -= len(payment["_legs"])


def post_payments(ctx: Ctx, books: Books) -> None:
    """Number the receipts without gaps per year, then post each payment's transaction."""
    counters = dict(ReceiptCounter.objects.values_list("year", "last"))
    receipts = []
    receipt_ids = Ids(Receipt)
    books.payments.sort(key=lambda p: (p["recorded_at"], p["id"]))
    for payment in books.payments:
        year = payment["paid_on"].year
        counters[year] = counters.get(year, 0) + 1
        number = f"{year}-{counters[year]:04d}"
        txn = books.post(
            at=payment["recorded_at"],
            code=JournalCode.BANK,
            label=f"{KIND_FR[payment['kind']]}, {payment['payer_name']}, reçu {number}",
            legs=payment.pop("_legs"),
            verb="payment.recorded",
            payload={
                "kind": payment["kind"],
                "method": payment["method"],
                "gross": str(payment["gross"]),
                "fee": str(payment["fee"]),
                "receipt": number,
                "external_id": "",
            },
            subject=ctx.data["user_of"][payment["payer_person_id"]],
            actor=ctx.data["user_of"][ctx.data["steward"]["id"]],
            piece_ref=number,
        )
        payment["transaction_id"] = txn["id"]
        receipts.append(
            {
                "id": receipt_ids.take(),
                "uuid": uuid_from(ctx.rng),
                "payment_id": payment["id"],
                "year": year,
                "sequence": counters[year],
                "issued_at": payment["recorded_at"],
                "payer_name": payment["payer_name"],
                "amount": payment["gross"],
            }
        )
    books.pending_lines = 0
    ctx.data["receipts"] = receipts
    ctx.data["receipt_counters"] = counters


def write_books(ctx: Ctx) -> None:
    """Write the ledger after the journal: number each fiscal year in posting order,
    insert transactions unposted and their lines, then post them in one UPDATE (the
    triggers check each one balances), then what points at them."""
    books: Books = ctx.data["books"]
    last = dict(
        LedgerTransaction.objects.filter(is_posted=True)
        .values("fiscal_year")
        .annotate(n=Max("number"))
        .values_list("fiscal_year", "n")
    )
    books.txns.sort(key=lambda t: (t["posted_at"], t["id"]))
    for txn in books.txns:
        year = txn["fiscal_year"]
        last[year] = (last.get(year) or 0) + 1
        txn["number"] = last[year]
        txn["journal_entry_id"] = txn["_pending"].entry_id
    put(ctx, LedgerTransaction, books.txns)
    put(ctx, LedgerLine, books.lines)
    ids = [t["id"] for t in books.txns]
    if ids:
        import time

        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reciprocity_ledgertransaction SET is_posted = %s"
                " WHERE id BETWEEN %s AND %s AND NOT is_posted",
                [True, min(ids), max(ids)],
            )
        ctx.add("ledger posting (UPDATE)", len(ids), time.perf_counter() - start)
    from cercle.reciprocity.models import DeclarationLine, YearlyDeclaration

    put(ctx, YearlyDeclaration, ctx.data["declarations"])
    put(ctx, DeclarationLine, ctx.data["declaration_lines"])
    put(ctx, Payment, books.payments)
    put(ctx, Receipt, ctx.data["receipts"])
    put(ctx, CommonPayout, ctx.data["payouts"])
    for year, value in ctx.data["receipt_counters"].items():
        ReceiptCounter.objects.update_or_create(year=year, defaults={"last": value})
