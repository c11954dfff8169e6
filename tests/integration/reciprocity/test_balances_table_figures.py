"""`balances_table` (the balances export): the same figures as a plain sum over the posted
ledger lines, accounts without a posted line up to the year left out, and a fixed number of
queries however many accounts and lines there are."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cercle.reciprocity.models import LedgerLine
from cercle.reciprocity.selectors.reports_exports import balances_table
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import consultant

pytestmark = pytest.mark.django_db
D = Decimal


def _books(people: int) -> None:
    for i in range(people):
        person = consultant(first_name=f"Ysolde{i}", last_name="Marchetti")
        earlier = rr.declaration(person, 2024, "60.00", invoice_on=datetime.date(2024, 6, 1))
        rr.pay(earlier, "60.00", paid_on=datetime.date(2024, 7, 1))
        this_year = rr.declaration(person, 2025, "90.00", invoice_on=datetime.date(2025, 3, 2))
        rr.pay(this_year, "40.00", paid_on=datetime.date(2025, 4, 2))


def _reference(year: int) -> dict[tuple[str, str], tuple[Decimal, Decimal, Decimal]]:
    figures: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [D(0), D(0), D(0)])
    lines = LedgerLine.objects.filter(
        transaction__is_posted=True, transaction__fiscal_year__lte=year
    ).values_list("account__number", "account__auxiliary", "transaction__fiscal_year", "amount")
    for number, aux, fiscal_year, amount in lines:
        row = figures[(number, aux)]
        if fiscal_year < year:
            row[0] += amount
        elif amount > 0:
            row[1] += amount
        else:
            row[2] -= amount
    return {key: (a, b, c) for key, (a, b, c) in figures.items()}


def test_balances_are_the_sums_of_posted_lines_and_skip_accounts_only_used_later() -> None:
    _books(3)
    later = consultant(first_name="Oriane", last_name="Tesseyre")
    rr.declaration(later, 2026, "75.00", invoice_on=datetime.date(2026, 2, 1))

    rows = list(balances_table(2025).rows)

    got = {(r[0], r[1]): (r[4], r[5], r[6]) for r in rows}
    assert got == _reference(2025)
    assert f"P{later.pk:07d}" not in {r[1] for r in rows}
    assert all(r[7] == r[4] + r[5] - r[6] for r in rows)
    assert [(r[0], r[1]) for r in rows] == sorted((r[0], r[1]) for r in rows)


def _queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        list(balances_table(2025).rows)
    return len(captured)


def test_balances_take_the_same_few_queries_with_few_and_many_accounts() -> None:
    _books(1)
    few = _queries()
    _books(6)
    assert _queries() == few
    assert few <= 15
