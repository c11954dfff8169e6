"""Pages of declarations, payments, receipts, the HelloAsso import and my statement:
403/404/400/409, nothing changed on bad input, bounded queries at two sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.reciprocity.enums import DeclarationStatus, PaymentKind
from cercle.reciprocity.models import Payment, YearlyDeclaration
from tests.factories.core import UserFactory
from tests.factories.missions import consultant
from tests.factories.network import PersonFactory, StewardFactory
from tests.factories.reciprocity_declarations import declared, donation, invoiced, paid

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "helloasso"


def client_for(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def text(response: Any) -> str:
    import html

    return html.unescape(response.content.decode())


def test_statement_shows_my_year_and_receipts():
    declaration = invoiced(amount="600", year=timezone.localdate().year)
    payment = paid(declaration, "200")
    client = client_for(declaration.person)
    response = client.get("/contributions/")
    assert response.status_code == 200
    page = text(response)
    assert payment.receipt.number in page
    assert "400.00" in page or "400,00" in page
    assert client.get("/contributions/?annee=abc").status_code == 400
    assert Client().get("/contributions/").status_code == 302


def test_declare_through_the_page_and_bad_input_changes_nothing():
    person = consultant()
    client = client_for(person)
    assert client.get(f"/contributions/declarations/nouvelle/?annee={LAST_YEAR}").status_code == 200
    response = client.post(
        "/contributions/declarations/nouvelle/", {"year": LAST_YEAR, "amount_ht": "-3"}
    )
    assert response.status_code == 400
    assert not YearlyDeclaration.objects.exists()
    response = client.post(
        "/contributions/declarations/nouvelle/",
        {"year": LAST_YEAR, "amount_ht": "150,00", "note": "Pour le réseau"},
    )
    declaration = YearlyDeclaration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == declaration.get_absolute_url()
    response = client.post(
        "/contributions/declarations/nouvelle/", {"year": LAST_YEAR, "amount_ht": "10"}
    )
    assert response.status_code == 400
    assert YearlyDeclaration.objects.count() == 1


def test_outsiders_cannot_declare_nor_see_others():
    declaration = declared()
    assert (
        client_for(PersonFactory()).get("/contributions/declarations/nouvelle/").status_code == 403
    )
    assert client_for(consultant()).get(declaration.get_absolute_url()).status_code == 403
    assert (
        client_for(declaration.person)
        .get("/contributions/declarations/00000000-0000-0000-0000-000000000000/")
        .status_code
        == 404
    )


def test_amend_invoice_cancel_flow():
    declaration = declared(amount="600")
    author = client_for(declaration.person)
    response = author.post(
        f"{declaration.get_absolute_url()}modifier/", {"amount_ht": "640", "note": ""}
    )
    assert response.status_code == 302
    steward = client_for(StewardFactory())
    assert author.post(f"{declaration.get_absolute_url()}facturer/").status_code == 403
    assert steward.post(f"{declaration.get_absolute_url()}facturer/").status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.INVOICED
    assert steward.post(f"{declaration.get_absolute_url()}facturer/").status_code == 409
    assert author.get(f"{declaration.get_absolute_url()}modifier/").status_code == 409
    response = author.post(f"{declaration.get_absolute_url()}modifier/", {"amount_ht": "1"})
    assert response.status_code == 409
    assert (
        steward.post(f"{declaration.get_absolute_url()}annuler/", {"reason": ""}).status_code == 400
    )
    response = steward.post(f"{declaration.get_absolute_url()}annuler/", {"reason": "Doublon"})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.CANCELLED


def test_record_a_payment_refund_and_receipt_pdf():
    declaration = invoiced(amount="600")
    steward = client_for(StewardFactory())
    assert (
        steward.get(f"/contributions/paiements/nouveau/?declaration={declaration.uuid}").status_code
        == 200
    )
    form = {
        "kind": PaymentKind.CONTRIBUTION,
        "method": "transfer",
        "paid_on": timezone.localdate().isoformat(),
        "gross": "700",
        "fee": "",
        "declaration": str(declaration.uuid),
    }
    response = steward.post("/contributions/paiements/nouveau/", form)
    assert response.status_code == 400
    assert not Payment.objects.exists()
    response = steward.post("/contributions/paiements/nouveau/", {**form, "gross": "600"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert steward.get(payment.get_absolute_url()).status_code == 200
    assert (
        steward.post(
            f"{payment.get_absolute_url()}rembourser/",
            {"amount": "601", "refunded_on": timezone.localdate().isoformat()},
        ).status_code
        == 400
    )
    response = steward.post(
        f"{payment.get_absolute_url()}rembourser/",
        {"amount": "100", "refunded_on": timezone.localdate().isoformat(), "reason": "Trop"},
    )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PARTIALLY_PAID
    pdf = client_for(declaration.person).get(f"/contributions/recus/{payment.receipt.uuid}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert (
        client_for(consultant()).get(f"/contributions/recus/{payment.receipt.uuid}.pdf").status_code
        == 403
    )


def test_payment_pages_are_for_stewards():
    client = client_for(consultant())
    assert client.get("/contributions/paiements/nouveau/").status_code == 403
    assert client.get("/contributions/helloasso/").status_code == 403
    assert client.get("/contributions/paiements/").status_code == 200  # their own


def test_helloasso_upload_page():
    consultant(user=UserFactory(email="capucine.bernardin@example.org"))
    steward = client_for(StewardFactory())
    assert steward.get("/contributions/helloasso/").status_code == 200
    bad = SimpleUploadedFile("x.csv", (FIXTURES / "lignes_fausses.csv").read_bytes())
    response = steward.post("/contributions/helloasso/", {"source": "csv", "file": bad})
    assert response.status_code == 400
    assert not Payment.objects.exists()
    good = SimpleUploadedFile("p.csv", (FIXTURES / "paiements.csv").read_bytes())
    response = steward.post("/contributions/helloasso/", {"source": "csv", "file": good})
    assert response.status_code == 200
    assert Payment.objects.filter(refund_of__isnull=True).count() == 3
    # The unmatched contribution is listed for a steward to match.
    response = steward.get("/contributions/paiements/?a_rapprocher=1")
    assert "Capucine" in text(response)


def _populate(n: int) -> None:
    for _ in range(n):
        declaration = invoiced(amount="100")
        paid(declaration, "40")
        donation()


@pytest.mark.parametrize("url", ["/contributions/declarations/", "/contributions/paiements/"])
def test_steward_lists_make_the_same_queries_at_two_sizes(url):
    steward = client_for(StewardFactory())
    _populate(2)
    with CaptureQueriesContext(connection) as few:
        assert steward.get(url).status_code == 200
    _populate(8)
    with CaptureQueriesContext(connection) as many:
        assert steward.get(url).status_code == 200
    assert len(few) == len(many)
    assert len(many) <= 12


def test_statement_queries_are_bounded(django_assert_max_num_queries):
    declaration = invoiced(amount="600", year=timezone.localdate().year)
    for _ in range(3):
        paid(declaration, "10")
    client = client_for(declaration.person)
    client.get("/contributions/")
    with CaptureQueriesContext(connection) as few:
        client.get("/contributions/")
    for _ in range(7):
        paid(declaration, "10")
    with django_assert_max_num_queries(len(few)):
        assert client.get("/contributions/").status_code == 200
