"""Ledger aggregates the stewards' dashboard and the yearly report read: summed once in
SQL, then kept in Django's cache under the ledger's version.

The invalidation key (`ledger_version()`): the id and the journal hash of the newest
posted ledger transaction. It is honest because:
- posted lines and transactions cannot be edited or deleted (triggers of migration
  `reciprocity/0002`), so the only change to these sums is a new posting;
- `ledger.post` inserts its transaction while it holds the journal head's lock
  (`journal.record`, decision 0003), and posts it in the same database transaction:
  postings commit in the order of their ids, so every new posting gives a new newest
  id. The journal hash (which covers the entry's uuid and time) tells apart two
  transactions that got the same id after a rollback (SQLite reuses ids);
- the version is read *before* the sums: a cached value is never older than its key.
Accounts' kinds and owners, which the sums group by, are set when an account is
created and never changed by a service. The cached values are plain numbers keyed by
account or common; names are read fresh on every request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar, overload

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from cercle.reciprocity.enums import AccountKind
from cercle.reciprocity.models import Account, CommonPayout, LedgerLine, LedgerTransaction
from cercle.reciprocity.selectors.reports_exports import MONEY_OUTPUT

ZERO = Decimal("0.00")
CACHE_PREFIX = "reciprocity:ledger"
CACHE_SECONDS = 7 * 24 * 3600  # a key is replaced at the next posting anyway
T = TypeVar("T")


def ledger_version() -> str:
    """The invalidation key of the ledger's sums (see the module's docstring). One
    query: the primary key's index read backwards."""
    newest = (
        LedgerTransaction.objects.filter(is_posted=True)
        .order_by("-id")
        .values_list("id", "journal_entry__hash")
        .first()
    )
    return "empty" if newest is None else f"{newest[0]}-{newest[1]}"


def cached(name: str, compute: Callable[[], T], *parts: Any) -> T:
    """`compute()` under the key (name, parts, ledger version): one query for the
    version, plus the cache's own read when the cache is the database."""
    key = ":".join([CACHE_PREFIX, name, *map(str, parts), ledger_version()])
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


def posted_lines() -> Any:
    """Lines of posted transactions. Written as "no unposted transaction" so that the
    check reads the partial index of unposted transactions (empty outside a posting)
    instead of joining every transaction."""
    unposted = LedgerTransaction.objects.filter(pk=OuterRef("transaction_id"), is_posted=False)
    return LedgerLine.objects.filter(~Exists(unposted))


# --- Receivables (the stewards' dashboard) --------------------------------------------


def _receivable_balances() -> list[tuple[int, str, Decimal]]:
    balance = Subquery(
        posted_lines()
        .filter(account_id=OuterRef("pk"))
        .order_by()
        .values("account_id")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=MONEY_OUTPUT,
    )
    rows = (
        Account.objects.filter(kind=AccountKind.RECEIVABLE)
        .annotate(balance=Coalesce(balance, ZERO, output_field=MONEY_OUTPUT))
        .exclude(balance=0)
        .order_by("-balance", "auxiliary", "id")
        .values_list("id", "auxiliary", "balance")
    )
    return [(pk, auxiliary, Decimal(amount)) for pk, auxiliary, amount in rows]


def receivable_balances() -> list[tuple[int, str, Decimal]]:
    """(account id, auxiliary number, balance) of every receivable account whose balance
    is not zero, largest debt first (debit +: owed to the association). One summing
    query per account's lines through the index (account, transaction) INCLUDE amount,
    cached under the ledger's version."""
    return cached("receivables", _receivable_balances)


RECEIVABLE_FIELDS = (
    "id",
    "uuid",
    "auxiliary",
    "name",
    "person__slug",
    "person__first_name",
    "person__last_name",
    "organization__name",
)


class ReceivableRows(Sequence[dict[str, Any]]):
    """The receivable balances as a sliceable sequence for the paginators: the names of
    the accounts are read (one query) only for the slice shown. Each row is a dict with
    the keys `account__uuid`, `account__auxiliary`, `account__name`,
    `account__person__slug`, `account__person__first_name`,
    `account__person__last_name`, `account__organization__name` and `balance`."""

    def __init__(self, balances: list[tuple[int, str, Decimal]]) -> None:
        self.balances = balances

    def __len__(self) -> int:
        return len(self.balances)

    def _rows(self, part: list[tuple[int, str, Decimal]]) -> list[dict[str, Any]]:
        accounts = {
            row["id"]: row
            for row in Account.objects.filter(pk__in=[pk for pk, _a, _b in part]).values(
                *RECEIVABLE_FIELDS
            )
        }
        rows = []
        for pk, _auxiliary, balance in part:
            account = accounts.get(pk)
            if account is None:
                continue
            row = {f"account__{key}": value for key, value in account.items() if key != "id"}
            row["balance"] = balance
            rows.append(row)
        return rows

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self._rows(self.balances[index])
        return self._rows([self.balances[index]])[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows(self.balances))


# --- A fiscal year's income and commons funds (the yearly report) ----------------------

YEAR_KINDS = (
    AccountKind.INCOME_CONTRIBUTION,
    AccountKind.INCOME_DONATION,
    AccountKind.INCOME_MEMBERSHIP,
    AccountKind.COMMON_FUND,
)


YearSums = dict[tuple[str, int | None, bool], Decimal]


def _year_sums(year: int) -> YearSums:
    payout = CommonPayout.objects.filter(transaction_id=OuterRef("transaction_id"))
    rows = (
        posted_lines()
        .filter(transaction__fiscal_year=year, account__kind__in=YEAR_KINDS)
        .annotate(is_payout=Exists(payout))
        .values_list("account__kind", "account__common_id", "is_payout")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return {(kind, common, bool(is_payout)): Decimal(s or 0) for kind, common, is_payout, s in rows}


def year_sums(year: int) -> YearSums:
    """Sums of the posted lines of fiscal `year` on income and commons fund accounts,
    per (account kind, common id, whether the transaction is a common's payout); debit
    +, credit −. One query, cached under (year, ledger version)."""
    return cached("year", lambda: _year_sums(year), year)


def year_total(sums: YearSums, kind: str) -> Decimal:
    return sum((s for (k, _c, _p), s in sums.items() if k == kind), ZERO)


__all__ = [
    "ReceivableRows",
    "YearSums",
    "ledger_version",
    "receivable_balances",
    "year_sums",
    "year_total",
]
