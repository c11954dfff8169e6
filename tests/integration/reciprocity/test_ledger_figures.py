"""The ledger's sums behind the stewards' dashboard and the yearly report: computed in
SQL, cached under the ledger's version, recomputed after any new posting."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.reciprocity.selectors import ledger_figures
from cercle.reciprocity.selectors.reports_dashboard import steward_dashboard
from cercle.reciprocity.selectors.reports_yearly import yearly_report
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import consultant
from tests.factories.network import StewardFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db
D = Decimal
PAGE = "/contributions/soucieux/"


def _owe(amount: str) -> Any:
    today = timezone.localdate()
    person = consultant()
    m = rr.mission(lead=person)
    return rr.declaration(
        person,
        today.year,
        amount,
        lines=[(m, amount)],
        invoice_on=today - datetime.timedelta(days=40),
        due_on=today - datetime.timedelta(days=5),
    )


def _ledger_reads(queries: CaptureQueriesContext) -> int:
    return sum('"reciprocity_ledgerline"' in q["sql"] for q in queries.captured_queries)


def test_a_new_posting_changes_the_ledger_version_and_the_cached_sums() -> None:
    steward = StewardFactory()
    cache.clear()
    first = _owe("40.00")
    version = ledger_figures.ledger_version()
    assert steward_dashboard(actor=steward.user, year=first.year).owed_total == D("40.00")
    rr.pay(first, "15.00")
    assert ledger_figures.ledger_version() != version
    dashboard = steward_dashboard(actor=steward.user, year=first.year)
    assert dashboard.owed_total == D("25.00")
    _owe("10.00")
    dashboard = steward_dashboard(actor=steward.user, year=first.year)
    assert (dashboard.owed_total, dashboard.debtors) == (D("35.00"), 2)


def test_the_receivable_balances_are_read_from_the_cache_while_nothing_is_posted() -> None:
    steward = StewardFactory()
    _owe("40.00")
    cache.clear()
    year = timezone.localdate().year
    with CaptureQueriesContext(connection) as cold:
        steward_dashboard(actor=steward.user, year=year)
    with CaptureQueriesContext(connection) as warm:
        steward_dashboard(actor=steward.user, year=year)
    # The overdue total still reads the ledger (it depends on today's date and on the
    # declarations' statuses); the receivable balances do not.
    assert _ledger_reads(warm) == _ledger_reads(cold) - 1


def test_receivable_rows_slice_like_the_list_and_read_names_for_the_slice_only() -> None:
    for amount in ("30.00", "20.00", "10.00"):
        _owe(amount)
    rows = ledger_figures.ReceivableRows(ledger_figures.receivable_balances())
    assert len(rows) == 3
    assert [r["balance"] for r in rows] == [D("30.00"), D("20.00"), D("10.00")]
    with CaptureQueriesContext(connection) as queries:
        page = rows[1:3]
    assert len(queries) == 1
    assert [r["balance"] for r in page] == [D("20.00"), D("10.00")]
    assert page[0]["account__person__slug"]


def test_dashboard_page_stays_within_fifteen_queries_cold_and_warm() -> None:
    steward = StewardFactory()
    for amount in ("30.00", "20.00"):
        _owe(amount)
    client = logged_in(steward)
    client.get(PAGE)
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(PAGE).status_code == 200
    assert len(cold) <= 15
    assert len(warm) <= 15


def test_the_yearly_report_sums_follow_each_new_posting() -> None:
    year = (timezone.localdate() - datetime.timedelta(days=40)).year
    cache.clear()
    _owe("40.00")
    assert yearly_report(year=year).invoiced_in_year == D("40.00")
    _owe("2.50")
    assert yearly_report(year=year).invoiced_in_year == D("42.50")


def test_yearly_report_stays_within_fifteen_queries_cold_and_warm() -> None:
    year = (timezone.localdate() - datetime.timedelta(days=40)).year
    for amount in ("30.00", "20.00"):
        _owe(amount)
    client = Client()
    for url in (f"/rapport/{year}/", f"/api/v1/reports/{year}"):
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200
        assert len(cold) <= 15
        assert len(warm) <= 15
        assert _ledger_reads(warm) == 0
