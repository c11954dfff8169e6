"""API of declarations, payments, refunds, receipts, the HelloAsso import and my statement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.reciprocity.models import Payment, YearlyDeclaration
from tests.factories.core import UserFactory
from tests.factories.missions import consultant
from tests.factories.network import StewardFactory
from tests.factories.reciprocity_declarations import declared, donation, invoiced, paid
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db
API = "/api/v1"
LAST_YEAR = timezone.localdate().year - 1
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "helloasso"


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def post(url: str, body: object, person: Any) -> Any:
    return Client().post(
        API + url, json.dumps(body), content_type="application/json", **auth(person)
    )


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body


def test_declare_amend_invoice_cancel():
    person = consultant()
    response = post("/declarations", {"year": LAST_YEAR, "amount_ht": "150"}, person)
    assert response.status_code == 201, response.content
    uuid = response.json()["id"]
    assert response.json()["status"] == "declared"
    assert (
        "amount_ht"
        in error(post("/declarations", {"year": LAST_YEAR, "amount_ht": "x"}, person), 422)[
            "errors"
        ]
    )
    response = Client().put(
        f"{API}/declarations/{uuid}",
        json.dumps({"amount_ht": "160"}),
        content_type="application/json",
        **auth(person),
    )
    assert response.json()["amount_ht"] == "160.00"
    error(post(f"/declarations/{uuid}/invoice", {}, person), 403)
    steward = StewardFactory()
    response = post(f"/declarations/{uuid}/invoice", {}, steward)
    assert response.json()["status"] == "invoiced"
    assert response.json()["left_to_pay"] == "160.00"
    error(post(f"/declarations/{uuid}/invoice", {}, steward), 409)
    assert (
        "reason"
        in error(post(f"/declarations/{uuid}/cancel", {"reason": ""}, steward), 422)["errors"]
    )
    assert (
        post(f"/declarations/{uuid}/cancel", {"reason": "Doublon"}, steward).json()["status"]
        == "cancelled"
    )


def test_unauthenticated_and_unknown():
    assert Client().get(f"{API}/declarations").status_code == 401
    error(
        Client().get(
            f"{API}/declarations/00000000-0000-0000-0000-000000000000", **auth(consultant())
        ),
        404,
    )


def test_payments_refund_match_and_receipt():
    declaration = invoiced(amount="600")
    steward = StewardFactory()
    body = {
        "kind": "contribution",
        "method": "transfer",
        "paid_on": timezone.localdate().isoformat(),
        "gross": "601",
        "declaration": str(declaration.uuid),
    }
    assert "gross" in error(post("/payments", body, steward), 422)["errors"]
    assert not Payment.objects.exists()
    error(post("/payments", {**body, "gross": "10"}, declaration.person), 403)
    response = post("/payments", {**body, "gross": "600", "fee": "1.20"}, steward)
    assert response.status_code == 201, response.content
    payment = response.json()
    assert payment["net"] == "598.80"
    assert payment["receipt"]["number"].endswith("-0001")
    refund = post(f"/payments/{payment['id']}/refund", {"amount": "100"}, steward)
    assert refund.status_code == 201
    assert refund.json()["refund_of"] == payment["id"]
    error(post(f"/payments/{payment['id']}/refund", {"amount": "501"}, steward), 422)
    pdf = Client().get(f"{API}/receipts/{payment['receipt']['id']}/pdf", **auth(declaration.person))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    error(Client().get(f"{API}/receipts/{payment['receipt']['id']}/pdf", **auth(consultant())), 403)
    error(
        post(f"/payments/{payment['id']}/match", {"declaration": str(declaration.uuid)}, steward),
        409,
    )


def test_statement():
    declaration = invoiced(amount="600", year=timezone.localdate().year)
    paid(declaration, "200")
    response = Client().get(f"{API}/me/statement", **auth(declaration.person))
    assert response.status_code == 200
    body = response.json()
    assert body["paid"] == "200.00"
    assert body["due_ht"] == "400.00"
    assert body["payments"][0]["receipt"]["number"]
    assert (
        Client().get(f"{API}/me/statement?year=abc", **auth(declaration.person)).status_code == 422
    )


def test_helloasso_import_endpoint():
    consultant(user=UserFactory(email="capucine.bernardin@example.org"))
    steward = StewardFactory()
    client = Client()
    upload = SimpleUploadedFile("p.csv", (FIXTURES / "paiements.csv").read_bytes())
    response = client.post(
        f"{API}/helloasso-imports", {"file": upload, "dry_run": "true"}, **auth(steward)
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3
    assert not Payment.objects.exists()
    bad = SimpleUploadedFile("b.csv", (FIXTURES / "lignes_fausses.csv").read_bytes())
    body = error(client.post(f"{API}/helloasso-imports", {"file": bad}, **auth(steward)), 422)
    assert len(body["errors"]["file"]) == 3
    upload = SimpleUploadedFile("p.csv", (FIXTURES / "paiements.csv").read_bytes())
    response = client.post(f"{API}/helloasso-imports", {"file": upload}, **auth(steward))
    assert response.status_code == 201
    assert len(response.json()["unmatched"]) == 1
    error(
        client.post(
            f"{API}/helloasso-imports/fetch", "{}", content_type="application/json", **auth(steward)
        ),
        409,  # not configured here: a precondition, not the platform failing (502)
    )


@pytest.mark.parametrize("url", ["/declarations", "/payments"])
def test_lists_make_the_same_queries_at_two_sizes(url):
    steward = StewardFactory()
    headers = auth(steward)

    def populate(n: int) -> None:
        for _ in range(n):
            paid(invoiced(amount="100"), "30")
            donation()

    populate(2)
    Client().get(API + url, **headers)
    with CaptureQueriesContext(connection) as few:
        response = Client().get(API + url, **headers)
    assert response.status_code == 200
    populate(8)
    with CaptureQueriesContext(connection) as many:
        response = Client().get(API + url, **headers)
    assert response.json()["count"] >= 10
    assert len(few) == len(many)


def test_consultants_see_only_their_own():
    mine = declared()
    declared()
    response = Client().get(f"{API}/declarations", **auth(mine.person))
    assert [d["id"] for d in response.json()["items"]] == [str(mine.uuid)]
    assert YearlyDeclaration.objects.count() == 2
