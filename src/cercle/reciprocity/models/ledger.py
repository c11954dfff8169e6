"""The double-entry ledger: accounts, transactions and their lines.

A transaction is written as a draft, its lines added, then posted. Posting checks, in
Python (`cercle.reciprocity.ledger`) and in the database (triggers installed by the
migration `0002_ledger_triggers`), that the lines sum to zero and that there are at
least two. Posted transactions and their lines are never updated or deleted: a
correction is a reversing transaction, and a transaction can be reversed only once
(a unique one-to-one). Balances are sums of lines, never stored.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cercle.commons.models import Common
from cercle.core.models import JournalEntry
from cercle.network.models import Organization, Person
from cercle.reciprocity.enums import AccountKind, JournalCode

# Signed amounts: a debit is positive, a credit negative.
SIGNED_MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Account(models.Model):
    """An account. `number` is the French chart-of-accounts number used in the FEC;
    accounts of one person or one common share the general number and differ by
    their auxiliary number (`auxiliary`)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=AccountKind.choices)
    number = models.CharField(_("account number"), max_length=20)
    auxiliary = models.CharField(_("auxiliary account"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    common = models.ForeignKey(
        Common, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )

    class Meta:
        ordering = ["number", "auxiliary"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["number", "auxiliary"], name="account_number_unique"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(person__isnull=True, organization__isnull=True, common__isnull=True),
                name="account_one_system_account_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "person"],
                condition=Q(person__isnull=False),
                name="account_one_per_kind_and_person",
            ),
            models.UniqueConstraint(
                fields=["kind", "organization"],
                condition=Q(organization__isnull=False),
                name="account_one_per_kind_and_organization",
            ),
            models.UniqueConstraint(
                fields=["kind", "common"],
                condition=Q(common__isnull=False),
                name="account_one_per_kind_and_common",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}{' ' + self.auxiliary if self.auxiliary else ''} {self.name}"


class LedgerTransaction(models.Model):
    """A balanced group of lines, posted once, immutable afterwards.

    `number` is the entry number within the fiscal year (FEC's EcritureNum), given at
    posting without gaps. `journal_entry` is the journal record of the operation.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    journal_code = models.CharField(
        _("accounting journal"), max_length=2, choices=JournalCode.choices
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    number = models.PositiveIntegerField(_("entry number"), null=True, blank=True)
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200)
    piece_ref = models.CharField(_("document reference"), max_length=40, blank=True)
    is_posted = models.BooleanField(_("posted"), default=False)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    journal_entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_transactions",
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "number"], name="ledger_transaction_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_posted=False)
                | Q(number__isnull=False, posted_at__isnull=False, journal_entry__isnull=False),
                name="ledger_posted_is_numbered_and_journaled",
            ),
            models.CheckConstraint(
                condition=~Q(reverses=models.F("id")), name="ledger_not_reversing_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "journal_code", "number"]),
            # Empty outside a posting: "posted" is checked as "not in this index".
            models.Index(
                fields=["id"], condition=Q(is_posted=False), name="ledger_txn_unposted_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}-{self.number or '?'} {self.label}"


class LedgerLine(models.Model):
    """One side of a transaction: an account and a signed amount (+ debit, − credit).

    `mission` and `declaration` say what the line is about, for statements.
    """

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="lines"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = models.DecimalField(_("amount (€)"), **SIGNED_MONEY)  # type: ignore[arg-type]
    label = models.CharField(_("label"), max_length=200, blank=True)
    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_lines",
    )
    declaration = models.ForeignKey(
        "reciprocity.YearlyDeclaration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_lines",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_line_not_zero"),
        ]
        # An account's balance is summed from this index alone (index-only scan).
        indexes = [
            models.Index(
                fields=["account", "transaction"],
                include=["amount"],
                name="ledger_line_account_sum_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"

    @property
    def debit(self):  # type: ignore[no-untyped-def]
        return self.amount if self.amount > 0 else 0

    @property
    def credit(self):  # type: ignore[no-untyped-def]
        return -self.amount if self.amount < 0 else 0
