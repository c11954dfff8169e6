"""Reciprocity: accounts, yearly declarations, payments and receipts, and the ledger.

Every transaction is built as `ledger.post` would post it (same accounts, signs,
journal entry with its lines), then written in the order the database triggers allow:
the transaction unposted, its lines, then one UPDATE that posts them all.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.dataset.context import Ctx, Pending, Timer
from bench.dataset.rows import Ids, put, uuid_from
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import (
    AccountKind,
    DeclarationStatus,
    JournalCode,
    PaymentKind,
    PaymentMethod,
)
from cercle.reciprocity.models import (
    Account,
    DeclarationLine,
    LedgerLine,
    LedgerTransaction,
    Payment,
    YearlyDeclaration,
)

Acc = tuple[int, str, str]  # id, number, auxiliary
Leg = tuple[Acc, Decimal, int | None, int | None]  # account, amount, mission, declaration


class Books:
    """The transactions, lines and payments being built."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.txns: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []
        self.txn_ids, self.line_ids = Ids(LedgerTransaction), Ids(LedgerLine)
        self.payment_ids = Ids(Payment)
        self.pending_lines = 0  # lines of payments whose transaction is not built yet
        self.system = {kind: _acc(ledger.system_account(kind)) for kind in ledger.SYSTEM_ACCOUNTS}

    def post(
        self,
        *,
        at: datetime,
        code: str,
        label: str,
        legs: list[Leg],
        verb: str,
        obj: tuple[str, str, str] = ("", "", ""),
        payload: dict[str, Any] | None = None,
        subject: int | None = None,
        actor: int | None = None,
        piece_ref: str = "",
        reverses: int | None = None,
    ) -> dict[str, Any]:
        total = sum((amount for _acc_, amount, _m, _d in legs), Decimal("0"))
        if len(legs) < 2 or total != 0:
            raise ValueError(f"unbalanced: {label}")
        tid = self.txn_ids.take()
        pending = self.ctx.note(
            Pending(
                at=at,
                verb=verb,
                object_type=obj[0],
                object_id=obj[1],
                object_label=obj[2][:255],
                payload={
                    **(payload or {}),
                    "lines": [[acc[1], acc[2], str(amount)] for acc, amount, _m, _d in legs],
                },
                visibility="private",
                actor_id=actor,
                subject_id=subject,
            )
        )
        txn = {
            "id": tid,
            "uuid": uuid_from(self.ctx.rng),
            "journal_code": code,
            "fiscal_year": at.date().year,
            "number": None,
            "date": at.date(),
            "label": label[:200],
            "piece_ref": piece_ref[:40],
            "is_posted": False,
            "posted_at": at,
            "reverses_id": reverses,
            "journal_entry_id": None,
            "_pending": pending,
        }
        self.txns.append(txn)
        for acc, amount, mission, declaration in legs:
            self.lines.append(
                {
                    "id": self.line_ids.take(),
                    "transaction_id": tid,
                    "account_id": acc[0],
                    "amount": amount,
                    "label": label[:200],
                    "mission_id": mission,
                    "declaration_id": declaration,
                }
            )
        return txn

    def cash_legs(self, method: str, net: Decimal, fee: Decimal) -> list[Leg]:
        kind = AccountKind.CLEARING if method == PaymentMethod.HELLOASSO else AccountKind.BANK
        legs: list[Leg] = []
        if net:
            legs.append((self.system[kind], net, None, None))
        if fee:
            legs.append((self.system[AccountKind.FEES], fee, None, None))
        return legs


def _acc(account: Account) -> Acc:
    return (account.pk, account.number, account.auxiliary)


def _split(gross: Decimal, method: str, rng: Any) -> tuple[Decimal, Decimal]:
    """(fee, net): the platform keeps a fee on some HelloAsso payments."""
    # Fees in quarters of a euro on whole-euro amounts: SQLite compares `fee + net = gross`
    # in binary floating point, where such sums are exact.
    whole = gross == gross.to_integral_value()
    if method == PaymentMethod.HELLOASSO and whole and gross >= 2 and rng.random() < 0.7:
        fee = max(Decimal("0.25"), (gross * Decimal("0.1")).to_integral_value() / 4)
        return fee, gross - fee
    return Decimal("0"), gross


def generate_money(ctx: Ctx) -> None:
    timer = Timer()
    books = Books(ctx)
    accounts = _accounts(ctx)
    declarations, declaration_lines = _declarations(ctx, books, accounts)
    from bench.dataset.money_more import commons_money, filler, post_payments

    commons_money(ctx, books, accounts)
    filler(ctx, books)
    post_payments(ctx, books)
    ctx.progress(f"ledger built in memory: {len(books.lines)} lines ({timer.lap():.1f}s)")
    ctx.data["books"] = books
    ctx.data["declarations"] = declarations
    ctx.data["declaration_lines"] = declaration_lines


