"""Every write on yearly declarations: declare, amend, invoice, cancel, follow payments.

A consultant declares for a year the amount (€ HT) they will pay, globally or split per
mission (the lines then sum exactly to the amount). Stewards invoice it: the receivable
is posted (decision 0010: receivable debit, contribution income credit; journal VT) and
the due date set. Payments move it to partially paid or paid, refunds back
(`declaration_sync_status`). A cancellation after invoicing reverses the invoicing
transaction; a declaration with payments is not cancelled (refund them first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.transitions import check_transition
from cercle.missions.enums import MemberStatus
from cercle.missions.models import Mission
from cercle.network.models import Person
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import (
    DECLARATION_TRANSITIONS,
    AccountKind,
    DeclarationStatus,
    JournalCode,
)
from cercle.reciprocity.models import (
    ContributionSettings,
    DeclarationLine,
    Payment,
    YearlyDeclaration,
)
from cercle.reciprocity.policies.declarations import (
    check_can_amend_declaration,
    check_can_declare,
    check_can_manage_payments,
)

FIRST_YEAR = 2000
NOTE_MAX = 2_000
REASON_MAX = 2_000
# What the database accepts (max_digits 12, 2 decimals).
MAX_AMOUNT = Decimal("9999999999.99")


# ---------------------------------------------------------------- helpers


def contribution_settings() -> ContributionSettings:
    """The stewards' settings, or their defaults when none were saved (no write)."""
    return ContributionSettings.objects.filter(id=1).first() or ContributionSettings()


def parse_amount(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    """A money amount in euros, to the cent: refuses text, negatives, sub-cents, NaN."""
    if isinstance(value, float):
        value = repr(value)
    text = str(value if value is not None else "").strip().replace("\u202f", "")
    text = text.replace(" ", "").replace(",", ".")
    if text.endswith("€"):
        text = text[:-1]
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: [_("Enter an amount in euros, such as 150 or 150.50.")]}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: [_("Enter an amount in euros, such as 150 or 150.50.")]})
    if amount != ledger.cents(amount):
        raise ValidationError({field: [_("An amount is given to the cent.")]})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: [_("The amount must be greater than zero.")]})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: [_("This amount is too large.")]})
    return ledger.cents(amount)


def clean_text(value: str | None, field: str, *, required: bool, limit: int) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("Keep it under %(max)d characters.") % {"max": limit}]})
    if "\x00" in text:
        raise ValidationError({field: [_("Null characters are not allowed.")]})
    return text


def _check_year(year: Any) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": [_("Enter a year, such as 2026.")]}) from None
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= value <= last:
        raise ValidationError(
            {
                "year": [
                    _("Declare for a year between %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": last}
                ]
            }
        )
    return value


def eligible_missions(*, person: Person, year: int) -> Any:
    """Missions a person leads or is an accepted team member of, awarded that year or
    before: what a declaration may be split over."""
    return (
        Mission.objects.filter(
            Q(lead=person)
            | Q(team__members__person=person, team__members__status=MemberStatus.ACCEPTED),
            awarded_at__year__lte=year,
        )
        .select_related("request")
        .distinct()
        .order_by("-awarded_at", "-id")
    )


def _clean_lines(
    *, person: Person, year: int, amount: Decimal, lines: Sequence[Mapping[str, Any]]
) -> list[tuple[Mission, Decimal]]:
    """Lines as (mission, amount); each names an eligible mission once; they sum to the
    amount. Empty rows (no mission and no amount) are ignored."""
    rows = [
        r
        for r in lines
        if str(r.get("mission") or "").strip() or str(r.get("amount_ht") or "").strip()
    ]
    if not rows:
        return []
    eligible = {str(m.uuid): m for m in eligible_missions(person=person, year=year)}
    errors: list[str] = []
    built: list[tuple[Mission, Decimal]] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        key = str(row.get("mission") or "").strip()
        mission = eligible.get(key)
        if mission is None:
            errors.append(
                _("Line %(n)s: choose one of your missions awarded in %(year)s or before.")
                % {"n": n, "year": year}
            )
        elif key in seen:
            errors.append(_("Line %(n)s: this mission is already on another line.") % {"n": n})
        seen.add(key)
        try:
            line_amount = parse_amount(row.get("amount_ht"), "lines")
        except ValidationError as error:
            errors += [
                _("Line %(n)s: %(message)s") % {"n": n, "message": m} for m in error.messages
            ]
            continue
        if mission is not None:
            built.append((mission, line_amount))
    if errors:
        raise ValidationError({"lines": errors})
    total = sum((a for _m, a in built), Decimal("0"))
    if total != amount:
        raise ValidationError(
            {
                "lines": [
                    _("The lines add up to %(total)s € HT, not the %(amount)s € HT declared.")
                    % {"total": total, "amount": amount}
                ]
            }
        )
    return built


def _declarant(actor: User) -> Person:
    from cercle.reciprocity.policies.declarations import person_of

    person = person_of(actor)
    if person is None:
        raise ValidationError(_("Sign in first."))
    return person


# ---------------------------------------------------------------- declare and amend


