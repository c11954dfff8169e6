"""The HelloAsso import: the CSV export of payments, or the same records from the API.

The CSV is HelloAsso's "paiements" export: `;` separated, UTF-8 (a BOM is accepted),
French decimal commas, dates `JJ/MM/AAAA[ HH:MM:SS]`. Columns read (header names as
HelloAsso writes them; case and surrounding spaces do not matter):

    required: Référence paiement, Date du paiement, Montant total, Statut du paiement,
              Nom payeur, Prénom payeur, Email payeur, Type de campagne
    optional: Référence commande, Campagne, Frais (platform fee; HelloAsso is free for
              associations, so 0 when absent), Montant remboursé (a partial refund),
              Date du remboursement

Rules:
- Every row is checked first; any bad row (missing value, bad amount or date, unknown
  status or campaign type, a contribution from an e-mail that is no member's) is
  reported with its line number and NOTHING is imported. Then all rows are written in
  one transaction.
- Idempotent on the payment reference (`Payment(method=helloasso, external_id)`): a
  row already imported creates nothing ("N already imported"); if HelloAsso has since
  refunded it, the missing refund is recorded.
- Campaign types: Adhésion → membership fee; Don and Crowdfunding → donation;
  Paiement, Checkout and Vente → contribution. Billetterie, Boutique and Événement
  rows are not reciprocity: skipped and counted.
- Statuses: Payé / Autorisé / Validé → paid; Remboursé → paid then refunded (all, or
  the "Montant remboursé"); Refusé, En attente, Annulé, Abandonné → skipped; Hors ligne
  (a payment the association recorded itself in HelloAsso) → skipped: record it here by
  hand with its real method.
- A contribution is matched by the payer's e-mail to the member's oldest invoiced
  declaration that the amount does not exceed. When none fits, it is recorded as an
  unmatched contribution on the member's account (the receivable) and listed for a
  steward to match (`payment_match`).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import ApplicationError
from cercle.core.models import User
from cercle.network.models import Person
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import DeclarationStatus, PaymentKind, PaymentMethod
from cercle.reciprocity.models import Payment, YearlyDeclaration
from cercle.reciprocity.policies.declarations import check_can_manage_payments
from cercle.reciprocity.services.declarations_payments import (
    PaymentDraft,
    declaration_remaining,
    payment_draft,
    payment_post,
)
from cercle.reciprocity.services.declarations_refunds import payment_refund, refunded_total

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_REPORTED_ERRORS = 200

# Canonical keys → the header HelloAsso writes.
COLUMNS: dict[str, str] = {
    "external_id": "Référence paiement",
    "date": "Date du paiement",
    "amount": "Montant total",
    "status": "Statut du paiement",
    "last_name": "Nom payeur",
    "first_name": "Prénom payeur",
    "email": "Email payeur",
    "campaign_type": "Type de campagne",
}
OPTIONAL_COLUMNS: dict[str, str] = {
    "order_id": "Référence commande",
    "campaign": "Campagne",
    "fee": "Frais",
    "refunded_amount": "Montant remboursé",
    "refunded_on": "Date du remboursement",
}

PAID, REFUNDED, SKIP = "paid", "refunded", "skip"
STATUSES: dict[str, str] = {
    "payé": PAID,
    "paye": PAID,
    "autorisé": PAID,
    "autorise": PAID,
    "validé": PAID,
    "valide": PAID,
    "remboursé": REFUNDED,
    "rembourse": REFUNDED,
    "refusé": SKIP,
    "refuse": SKIP,
    "en attente": SKIP,
    "annulé": SKIP,
    "annule": SKIP,
    "abandonné": SKIP,
    "hors ligne": SKIP,
}
NOT_RECIPROCITY = "not_reciprocity"
CAMPAIGN_TYPES: dict[str, str] = {
    "adhésion": PaymentKind.MEMBERSHIP_FEE,
    "adhesion": PaymentKind.MEMBERSHIP_FEE,
    "don": PaymentKind.DONATION,
    "crowdfunding": PaymentKind.DONATION,
    "paiement": PaymentKind.CONTRIBUTION,
    "checkout": PaymentKind.CONTRIBUTION,
    "vente": PaymentKind.CONTRIBUTION,
    "billetterie": NOT_RECIPROCITY,
    "boutique": NOT_RECIPROCITY,
    "événement": NOT_RECIPROCITY,
    "evenement": NOT_RECIPROCITY,
}


@dataclass
class ImportRow:
    """One payment read from HelloAsso, in canonical form."""

    line: int
    external_id: str
    paid_on: datetime.date
    gross: Decimal
    fee: Decimal
    status: str
    kind: str
    first_name: str
    last_name: str
    email: str
    refunded_amount: Decimal = Decimal("0")
    refunded_on: datetime.date | None = None

    @property
    def payer_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


@dataclass
class ImportReport:
    dry_run: bool = False
    created: int = 0
    already: int = 0
    refunds: int = 0
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    total: Decimal = Decimal("0")

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "already_imported": self.already,
            "refunds": self.refunds,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "skipped": [{"line": n, "reason": r} for n, r in self.skipped],
            "total": str(self.total),
        }


class HelloAssoUnavailable(ApplicationError):
    status = 502


# ---------------------------------------------------------------- reading the CSV


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def _amount(value: str) -> Decimal:
    text = (value or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.removesuffix("€").replace(",", ".")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not amount.is_finite() or amount < 0 or amount != ledger.cents(amount):
        raise ValueError(value)
    return ledger.cents(amount)


def _date(value: str) -> datetime.date:
    text = (value or "").strip()
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(value) from None


def read_csv(content: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, canonical values) for each data row. Raises ValidationError on
    the file as a whole (encoding, separator, missing columns)."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"file": [_("The file is too big (5 MB at most).")]})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": [_("The file is not UTF-8 text: export it again from HelloAsso as CSV.")]}
        ) from None
    if "\x00" in text:
        raise ValidationError({"file": [_("The file is not a CSV text file.")]})
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValidationError({"file": [_("The file is empty.")]})
    header_line = lines[0]
    if ";" not in header_line:
        raise ValidationError(
            {
                "file": [
                    _(
                        "The columns are not separated by semicolons (;), as in HelloAsso's "
                        "export: export the file again without opening it in a spreadsheet."
                    )
                ]
            }
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = [_norm(h) for h in next(reader)]
    positions: dict[str, int] = {}
    wanted = {**COLUMNS, **OPTIONAL_COLUMNS}
    for key, name in wanted.items():
        if _norm(name) in header:
            positions[key] = header.index(_norm(name))
    missing = [name for key, name in COLUMNS.items() if key not in positions]
    if missing:
        raise ValidationError(
            {
                "file": [
                    _("Columns missing from the file: %(columns)s.")
                    % {"columns": ", ".join(missing)}
                ]
            }
        )
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {
            key: (row[pos].strip() if pos < len(row) else "") for key, pos in positions.items()
        }
        yield number, values


def check_row(number: int, values: dict[str, str]) -> tuple[ImportRow | None, list[str], str]:
    """(row, errors, skip reason) for canonical values (from the CSV or the API)."""
    errors: list[str] = []
    external_id = values.get("external_id", "")
    if not external_id:
        errors.append(_("the payment reference is missing"))
    elif len(external_id) > 60:
        errors.append(_("the payment reference is too long"))
    status = STATUSES.get(_norm(values.get("status", "")))
    if status is None:
        errors.append(_("unknown status “%(status)s”") % {"status": values.get("status", "")[:40]})
    kind = CAMPAIGN_TYPES.get(_norm(values.get("campaign_type", "")))
    if kind is None:
        errors.append(
            _("unknown campaign type “%(type)s”") % {"type": values.get("campaign_type", "")[:40]}
        )
    try:
        paid_on = _date(values.get("date", ""))
        if paid_on > timezone.localdate():
            errors.append(_("the date %(date)s is in the future") % {"date": values["date"]})
    except ValueError:
        paid_on = None
        errors.append(_("bad date “%(date)s”") % {"date": values.get("date", "")[:40]})
    amounts: dict[str, Decimal] = {}
    for key, label in (
        ("amount", _("amount")),
        ("fee", _("fee")),
        ("refunded_amount", _("refund")),
    ):
        raw = values.get(key, "")
        if key != "amount" and not raw:
            amounts[key] = Decimal("0")
            continue
        try:
            amounts[key] = _amount(raw)
        except ValueError:
            errors.append(_("bad %(what)s “%(value)s”") % {"what": label, "value": raw[:40]})
    gross = amounts.get("amount")
    if gross is not None and gross <= 0 and status != SKIP:
        errors.append(_("the amount must be greater than zero"))
    if gross is not None and amounts.get("fee", Decimal(0)) > gross:
        errors.append(_("the fee exceeds the amount"))
    if gross is not None and amounts.get("refunded_amount", Decimal(0)) > gross:
        errors.append(_("the refund exceeds the amount"))
    refunded_on = None
    if values.get("refunded_on"):
        try:
            refunded_on = _date(values["refunded_on"])
        except ValueError:
            errors.append(_("bad refund date “%(date)s”") % {"date": values["refunded_on"][:40]})
    email = values.get("email", "").strip()
    if errors:
        return None, errors, ""
    if status == SKIP:
        return None, [], _("status “%(status)s”: nothing to record") % {"status": values["status"]}
    if kind == NOT_RECIPROCITY:
        return (
            None,
            [],
            _("campaign type “%(type)s” is not a reciprocity") % {"type": values["campaign_type"]},
        )
    assert paid_on is not None
    assert gross is not None
    assert status is not None
    assert kind is not None
    refunded = amounts.get("refunded_amount", Decimal("0"))
    if status == REFUNDED and not refunded:
        refunded = gross
    return (
        ImportRow(
            line=number,
            external_id=external_id,
            paid_on=paid_on,
            gross=gross,
            fee=amounts.get("fee", Decimal("0")),
            status=status,
            kind=kind,
            first_name=values.get("first_name", "")[:90],
            last_name=values.get("last_name", "")[:90],
            email=email,
            refunded_amount=refunded,
            refunded_on=refunded_on,
        ),
        [],
        "",
    )


# ---------------------------------------------------------------- the import


@dataclass
class _Planned:
    row: ImportRow
    draft: PaymentDraft | None = None  # None: already imported
    existing: Payment | None = None
    refund_missing: Decimal = Decimal("0")


def _people_by_email(emails: Iterable[str]) -> dict[str, Person]:
    wanted = {e.lower() for e in emails if e}
    people = Person.objects.filter(user__email__in=wanted).select_related("user")
    found = {p.user.email.lower(): p for p in people}
    # E-mail addresses are compared without case; the query above is exact, so look
    # again case-insensitively only for those not found (rare).
    for email in wanted - set(found):
        person = Person.objects.filter(user__email__iexact=email).select_related("user").first()
        if person is not None:
            found[email] = person
    return found


def _plan(rows: list[ImportRow], report: ImportReport) -> list[_Planned]:
    errors: list[str] = []
    seen: dict[str, int] = {}
    for row in rows:
        if row.external_id in seen:
            errors.append(
                _("Line %(n)s: payment %(id)s is already on line %(first)s.")
                % {"n": row.line, "id": row.external_id, "first": seen[row.external_id]}
            )
        seen.setdefault(row.external_id, row.line)
    existing = {
        p.external_id: p
        for p in Payment.objects.filter(
            method=PaymentMethod.HELLOASSO, external_id__in=list(seen), refund_of__isnull=True
        )
    }
    people = _people_by_email(r.email for r in rows)
    open_declarations: dict[int, list[YearlyDeclaration]] = {}
    for open_one in YearlyDeclaration.objects.filter(
        person__in=list(people.values()),
        status__in=[DeclarationStatus.INVOICED, DeclarationStatus.PARTIALLY_PAID],
    ).order_by("year", "id"):
        open_declarations.setdefault(open_one.person_id, []).append(open_one)
    remaining: dict[int, Decimal] = {}
    planned: list[_Planned] = []
    for row in rows:
        payment = existing.get(row.external_id)
        if payment is not None:
            missing = row.refunded_amount - refunded_total(payment)
            planned.append(
                _Planned(row=row, existing=payment, refund_missing=max(missing, Decimal("0")))
            )
            continue
        person = people.get(row.email.lower())
        declaration: YearlyDeclaration | None = None
        if row.kind == PaymentKind.CONTRIBUTION:
            if person is None:
                errors.append(
                    _(
                        "Line %(n)s: no member has the e-mail “%(email)s”: a contribution is "
                        "paid by a member (record it as a donation if it is one)."
                    )
                    % {"n": row.line, "email": row.email[:80]}
                )
                continue
            for candidate in open_declarations.get(person.pk, []):
                left = remaining.setdefault(candidate.pk, declaration_remaining(candidate))
                if row.gross <= left:
                    declaration = candidate
                    remaining[candidate.pk] = left - row.gross
                    break
        try:
            draft = payment_draft(
                kind=row.kind,
                method=PaymentMethod.HELLOASSO,
                paid_on=row.paid_on,
                gross=row.gross,
                fee=row.fee,
                payer_person=person,
                payer_name=row.payer_name,
                payer_email=row.email,
                declaration=declaration,
                external_id=row.external_id,
                allow_unmatched=True,
            )
        except ValidationError as error:
            errors += [
                _("Line %(n)s: %(message)s") % {"n": row.line, "message": m} for m in error.messages
            ]
            continue
        planned.append(_Planned(row=row, draft=draft, refund_missing=row.refunded_amount))
    if errors:
        raise ValidationError({"file": errors[:MAX_REPORTED_ERRORS]})
    return planned


def helloasso_import_rows(
    *,
    actor: User | None,
    records: Iterable[tuple[int, dict[str, str]]],
    dry_run: bool = False,
    source: str = "csv",
) -> ImportReport:
    """Check every record, then (unless a dry run) write them all in one transaction."""
    report = ImportReport(dry_run=dry_run)
    rows: list[ImportRow] = []
    errors: list[str] = []
    for count, (number, values) in enumerate(records, start=1):
        if count > MAX_ROWS:
            raise ValidationError(
                {"file": [_("Too many rows (%(max)s at most).") % {"max": MAX_ROWS}]}
            )
        row, row_errors, skip = check_row(number, values)
        if row_errors:
            errors.append(
                _("Line %(n)s: %(problems)s.") % {"n": number, "problems": "; ".join(row_errors)}
            )
        elif row is None:
            report.skipped.append((number, skip))
        else:
            rows.append(row)
    if errors:
        raise ValidationError({"file": errors[:MAX_REPORTED_ERRORS]})
    planned = _plan(rows, report)
    for item in planned:
        if item.existing is not None:
            report.already += 1
        else:
            assert item.draft is not None
            report.created += 1
            report.total += item.row.gross
            if item.row.kind == PaymentKind.CONTRIBUTION:
                if item.draft.declaration is not None:
                    report.matched += 1
                else:
                    report.unmatched.append(
                        _("Line %(n)s: %(payer)s, %(amount)s €")
                        % {
                            "n": item.row.line,
                            "payer": item.row.payer_name,
                            "amount": item.row.gross,
                        }
                    )
        if item.refund_missing > 0:
            report.refunds += 1
    if dry_run:
        return report
    with transaction.atomic():
        for item in planned:
            payment = item.existing
            if item.draft is not None:
                payment = payment_post(actor=actor, draft=item.draft)
            assert payment is not None
            if item.refund_missing > 0:
                payment_refund(
                    actor=actor,
                    payment=payment,
                    amount=item.refund_missing,
                    refunded_on=max(item.row.refunded_on or payment.paid_on, payment.paid_on),
                    reason=_("Refunded on HelloAsso"),
                    check_policy=False,
                )
        journal.record(
            actor=actor,
            verb="helloasso.imported",
            object_type="reciprocity.helloassoimport",
            object_id=timezone.now().strftime("%Y%m%d%H%M%S"),
            payload={**report.as_dict(), "source": source},
            visibility=Visibility.PRIVATE,
        )
    return report


def helloasso_import_file(*, actor: User, content: bytes, dry_run: bool = False) -> ImportReport:
    """A steward imports HelloAsso's CSV export of payments."""
    check_can_manage_payments(actor)
    return helloasso_import_rows(actor=actor, records=read_csv(content), dry_run=dry_run)