def _accounts(ctx: Ctx) -> dict[str, dict[int, Acc]]:
    rows: list[dict[str, Any]] = []
    ids = Ids(Account)
    out: dict[str, dict[int, Acc]] = {"receivable": {}, "pledged": {}, "fund": {}}
    number, name = ledger.PERSONAL_ACCOUNTS[AccountKind.RECEIVABLE]
    for person in ctx.data["consultants"]:
        pk, aux = ids.take(), f"P{person['id']:07d}"
        full = f"{person['first_name']} {person['last_name']}".strip()
        rows.append(
            {
                "id": pk,
                "uuid": uuid_from(ctx.rng),
                "kind": AccountKind.RECEIVABLE,
                "number": number,
                "auxiliary": aux,
                "name": f"{ledger._french(name)} {full}"[:200],
                "person_id": person["id"],
                "organization_id": None,
                "common_id": None,
            }
        )
        out["receivable"][person["id"]] = (pk, number, aux)
    for key, kind in (("pledged", AccountKind.COMMON_PLEDGED), ("fund", AccountKind.COMMON_FUND)):
        number, name = ledger.COMMON_ACCOUNTS[kind]
        for common in ctx.data["commons"]:
            pk, aux = ids.take(), f"C{common['id']:07d}"
            rows.append(
                {
                    "id": pk,
                    "uuid": uuid_from(ctx.rng),
                    "kind": kind,
                    "number": number,
                    "auxiliary": aux,
                    "name": f"{ledger._french(name)} {common['name']}"[:200],
                    "person_id": None,
                    "organization_id": None,
                    "common_id": common["id"],
                }
            )
            out[key][common["id"]] = (pk, number, aux)
    put(ctx, Account, rows)
    return out