def declaration_create(
    *,
    actor: User,
    year: Any,
    amount_ht: Any,
    note: str = "",
    lines: Sequence[Mapping[str, Any]] = (),
) -> YearlyDeclaration:
    """Declare what one will pay for a year. One open declaration per person and year.

    `lines`: optional mappings `{"mission": <uuid>, "amount_ht": <amount>}`.
    """
    check_can_declare(actor)
    person = _declarant(actor)
    errors: dict[str, list[str]] = {}
    checked_year: int | None = None
    amount: Decimal | None = None
    try:
        checked_year = _check_year(year)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        amount = parse_amount(amount_ht, "amount_ht")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        note = clean_text(note, "note", required=False, limit=NOTE_MAX)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert checked_year is not None
    assert amount is not None
    built = _clean_lines(person=person, year=checked_year, amount=amount, lines=lines)
    if (
        YearlyDeclaration.objects.filter(person=person, year=checked_year)
        .exclude(status=DeclarationStatus.CANCELLED)
        .exists()
    ):
        raise ValidationError(
            {
                "year": [
                    _("You already declared for %(year)s: amend that declaration.")
                    % {"year": checked_year}
                ]
            }
        )
    declaration = YearlyDeclaration(
        person=person,
        year=checked_year,
        amount_ht=amount,
        note=note,
        declared_at=timezone.now(),
    )
    declaration.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            declaration.save()
            DeclarationLine.objects.bulk_create(
                [DeclarationLine(declaration=declaration, mission=m, amount_ht=a) for m, a in built]
            )
            journal.record(
                actor=actor,
                verb="declaration.declared",
                obj=declaration,
                payload=_payload(declaration, built),
                visibility=Visibility.PRIVATE,
                subject=actor,
            )
    except IntegrityError:
        # Two submissions at once: the database keeps one open declaration.
        raise ValidationError(
            {
                "year": [
                    _("You already declared for %(year)s: amend that declaration.")
                    % {"year": checked_year}
                ]
            }
        ) from None
    return declaration


def _payload(
    declaration: YearlyDeclaration, built: list[tuple[Mission, Decimal]]
) -> dict[str, Any]:
    return {
        "year": declaration.year,
        "amount_ht": str(declaration.amount_ht),
        "lines": [[str(m.uuid), str(a)] for m, a in built],
    }


