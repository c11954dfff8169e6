"""Ledger figures two ways, in the bench's Django process: through the application's own
selectors and through one raw SQL GROUP BY over the ledger lines. Both must give the
same numbers; the report gives the time ratio (target ≤ 1.5).

- statements: the yearly figures of every consultant (`statements_for_year`, the
  set-based selector that agrees with each person's `statement_get`, checked by
  tests/integration/reciprocity/test_statements_for_year.py), invoiced and paid per
  person, against the receivable lines of that year's declarations (sales journal =
  invoiced, bank journal = paid);
- balances: the yearly balances of every account (`balances_table`, the set-based
  selector behind the exports), against opening/debit/credit per account.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

TARGET_RATIO = 1.5
ZERO = Decimal("0.00")


@dataclass
class Comparison:
    name: str
    rows: int
    app_seconds: float
    sql_seconds: float
    mismatches: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.app_seconds / self.sql_seconds if self.sql_seconds else float("inf")

    @property
    def meets_target(self) -> bool:
        return not self.mismatches and self.ratio <= TARGET_RATIO

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "meets_target": self.meets_target}


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _timed_sql(sql: str, params: list[Any]) -> tuple[list[tuple[Any, ...]], float]:
    """The best of two runs (the first warms the cache, as the selectors' loop did)."""
    best = float("inf")
    rows: list[tuple[Any, ...]] = []
    for _run in range(2):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    return rows, best


def _tables() -> dict[str, str]:
    from cercle.network.models import ConsultantProfile
    from cercle.reciprocity.models import (
        Account,
        LedgerLine,
        LedgerTransaction,
        YearlyDeclaration,
    )

    return {
        "line": LedgerLine._meta.db_table,
        "txn": LedgerTransaction._meta.db_table,
        "account": Account._meta.db_table,
        "declaration": YearlyDeclaration._meta.db_table,
        "profile": ConsultantProfile._meta.db_table,
    }


def statements(year: int) -> Comparison:
    from cercle.network.models import Person
    from cercle.reciprocity.enums import AccountKind, JournalCode
    from cercle.reciprocity.selectors.statements import statements_for_year

    consultants = Person.objects.filter(consultant_profile__isnull=False)
    best = float("inf")
    app: dict[int, tuple[Decimal, Decimal]] = {}
    for _run in range(2):  # the best of two, like the raw SQL
        started = time.perf_counter()
        figures = statements_for_year(year, people=consultants)
        app = {pk: (row.invoiced, row.paid) for pk, row in figures.items()}
        best = min(best, time.perf_counter() - started)
    app_seconds = best

    t = _tables()
    sql = f"""
        SELECT a.person_id,
               SUM(CASE WHEN x.journal_code = %s THEN l.amount ELSE 0 END),
               -SUM(CASE WHEN x.journal_code = %s THEN l.amount ELSE 0 END)
          FROM {t["line"]} l
          JOIN {t["txn"]} x ON x.id = l.transaction_id
          JOIN {t["account"]} a ON a.id = l.account_id
          JOIN {t["declaration"]} d ON d.id = l.declaration_id
          JOIN {t["profile"]} c ON c.person_id = a.person_id
         WHERE x.is_posted AND a.kind = %s AND d.year = %s
         GROUP BY a.person_id
    """  # noqa: S608 (table names from the models, values as parameters)
    rows, sql_seconds = _timed_sql(
        sql, [JournalCode.SALES, JournalCode.BANK, AccountKind.RECEIVABLE, year]
    )
    raw = {row[0]: (_money(row[1]), _money(row[2])) for row in rows}
    mismatches = [
        f"person {pk}: selector {app.get(pk, (ZERO, ZERO))} ≠ SQL {raw.get(pk, (ZERO, ZERO))}"
        for pk in sorted(set(app) | set(raw))
        if tuple(map(_money, app.get(pk, (ZERO, ZERO)))) != raw.get(pk, (ZERO, ZERO))
    ]
    return Comparison("statements", len(app), app_seconds, sql_seconds, mismatches[:10])


def balances(year: int) -> Comparison:
    from cercle.reciprocity.selectors.reports_exports import balances_table

    app: dict[tuple[Any, Any, Any], tuple[Decimal, Decimal, Decimal]] = {}
    app_seconds = float("inf")
    for _run in range(2):  # the best of two, as the raw SQL is timed
        started = time.perf_counter()
        app = {
            (row[0], row[1], row[2]): (_money(row[4]), _money(row[5]), _money(row[6]))
            for row in balances_table(year).rows
        }
        app_seconds = min(app_seconds, time.perf_counter() - started)

    t = _tables()
    sql = f"""
        SELECT a.number, a.auxiliary, a.name,
               SUM(CASE WHEN x.fiscal_year < %s THEN l.amount ELSE 0 END),
               SUM(CASE WHEN x.fiscal_year = %s AND l.amount > 0 THEN l.amount ELSE 0 END),
               -SUM(CASE WHEN x.fiscal_year = %s AND l.amount < 0 THEN l.amount ELSE 0 END)
          FROM {t["line"]} l
          JOIN {t["txn"]} x ON x.id = l.transaction_id
          JOIN {t["account"]} a ON a.id = l.account_id
         WHERE x.is_posted AND x.fiscal_year <= %s
         GROUP BY a.id, a.number, a.auxiliary, a.name
    """  # noqa: S608
    rows, sql_seconds = _timed_sql(sql, [year, year, year, year])
    raw = {(r[0], r[1], r[2]): (_money(r[3]), _money(r[4]), _money(r[5])) for r in rows}
    mismatches = [
        f"account {key}: selector {app.get(key)} ≠ SQL {raw.get(key)}"
        for key in sorted(set(app) | set(raw))
        if app.get(key) != raw.get(key)
    ]
    return Comparison("balances", len(app), app_seconds, sql_seconds, mismatches[:10])


def compare(year: int) -> list[dict[str, Any]]:
    return [statements(year).as_dict(), balances(year).as_dict()]
