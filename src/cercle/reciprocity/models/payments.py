"""Yearly declarations, payments, refunds, receipts and payouts to commons."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.commons.models import Common
from cercle.network.models import Organization, Person
from cercle.reciprocity.enums import DeclarationStatus, PaymentKind, PaymentMethod
from cercle.reciprocity.models.ledger import LedgerTransaction
from cercle.reciprocity.models.policies import MONEY

OPEN_DECLARATION = ~Q(status=DeclarationStatus.CANCELLED)


class YearlyDeclaration(models.Model):
    """ "For 2026 I will pay 150 € HT": what a consultant commits to pay for a year,
    globally or split per mission (`lines`), beside what the policies compute.

    Invoicing posts the receivable; payments settle it, partially or wholly.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    year = models.PositiveSmallIntegerField(_("year"))
    amount_ht = models.DecimalField(_("amount (€ HT)"), **MONEY)  # type: ignore[arg-type]
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.DECLARED,
    )
    declared_at = models.DateTimeField(_("declared on"))
    invoiced_at = models.DateTimeField(_("invoiced on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The transaction that posted the receivable; a cancellation after invoicing
    # reverses it.
    invoice_transaction = models.OneToOneField(
        LedgerTransaction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoiced_declaration",
    )
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-year", "person__last_name"]
        verbose_name = _("yearly declaration")
        verbose_name_plural = _("yearly declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=OPEN_DECLARATION,
                name="declaration_one_open_per_person_and_year",
            ),
            models.CheckConstraint(condition=Q(amount_ht__gt=0), name="declaration_positive"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.year}: {self.amount_ht} € HT"

    def get_absolute_url(self) -> str:
        return reverse("reciprocity:declaration_detail", kwargs={"uuid": self.uuid})


class DeclarationLine(models.Model):
    """The share of a declaration for one mission, when the consultant splits it."""

    declaration = models.ForeignKey(
        YearlyDeclaration, on_delete=models.CASCADE, related_name="lines"
    )
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.PROTECT, related_name="declaration_lines"
    )
    amount_ht = models.DecimalField(_("amount (€ HT)"), **MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "mission"], name="declaration_line_once_per_mission"
            ),
            models.CheckConstraint(condition=Q(amount_ht__gt=0), name="declaration_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.mission}: {self.amount_ht}"


class Payment(models.Model):
    """Money received (or, when `refund_of` is set, given back).

    `gross` is what the payer paid; `fee` what the platform kept; `net` what reached
    the bank: `fee + net = gross`, checked by the database. Imported payments are
    idempotent on (`method`, `external_id`).
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=PaymentKind.choices)
    method = models.CharField(_("method"), max_length=12, choices=PaymentMethod.choices)
    external_id = models.CharField(_("payment id at the platform"), max_length=64, blank=True)
    payer_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    payer_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    payer_name = models.CharField(_("payer"), max_length=200)
    payer_email = models.EmailField(_("payer's e-mail"), blank=True)
    declaration = models.ForeignKey(
        YearlyDeclaration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    # A payment into a common's fund (the budget line a mission gave it).
    common = models.ForeignKey(
        Common, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gross = models.DecimalField(_("amount paid (€)"), **MONEY)  # type: ignore[arg-type]
    fee = models.DecimalField(_("platform fee (€)"), default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    net = models.DecimalField(_("net received (€)"), **MONEY)  # type: ignore[arg-type]
    paid_on = models.DateField(_("paid on"))
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="payment"
    )
    recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__gte=0, net__gte=0, gross=F("fee") + F("net")),
                name="payment_fee_plus_net_is_gross",
            ),
            models.CheckConstraint(condition=Q(gross__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=~Q(kind="commons") | Q(common__isnull=False),
                name="payment_commons_names_common",
            ),
            models.UniqueConstraint(
                fields=["method", "external_id"],
                condition=~Q(external_id=""),
                name="payment_external_id_once",
            ),
        ]
        indexes = [models.Index(fields=["payer_person", "paid_on"])]

    def __str__(self) -> str:
        return f"{self.payer_name}: {self.gross} € ({self.paid_on})"

    def get_absolute_url(self) -> str:
        return reverse("reciprocity:payment_detail", kwargs={"uuid": self.uuid})

    @property
    def is_refund(self) -> bool:
        return self.refund_of_id is not None


class ReceiptCounter(models.Model):
    """The last receipt number given in a year; locked while numbering so that
    receipts have no gaps and no duplicates."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Receipt(models.Model):
    """A numbered receipt for a payment (`2026-0007`), numbered without gaps per year."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    issued_at = models.DateTimeField(_("issued on"))
    # Copies at issue time: a receipt never changes after it is issued.
    payer_name = models.CharField(_("payer"), max_length=200)
    amount = models.DecimalField(_("amount (€)"), **MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="receipt_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.year}-{self.sequence:04d}"


class CommonPayout(models.Model):
    """Money the association paid out of a common's fund to its commoners."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    common = models.ForeignKey(Common, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(_("amount (€)"), **MONEY)  # type: ignore[arg-type]
    beneficiary = models.CharField(_("paid to"), max_length=200)
    paid_on = models.DateField(_("paid on"))
    note = models.TextField(_("note"), blank=True)
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="common_payout"
    )
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("payout to a common")
        verbose_name_plural = _("payouts to commons")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.common}: {self.amount} €"