def declaration_amend(
    *,
    actor: User,
    declaration: YearlyDeclaration,
    amount_ht: Any,
    note: str = "",
    lines: Sequence[Mapping[str, Any]] = (),
) -> YearlyDeclaration:
    """Change the amount, note and lines of one's declaration while it is only declared."""
    check_can_amend_declaration(actor, declaration)
    errors: dict[str, list[str]] = {}
    amount: Decimal | None = None
    try:
        amount = parse_amount(amount_ht, "amount_ht")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        note = clean_text(note, "note", required=False, limit=NOTE_MAX)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert amount is not None
    built = _clean_lines(
        person=declaration.person, year=declaration.year, amount=amount, lines=lines
    )
    with transaction.atomic():
        locked = YearlyDeclaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status != DeclarationStatus.DECLARED:
            raise Conflict(_("Only a declaration not yet invoiced can be amended."))
        before = {"amount_ht": str(locked.amount_ht), "note": locked.note}
        locked.amount_ht = amount
        locked.note = note
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["amount_ht", "note"])
        locked.lines.all().delete()
        DeclarationLine.objects.bulk_create(
            [DeclarationLine(declaration=locked, mission=m, amount_ht=a) for m, a in built]
        )
        journal.record(
            actor=actor,
            verb="declaration.amended",
            obj=locked,
            payload={**_payload(locked, built), "before": before},
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
    return locked


# ---------------------------------------------------------------- invoice and cancel


_INVOICING: dict[str, set[str]] = {DeclarationStatus.DECLARED: {DeclarationStatus.INVOICED}}


def declaration_invoice(*, actor: User, declaration: YearlyDeclaration) -> YearlyDeclaration:
    """Post the receivable (journal VT) and set the due date: today + the settings' delay."""
    from cercle.reciprocity.tasks_declarations import remind_if_overdue

    check_can_manage_payments(actor)
    with transaction.atomic():
        locked = (
            YearlyDeclaration.objects.select_for_update(of=("self",))
            .select_related("person__user")
            .get(pk=declaration.pk)
        )
        # Only a declared amount is invoiced. The table also lets a refund take a paid
        # declaration back to "invoiced", but that is a status, not a second invoice:
        # re-invoicing would post the receivable twice.
        check_transition(_INVOICING, locked.status, DeclarationStatus.INVOICED)
        person = locked.person
        receivable = ledger.receivable(person=person)
        income = ledger.system_account(AccountKind.INCOME_CONTRIBUTION)
        label = _("Contribution %(year)s, %(person)s") % {"year": locked.year, "person": person}
        legs: list[ledger.Leg] = []
        lines = list(locked.lines.select_related("mission__request"))
        parts: list[tuple[Mission | None, Decimal]] = [
            (line.mission, line.amount_ht) for line in lines
        ] or [(None, locked.amount_ht)]
        for mission, amount in parts:
            legs += [
                ledger.Leg(receivable, amount, mission=mission, declaration=locked),
                ledger.Leg(income, -amount, mission=mission, declaration=locked),
            ]
        txn = ledger.post(
            actor=actor,
            journal_code=JournalCode.SALES,
            label=label,
            legs=legs,
            verb="declaration.invoiced",
            obj=locked,
            payload={"year": locked.year, "amount_ht": str(locked.amount_ht)},
            piece_ref=f"D{locked.year}-{locked.pk}",
            subject=person.user,
        )
        now = timezone.now()
        locked.status = DeclarationStatus.INVOICED
        locked.invoiced_at = now
        locked.due_on = timezone.localdate() + timedelta(
            days=contribution_settings().payment_due_days
        )
        locked.invoice_transaction = txn
        locked.save(update_fields=["status", "invoiced_at", "due_on", "invoice_transaction"])
        url = locked.get_absolute_url()
        notify(
            users=[person.user],
            kind=NotificationKind.DECLARATION_DUE,
            subject=gettext_lazy("Your contribution declaration was invoiced"),
            template="reciprocity/email/declarations_invoiced.txt",
            context={
                "year": locked.year,
                "amount": str(locked.amount_ht),
                "due_on": locked.due_on.isoformat(),
                "url": url,
            },
            url=url,
        )
        due_on = locked.due_on
        uuid = str(locked.uuid)

        def enqueue() -> None:
            # The day after the due date, in the morning (Paris): the overdue reminder.
            # Backends that cannot defer (the immediate one, in tests) skip it: the daily
            # `remind_declarations` sweep catches what a skipped task would miss.
            from django_tasks import default_task_backend

            if not default_task_backend.supports_defer:
                return
            run_after = timezone.make_aware(
                datetime.combine(due_on + timedelta(days=1), time(9, 0))
            )
            remind_if_overdue.using(run_after=run_after).enqueue(uuid)

        transaction.on_commit(enqueue)
    return locked


def declaration_cancel(
    *, actor: User, declaration: YearlyDeclaration, reason: str
) -> YearlyDeclaration:
    """Cancel a declaration; after invoicing, reverse the invoicing transaction."""
    check_can_manage_payments(actor)
    reason = clean_text(reason, "reason", required=True, limit=REASON_MAX)
    with transaction.atomic():
        locked = (
            YearlyDeclaration.objects.select_for_update(of=("self",))
            .select_related("person__user", "invoice_transaction")
            .get(pk=declaration.pk)
        )
        if locked.status in (DeclarationStatus.PARTIALLY_PAID, DeclarationStatus.PAID):
            raise Conflict(_("Payments were received for this declaration: refund them first."))
        check_transition(DECLARATION_TRANSITIONS, locked.status, DeclarationStatus.CANCELLED)
        if locked.invoice_transaction is not None:
            ledger.reverse(
                actor=actor,
                txn=locked.invoice_transaction,
                reason=reason,
                verb="declaration.invoice_reversed",
            )
        locked.status = DeclarationStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancellation_reason = reason
        locked.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
        journal.record(
            actor=actor,
            verb="declaration.cancelled",
            obj=locked,
            payload={"year": locked.year, "reason": reason},
            visibility=Visibility.PRIVATE,
            subject=locked.person.user,
        )
        url = locked.get_absolute_url()
        notify(
            users=[locked.person.user],
            kind=NotificationKind.DECLARATION_DUE,
            subject=gettext_lazy("Your contribution declaration was cancelled"),
            template="reciprocity/email/declarations_cancelled.txt",
            context={"year": locked.year, "reason": reason, "url": url},
            url=url,
        )
    return locked


# ---------------------------------------------------------------- payments' effect


def declaration_paid_total(declaration: YearlyDeclaration) -> Decimal:
    """What was paid for a declaration, refunds deducted (gross amounts)."""
    rows = Payment.objects.filter(declaration=declaration).aggregate(
        paid=Sum("gross", filter=Q(refund_of__isnull=True)),
        refunded=Sum("gross", filter=Q(refund_of__isnull=False)),
    )
    return ledger.cents((rows["paid"] or 0) - (rows["refunded"] or 0))


def declaration_sync_status(*, declaration: YearlyDeclaration) -> YearlyDeclaration:
    """Set invoiced / partially paid / paid from the payments (inside the caller's
    transaction, the declaration locked by the caller)."""
    paid = declaration_paid_total(declaration)
    if paid <= 0:
        target = DeclarationStatus.INVOICED
    elif paid < declaration.amount_ht:
        target = DeclarationStatus.PARTIALLY_PAID
    else:
        target = DeclarationStatus.PAID
    if target != declaration.status:
        check_transition(DECLARATION_TRANSITIONS, declaration.status, target)
        declaration.status = target
        declaration.paid_at = timezone.now() if target == DeclarationStatus.PAID else None
        declaration.save(update_fields=["status", "paid_at"])
    return declaration
