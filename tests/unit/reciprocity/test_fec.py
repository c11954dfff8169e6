"""The FEC of a fiscal year: 18 columns, header, formats, order, balance, file name."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from cercle.reciprocity.selectors.reports_fec import (
    FEC_COLUMNS,
    fec_amount,
    fec_date,
    fec_decimal,
    fec_filename,
    fec_parse,
    fec_stream,
)
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import CommonFactory, consultant

pytestmark = pytest.mark.django_db
D = Decimal


def fec_of(year: int) -> list[dict[str, str]]:
    return fec_parse(b"".join(fec_stream(year)))


def test_the_header_names_the_18_official_columns_in_order() -> None:
    content = b"".join(fec_stream(2025))
    first = content.split(b"\r\n")[0].decode("iso-8859-15")
    assert first.split("\t") == [
        "JournalCode",
        "JournalLib",
        "EcritureNum",
        "EcritureDate",
        "CompteNum",
        "CompteLib",
        "CompAuxNum",
        "CompAuxLib",
        "PieceRef",
        "PieceDate",
        "EcritureLib",
        "Debit",
        "Credit",
        "EcritureLet",
        "DateLet",
        "ValidDate",
        "Montantdevise",
        "Idevise",
    ]
    assert len(FEC_COLUMNS) == 18


def test_formats_of_dates_and_amounts() -> None:
    assert fec_date(datetime.date(2025, 3, 7)) == "20250307"
    assert fec_amount(D("1234.5")) == "1234,50"
    assert fec_amount(D("1234567.89")) == "1234567,89"
    assert fec_amount(D("0")) == "0,00"


def test_file_name_is_siren_fec_closing_date(settings: object) -> None:
    settings.ASSOCIATION_SIREN = "123456789"  # type: ignore[attr-defined]
    assert fec_filename(2025) == "123456789FEC20251231.txt"
    del settings.ASSOCIATION_SIREN  # type: ignore[attr-defined]
    assert fec_filename(2025) == "000000000FEC20251231.txt"


def test_one_row_per_ledger_line_ordered_by_entry_balanced_per_entry() -> None:
    person = consultant(first_name="Maëlle", last_name="Kervadec")
    common = CommonFactory(name="Wiki des recettes")
    m = rr.mission(lead=person, awarded_on=datetime.date(2025, 2, 1), commons=[(common, "300.00")])
    declaration = rr.declaration(
        person, 2025, "500.00", lines=[(m, "500.00")], invoice_on=datetime.date(2025, 3, 1)
    )
    rr.pay(declaration, "200.00", fee="3.20", paid_on=datetime.date(2025, 4, 2))
    rr.pay_common(common, m, "300.00", paid_on=datetime.date(2025, 5, 3))
    # Another year's entries stay out.
    rr.declaration(person, 2024, "80.00", invoice_on=datetime.date(2024, 12, 30))

    rows = fec_of(2025)
    # pledge (2) + invoice (2) + payment (3) + commons payment (4)
    assert len(rows) == 11
    assert all(len(r) == 18 for r in rows)
    numbers = [int(r["EcritureNum"]) for r in rows]
    assert numbers == sorted(numbers)
    assert set(numbers) == {1, 2, 3, 4}
    by_entry: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        by_entry[r["EcritureNum"]] += fec_decimal(r["Debit"]) - fec_decimal(r["Credit"])
        assert r["EcritureDate"].startswith("2025")
        assert len(r["EcritureDate"]) == 8
        assert r["Montantdevise"] == ""
        assert r["Idevise"] == ""
    assert set(by_entry.values()) == {D("0")}
    receivable = [r for r in rows if r["CompteNum"] == "411000"]
    assert receivable[0]["CompAuxNum"] == f"P{person.pk:07d}"
    assert "Kervadec" in receivable[0]["CompAuxLib"]
    fund = [r for r in rows if r["CompteNum"] == "467200"]
    assert fund[0]["Credit"] == "300,00"
    assert fund[0]["Debit"] == "0,00"
    fees = [r for r in rows if r["CompteNum"] == "627000"]
    assert fees[0]["Debit"] == "3,20"
    bank = [r for r in rows if r["CompteNum"] == "512000"]
    assert bank[0]["CompAuxNum"] == ""
    assert bank[0]["CompAuxLib"] == ""
    assert all(r["PieceRef"] for r in rows)


def test_text_fields_never_break_the_record() -> None:
    person = consultant(first_name="Inès", last_name="Tab\tNoël")
    rr.declaration(person, 2025, "10.00", invoice_on=datetime.date(2025, 1, 5))
    rows = fec_of(2025)
    assert all(len(r) == 18 for r in rows)
    assert any("Noël" in r["CompAuxLib"] for r in rows)


def test_accounts_are_labelled_in_french() -> None:
    person = consultant()
    rr.declaration(person, 2025, "10.00", invoice_on=datetime.date(2025, 1, 5))
    labels = {r["CompteNum"]: r for r in fec_of(2025)}
    with translation.override("fr"):
        assert labels["706000"]["CompteLib"] == gettext("Mission contributions")
        assert labels["411000"]["CompteLib"] == gettext("Member")
        assert labels["706000"]["JournalLib"] == gettext("Contributions called")
