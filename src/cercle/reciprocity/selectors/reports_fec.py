"""The FEC (fichier des écritures comptables) of a fiscal year, as article A.47 A-1 of
the French *livre des procédures fiscales* specifies it:

- a flat text file, one record a ledger line, fields separated by a TAB, records by
  CR LF, a first line with the 18 field names in their official order;
- dates as AAAAMMJJ; amounts with a comma as decimal separator and no thousands
  separator, the debit and the credit in two fields (the unused one is 0,00);
- characters in ISO 8859-15 (one of the encodings the text allows; a character it
  cannot hold becomes "?");
- records in the order of the entry number (EcritureNum), continuous in the year;
- named `<SIREN>FEC<AAAAMMJJ>.txt`, the date being the closing date of the year.

No foreign currency is used: Montantdevise and Idevise stay empty; lettering
(EcritureLet, DateLet) is not done, so they stay empty too. The file is streamed:
lines are read from the database in chunks, never the whole year at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from cercle.reciprocity.enums import JournalCode
from cercle.reciprocity.ledger import COMMON_ACCOUNTS, PERSONAL_ACCOUNTS, SYSTEM_ACCOUNTS
from cercle.reciprocity.models import LedgerLine

FEC_COLUMNS: tuple[str, ...] = (
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
)
SEPARATOR = "\t"
END_OF_RECORD = "\r\n"
ENCODING = "iso-8859-15"
CHUNK_SIZE = 2000

_GENERAL_LABELS: dict[str, Any] = {
    **{kind: name for kind, (_n, name) in SYSTEM_ACCOUNTS.items()},
    **{kind: name for kind, (_n, name) in PERSONAL_ACCOUNTS.items()},
    **{kind: name for kind, (_n, name) in COMMON_ACCOUNTS.items()},
}


def fec_filename(year: int) -> str:
    siren = str(getattr(settings, "ASSOCIATION_SIREN", "") or "000000000")
    return f"{siren}FEC{year:04d}1231.txt"


def fec_date(value: datetime.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def fec_amount(value: Decimal) -> str:
    """`1234.5` → `1234,50`: two decimals, a comma, no thousands separator."""
    return f"{Decimal(value):.2f}".replace(".", ",")


def _text(value: Any) -> str:
    """A field never holds the separator or an end of line."""
    return " ".join(str(value or "").split())


def _french_labels() -> tuple[dict[str, str], dict[str, str]]:
    with translation.override("fr"):
        journals = {code: str(label) for code, label in JournalCode.choices}
        accounts = {kind: str(label) for kind, label in _GENERAL_LABELS.items()}
    return journals, accounts


def fec_rows(year: int) -> Iterator[list[str]]:
    """The records of the year (without the header line), one a posted ledger line."""
    journals, accounts = _french_labels()
    lines = (
        LedgerLine.objects.filter(transaction__fiscal_year=year, transaction__is_posted=True)
        .order_by("transaction__number", "id")
        .values_list(
            "transaction__journal_code",
            "transaction__number",
            "transaction__date",
            "transaction__piece_ref",
            "transaction__label",
            "transaction__posted_at",
            "account__kind",
            "account__number",
            "account__auxiliary",
            "account__name",
            "amount",
            "label",
        )
    )
    for (
        journal_code,
        number,
        day,
        piece_ref,
        entry_label,
        posted_at,
        kind,
        account_number,
        auxiliary,
        account_name,
        amount,
        line_label,
    ) in lines.iterator(chunk_size=CHUNK_SIZE):
        amount = Decimal(amount)
        yield [
            journal_code,
            _text(journals.get(journal_code, journal_code)),
            str(number),
            fec_date(day),
            account_number,
            _text(accounts.get(kind, account_name)),
            _text(auxiliary),
            _text(account_name) if auxiliary else "",
            _text(piece_ref) or f"{year}-{number}",
            fec_date(day),
            _text(line_label or entry_label),
            fec_amount(amount if amount > 0 else Decimal(0)),
            fec_amount(-amount if amount < 0 else Decimal(0)),
            "",
            "",
            fec_date(timezone.localtime(posted_at).date() if posted_at else day),
            "",
            "",
        ]


def fec_text_lines(year: int) -> Iterator[str]:
    """The header, then every record, each ending with CR LF."""
    yield SEPARATOR.join(FEC_COLUMNS) + END_OF_RECORD
    for row in fec_rows(year):
        yield SEPARATOR.join(row) + END_OF_RECORD


def fec_stream(year: int, *, batch: int = 500) -> Iterator[bytes]:
    """The file's bytes, in pieces of `batch` records."""
    buffer: list[str] = []
    for line in fec_text_lines(year):
        buffer.append(line)
        if len(buffer) >= batch:
            yield "".join(buffer).encode(ENCODING, errors="replace")
            buffer = []
    if buffer:
        yield "".join(buffer).encode(ENCODING, errors="replace")


def fec_parse(content: bytes) -> list[dict[str, str]]:
    """Read a FEC file back (tests, and anyone checking an export): one dict a record.

    Raises ValueError when the header or a record does not have the 18 fields."""
    text = content.decode(ENCODING)
    records = text.split(END_OF_RECORD)
    if records and records[-1] == "":
        records.pop()
    if not records or records[0].split(SEPARATOR) != list(FEC_COLUMNS):
        raise ValueError("The first line is not the FEC header.")
    parsed: list[dict[str, str]] = []
    for number, record in enumerate(records[1:], start=2):
        fields = record.split(SEPARATOR)
        if len(fields) != len(FEC_COLUMNS):
            raise ValueError(f"Line {number} has {len(fields)} fields, not 18.")
        parsed.append(dict(zip(FEC_COLUMNS, fields, strict=True)))
    return parsed


def fec_decimal(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))
