"""Every consultant's statement at once (`statements_for_year`) agrees, person by person,
with the one-person statement (`statement_get`), in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.network.models import Person
from cercle.reciprocity.enums import DeclarationStatus, PolicyKind
from cercle.reciprocity.models import YearlyDeclaration
from cercle.reciprocity.selectors.declarations import statement_get
from cercle.reciprocity.selectors.statements import StatementFigures, statements_for_year
from cercle.reciprocity.services.declarations_refunds import payment_refund
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import consultant
from tests.factories.network import StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()
YEAR = TODAY.year
LONG_AGO = TODAY - datetime.timedelta(days=60)


def _year_of_people(n: int) -> list[Person]:
    """Consultants whose years differ: declared only, invoiced, overdue, partly paid,
    paid with a refund, cancelled, missions with and without a policy or turnover."""
    steward = StewardFactory()
    people = []
    for i in range(n):
        person = consultant()
        people.append(person)
        m = rr.mission(lead=person, amount="8000.00", turnover="6000.00" if i % 2 else None)
        rr.mission(lead=person, policy=PolicyKind.SELF_ASSESSED, self_assessed="120.00")
        if i % 3 == 0:
            rr.mission(lead=person, policy=None)
        kind = i % 6
        if kind == 0:
            rr.declaration(person, YEAR, "300.00", lines=[(m, "300.00")])
        elif kind == 1:
            rr.declaration(person, YEAR, "200.00", invoice_on=TODAY)
        elif kind == 2:
            rr.declaration(person, YEAR, "250.00", invoice_on=LONG_AGO, due_on=LONG_AGO)
        elif kind == 3:
            late = rr.declaration(person, YEAR, "400.00", invoice_on=LONG_AGO, due_on=LONG_AGO)
            rr.pay(late, "150.00")
        elif kind == 4:
            done = rr.declaration(person, YEAR, "90.00", invoice_on=TODAY)
            payment = rr.pay(done, "90.00")
            payment_refund(actor=steward.user, payment=payment, amount="20")
        else:
            gone = rr.declaration(person, YEAR, "70.00")
            YearlyDeclaration.objects.filter(pk=gone.pk).update(status=DeclarationStatus.CANCELLED)
            rr.declaration(person, YEAR - 1, "55.00", invoice_on=LONG_AGO)
    return people


def _from_statement(person: Person) -> tuple[Any, ...]:
    s = statement_get(actor=person.user, year=YEAR)
    overdue_due = sum((d.left for d in s.overdue), D("0.00"))  # type: ignore[attr-defined]
    return (s.declared, s.invoiced, s.paid, s.due, len(s.overdue), overdue_due, s.expected_total)


def _figures(row: StatementFigures) -> tuple[Any, ...]:
    return (
        row.declared,
        row.invoiced,
        row.paid,
        row.due,
        row.overdue,
        row.overdue_due,
        row.expected_total,
    )


def test_every_persons_figures_agree_with_their_own_statement() -> None:
    people = _year_of_people(6)
    people.append(consultant())  # nothing this year
    figures = statements_for_year(YEAR)
    empty = StatementFigures(0)
    for person in people:
        row = figures.get(person.pk, empty)
        assert _figures(row) == _from_statement(person), person
    assert figures[people[3].pk].overdue == 1
    assert figures[people[4].pk].paid == D("70.00")


def test_people_restricts_the_figures() -> None:
    people = _year_of_people(2)
    figures = statements_for_year(YEAR, people=Person.objects.filter(pk=people[1].pk))
    assert list(figures) == [people[1].pk]


def test_two_queries_for_two_people_or_eight() -> None:
    _year_of_people(2)
    with CaptureQueriesContext(connection) as few:
        statements_for_year(YEAR)
    _year_of_people(6)
    with CaptureQueriesContext(connection) as many:
        statements_for_year(YEAR)
    assert len(few) == len(many) == 2


def test_the_statement_page_and_api_stay_within_fifteen_queries() -> None:
    person = _year_of_people(4)[3]
    page = Client()
    page.force_login(person.user)
    api = Client()
    headers = bearer(token_secret(person))
    for client, url, extra in (
        (page, f"/contributions/?annee={YEAR}", {}),
        (api, f"/api/v1/me/statement?year={YEAR}", headers),
    ):
        client.get(url, **extra)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, **extra).status_code == 200
        assert len(queries) <= 15
        # The missions led that year are read once (their expected total is summed
        # from the same rows).
        assert sum('FROM "missions_mission"' in q["sql"] for q in queries.captured_queries) == 1