def _declarations(
    ctx: Ctx, books: Books, accounts: dict[str, dict[int, Acc]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = ctx.rng
    steward_user = ctx.data["user_of"][ctx.data["steward"]["id"]]
    income = books.system[AccountKind.INCOME_CONTRIBUTION]
    by_person_year: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    members_of = ctx.data["members_of"]
    for mission in ctx.data["missions"]:
        for person in members_of[mission["team_id"]]:
            by_person_year[(person, mission["awarded_at"].year)].append(mission)
    declarations: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    ids, line_ids = Ids(YearlyDeclaration), Ids(DeclarationLine)
    landmark = ctx.data["landmark_consultant"]
    for person in ctx.data["consultants"]:
        user = ctx.data["user_of"][person["id"]]
        receivable = accounts["receivable"][person["id"]]
        for year in range(ctx.first_year, ctx.today.year + 1):
            forced = person["id"] == landmark["id"] and year == ctx.data["year"]
            if not forced and rng.random() > 0.85:
                continue
            declared_day = date(year, 9, 1) + timedelta(days=rng.randrange(45))
            if declared_day >= ctx.today:
                continue
            declared_at = ctx.at(declared_day)
            missions = list(by_person_year.get((person["id"], year), []))
            parts: list[tuple[dict[str, Any] | None, Decimal]] = []
            for mission in missions:
                share = (
                    mission["amount_ht"]
                    * mission["_rate"]
                    / 100
                    / len(members_of[mission["team_id"]])
                )
                parts.append((mission, max(ledger.cents(share), Decimal("1.00"))))
            if not parts:
                parts = [(None, Decimal(rng.randrange(5, 50) * 10))]
            amount = sum((a for _m, a in parts), Decimal("0"))
            did = ids.take()
            row: dict[str, Any] = {
                "id": did,
                "uuid": uuid_from(rng),
                "person_id": person["id"],
                "year": year,
                "amount_ht": amount,
                "note": "",
                "status": DeclarationStatus.DECLARED,
                "declared_at": declared_at,
                "invoiced_at": None,
                "due_on": None,
                "paid_at": None,
                "cancelled_at": None,
                "cancellation_reason": "",
                "invoice_transaction_id": None,
                "last_reminded_at": None,
                "reminders_sent": 0,
            }
            declarations.append(row)
            for mission, part in parts:
                if mission is not None:
                    lines.append(
                        {
                            "id": line_ids.take(),
                            "declaration_id": did,
                            "mission_id": mission["id"],
                            "amount_ht": part,
                        }
                    )
            fate = (
                "paid"
                if forced
                else rng.choices(
                    ["declared", "cancelled_early", "invoiced", "late_cancel", "partial", "paid"],
                    [3, 2, 7, 3, 8, 77],
                )[0]
            )
            if fate == "cancelled_early":
                row["status"] = DeclarationStatus.CANCELLED
                row["cancelled_at"] = declared_at + timedelta(days=3)
                row["cancellation_reason"] = "Déclaration faite en double."
                continue
            invoiced_at = declared_at + timedelta(days=rng.randrange(5, 20))
            if fate == "declared" or invoiced_at >= ctx.now:
                continue
            legs: list[Leg] = []
            for mission, part in parts:
                mid = mission["id"] if mission is not None else None
                legs += [(receivable, part, mid, did), (income, -part, mid, did)]
            full = f"{person['first_name']} {person['last_name']}"
            invoice = books.post(
                at=invoiced_at,
                code=JournalCode.SALES,
                label=f"Contribution {year}, {full}",
                legs=legs,
                verb="declaration.invoiced",
                obj=("reciprocity.yearlydeclaration", str(row["uuid"]), f"{full} — {year}"),
                payload={"year": year, "amount_ht": str(amount)},
                subject=user,
                actor=steward_user,
                piece_ref=f"D{year}-{did}",
            )
            row.update(
                status=DeclarationStatus.INVOICED,
                invoiced_at=invoiced_at,
                due_on=invoiced_at.date() + timedelta(days=30),
                invoice_transaction_id=invoice["id"],
            )
            if fate == "late_cancel":
                cancelled_at = invoiced_at + timedelta(days=rng.randrange(3, 20))
                if cancelled_at < ctx.now:
                    books.post(
                        at=cancelled_at,
                        code=JournalCode.SALES,
                        label=f"Annulation de D{year}-{did}",
                        legs=[(a, -x, m, d) for a, x, m, d in legs],
                        verb="declaration.cancelled",
                        payload={"reverses": str(invoice["uuid"]), "reason": "Erreur"},
                        subject=user,
                        actor=steward_user,
                        piece_ref=f"D{year}-{did}",
                        reverses=invoice["id"],
                    )
                    row.update(
                        status=DeclarationStatus.CANCELLED,
                        cancelled_at=cancelled_at,
                        cancellation_reason="Montant erroné.",
                    )
                continue
            if fate in ("partial", "paid"):
                paid = ledger.cents(amount / 2) if fate == "partial" else amount
                chunks = [paid]
                if fate == "paid" and paid >= Decimal("20") and rng.random() < 0.3:
                    first = ledger.cents(paid / 3)
                    chunks = [first, paid - first]
                moment = invoiced_at
                settled = Decimal("0")
                for gross in chunks:
                    moment = moment + timedelta(days=rng.randrange(2, 25))
                    if moment >= ctx.now or gross <= 0:
                        break
                    _payment(
                        ctx,
                        books,
                        kind=PaymentKind.CONTRIBUTION,
                        at=moment,
                        gross=gross,
                        person=person,
                        counter=[(receivable, -gross, None, did)],
                        declaration=did,
                    )
                    settled += gross
                if settled == amount:
                    row.update(status=DeclarationStatus.PAID, paid_at=moment)
                elif settled > 0:
                    row["status"] = DeclarationStatus.PARTIALLY_PAID
    return declarations, lines


def _payment(
    ctx: Ctx,
    books: Books,
    *,
    kind: str,
    at: datetime,
    gross: Decimal,
    person: dict[str, Any],
    counter: list[Leg],
    declaration: int | None = None,
    common: int | None = None,
    mission: int | None = None,
    method: str | None = None,
) -> dict[str, Any]:
    """A payment; its transaction is posted once receipts are numbered (`finish`)."""
    rng = ctx.rng
    method = method or rng.choice([PaymentMethod.TRANSFER, PaymentMethod.HELLOASSO])
    fee, net = _split(gross, method, rng)
    payment = {
        "id": books.payment_ids.take(),
        "uuid": uuid_from(rng),
        "kind": kind,
        "method": method,
        "external_id": "",
        "payer_person_id": person["id"],
        "payer_organization_id": None,
        "payer_name": f"{person['first_name']} {person['last_name']}",
        "payer_email": "",
        "declaration_id": declaration,
        "common_id": common,
        "mission_id": mission,
        "gross": gross,
        "fee": fee,
        "net": net,
        "paid_on": at.date(),
        "refund_of_id": None,
        "transaction_id": None,
        "recorded_by_id": ctx.data["steward"]["id"],
        "recorded_at": at,
        "note": "",
        "_legs": books.cash_legs(method, net, fee) + counter,
    }
    books.payments.append(payment)
    books.pending_lines += len(payment["_legs"])
    return payment
