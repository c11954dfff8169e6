"""Exports of the accounts (FEC, CSV, XLSX) through the pages and the API: stewards only,
formats, and refusals that change nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from cercle.reciprocity.selectors.reports_exports import balances_table, csv_text
from cercle.reciprocity.selectors.reports_fec import fec_parse
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import CommonFactory, consultant
from tests.factories.network import PersonFactory, StewardFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/v1"


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.fixture
def books(db: None) -> dict[str, Any]:
    maelle = consultant(first_name="Maëlle", last_name="Kervadec")
    theo = consultant(first_name="Théo", last_name="Lambert")
    common = CommonFactory(name="Logiciel de caisse")
    m = rr.mission(lead=maelle, awarded_on=datetime.date(2025, 2, 1), commons=[(common, "250.00")])
    first = rr.declaration(
        maelle, 2025, "400.00", lines=[(m, "400.00")], invoice_on=datetime.date(2025, 3, 1)
    )
    rr.pay(first, "150.00", paid_on=datetime.date(2025, 3, 20))
    rr.declaration(theo, 2025, "90.00", invoice_on=datetime.date(2025, 3, 2))
    return {"maelle": maelle, "theo": theo, "common": common, "first": first}


def test_exports_page_for_stewards_links_every_file(books: dict[str, Any]) -> None:
    response = logged_in(StewardFactory()).get("/contributions/exports/?annee=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/contributions/exports/fec/2025/" in html
    for table in ("ecritures", "declarations", "soldes"):
        assert f"/contributions/exports/{table}/2025.csv" in html
        assert f"/contributions/exports/{table}/2025.xlsx" in html


@pytest.mark.parametrize(
    "url",
    [
        "/contributions/exports/",
        "/contributions/exports/fec/2025/",
        "/contributions/exports/ecritures/2025.csv",
        "/contributions/exports/soldes/2025.xlsx",
    ],
)
def test_exports_are_refused_to_members(books: dict[str, Any], url: str) -> None:
    assert logged_in(books["maelle"]).get(url).status_code == 403
    assert logged_in(PersonFactory()).get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/contributions/exports/fec/2025/")
    assert response.status_code == 302


def test_fec_download(books: dict[str, Any], settings: Any) -> None:
    settings.ASSOCIATION_SIREN = "812345678"
    response = logged_in(StewardFactory()).get("/contributions/exports/fec/2025/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=iso-8859-15"
    assert 'filename="812345678FEC20251231.txt"' in response["Content-Disposition"]
    rows = fec_parse(body(response))
    # pledge 2 + invoice 2 + payment 2 + invoice 2
    assert len(rows) == 8
    assert {r["JournalCode"] for r in rows} == {"OD", "VT", "BQ"}


def test_fec_of_a_year_ahead_or_absurd_is_404(books: dict[str, Any]) -> None:
    client = logged_in(StewardFactory())
    next_year = datetime.date.today().year + 1
    assert client.get(f"/contributions/exports/fec/{next_year}/").status_code == 404
    assert client.get("/contributions/exports/fec/1999/").status_code == 404
    assert client.get("/contributions/exports/inconnu/2025.csv").status_code == 404


def test_csv_of_the_ledger_semicolons_bom_decimal_comma(books: dict[str, Any]) -> None:
    response = logged_in(StewardFactory()).get("/contributions/exports/ecritures/2025.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = body(response)
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0].split(";")[0] == fr("Fiscal year")
    assert len(lines) == 1 + 8
    assert any(";150,00;" in line for line in lines)


def test_csv_of_declarations_says_paid_and_still_due(books: dict[str, Any]) -> None:
    response = logged_in(StewardFactory()).get("/contributions/exports/declarations/2025.csv")
    text = body(response).decode("utf-8-sig")
    row = next(line for line in text.split("\r\n") if "Kervadec" in line)
    cells = row.split(";")
    assert "400,00" in cells
    assert "150,00" in cells
    assert "250,00" in cells


def test_balances_sum_to_zero_and_open_with_previous_years(books: dict[str, Any]) -> None:
    rr.declaration(books["theo"], 2024, "60.00", invoice_on=datetime.date(2024, 6, 1))
    rows = list(balances_table(2025).rows)
    assert sum((r[7] for r in rows), D(0)) == 0
    assert sum((r[4] for r in rows), D(0)) == 0
    theo = next(r for r in rows if r[1] == f"P{books['theo'].pk:07d}")
    assert theo[4] == D("60.00")
    assert theo[5] == D("90.00")
    assert theo[7] == D("150.00")
    assert csv_text(balances_table(2025)).count("\r\n") == len(rows) + 1


def test_xlsx_of_balances_opens_with_numbers(books: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    response = logged_in(StewardFactory()).get("/contributions/exports/soldes/2025.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(body(response)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == fr("Account")
    closing = [r[7] for r in rows[1:]]
    assert all(isinstance(v, int | float) for v in closing)
    assert round(sum(closing), 2) == 0


def test_api_twins(books: dict[str, Any]) -> None:
    secret = token_secret(StewardFactory())
    fec = Client().get(f"{API}/exports/fec/2025", **bearer(secret))
    assert fec.status_code == 200
    assert len(fec_parse(body(fec))) == 8
    csv_response = Client().get(f"{API}/exports/ledger/2025?format=csv", **bearer(secret))
    assert csv_response.status_code == 200
    assert body(csv_response).startswith("\ufeff".encode())
    xlsx = Client().get(f"{API}/exports/declarations/2025?format=xlsx", **bearer(secret))
    assert xlsx.status_code == 200
    wrong = Client().get(f"{API}/exports/ledger/2025?format=pdf", **bearer(secret))
    assert wrong.status_code == 422


def test_api_refuses_members_and_anonymous(books: dict[str, Any]) -> None:
    client = Client()
    member = token_secret(books["maelle"])
    assert client.get(f"{API}/exports/fec/2025", **bearer(member)).status_code == 403
    assert client.get(f"{API}/exports/balances/2025").status_code == 401
