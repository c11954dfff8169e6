"""Properties of the FEC export, for any set of postings:

- every record has the 18 fields, and the header is the official one;
- records balance per entry number (Σ Debit = Σ Credit);
- re-reading the file gives back the ledger's totals per account for the year, and
  nothing of another year.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cercle.reciprocity import ledger
from cercle.reciprocity.enums import AccountKind, JournalCode
from cercle.reciprocity.models import LedgerLine
from cercle.reciprocity.selectors.reports_fec import fec_decimal, fec_parse, fec_stream
from tests.factories.missions import CommonFactory
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CENT = Decimal("0.01")


@contextmanager
def rolled_back() -> Iterator[None]:
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def _nonzero_cents() -> st.SearchStrategy[int]:
    return st.integers(min_value=-5_000_000, max_value=5_000_000).filter(lambda n: n != 0)


postings = st.lists(
    st.tuples(
        st.sampled_from([2024, 2025]),
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=5), _nonzero_cents()),
            min_size=1,
            max_size=4,
        ),
        st.sampled_from([c.value for c in JournalCode]),
    ),
    min_size=0,
    max_size=8,
)


@HYPOTHESIS
@given(postings=postings)
def test_fec_rows_balance_and_give_back_the_ledger(
    postings: list[tuple[int, list[tuple[int, int]], str]],
) -> None:
    with rolled_back():
        common = CommonFactory()
        people = [PersonFactory(first_name="Gaspard", last_name="Le\tRoux"), PersonFactory()]
        accounts = [
            ledger.system_account(AccountKind.BANK),
            ledger.system_account(AccountKind.INCOME_CONTRIBUTION),
            ledger.system_account(AccountKind.FEES),
            ledger.receivable(person=people[0]),
            ledger.receivable(person=people[1]),
            ledger.common_account(AccountKind.COMMON_FUND, common),
        ]
        for i, (year, legs, code) in enumerate(postings):
            amounts = [Decimal(n) * CENT for _a, n in legs]
            balance = -sum(amounts, Decimal(0))
            built = [
                ledger.Leg(accounts[a], amount)
                for (a, _n), amount in zip(legs, amounts, strict=False)
            ]
            if balance == 0:
                # Two opposite lines keep the entry balanced with no zero line.
                built += [
                    ledger.Leg(accounts[0], Decimal("1.00")),
                    ledger.Leg(accounts[1], Decimal("-1.00")),
                ]
            else:
                built.append(ledger.Leg(accounts[(i + 1) % len(accounts)], balance))
            ledger.post(
                actor=None,
                journal_code=code,
                label=f"Écriture {i}",
                legs=built,
                verb="test.posted",
                on=datetime.date(year, 1 + i % 12, 1 + i % 28),
            )

        rows = fec_parse(b"".join(fec_stream(2025)))

        assert all(len(r) == 18 for r in rows)
        per_entry: dict[str, Decimal] = defaultdict(Decimal)
        per_account: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for r in rows:
            debit, credit = fec_decimal(r["Debit"]), fec_decimal(r["Credit"])
            assert debit >= 0
            assert credit >= 0
            assert debit == 0 or credit == 0
            per_entry[r["EcritureNum"]] += debit - credit
            per_account[(r["CompteNum"], r["CompAuxNum"])] += debit - credit
            assert r["EcritureDate"].startswith("2025")
        assert all(total == 0 for total in per_entry.values())
        expected = {
            (row["account__number"], row["account__auxiliary"]): row["s"]
            for row in LedgerLine.objects.filter(transaction__fiscal_year=2025)
            .values("account__number", "account__auxiliary")
            .annotate(s=Sum("amount"))
        }
        assert dict(per_account.items()) == {k: ledger.cents(v) for k, v in expected.items()}
        assert len(rows) == LedgerLine.objects.filter(transaction__fiscal_year=2025).count()
