"""A consultant's statement makes the same number of queries with one payment or many,
on the page and in the API (the bench found the API at 49 queries: the payer, mission
and refunds of each payment, the person of each declaration, were fetched one by one)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.reciprocity.services.declarations_refunds import payment_refund
from tests.factories.network import StewardFactory
from tests.factories.reciprocity_declarations import invoiced, paid
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _queries(client: Client, url: str, **headers: Any) -> int:
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


def test_the_statement_makes_the_same_queries_with_one_payment_or_five():
    declaration = invoiced(amount="1000", year=YEAR)
    person = declaration.person
    steward = StewardFactory()

    def add_paid_and_refunded() -> None:
        payment = paid(declaration, "100")
        payment_refund(actor=steward.user, payment=payment, amount="10")

    add_paid_and_refunded()
    api = {"url": f"/api/v1/me/statement?year={YEAR}", **bearer(token_secret(person))}
    page = Client()
    page.force_login(person.user)
    few_api = _queries(Client(), **api)
    few_page = _queries(page, f"/contributions/?annee={YEAR}")
    for _ in range(4):
        add_paid_and_refunded()
    assert _queries(Client(), **api) == few_api
    assert _queries(page, f"/contributions/?annee={YEAR}") == few_page
