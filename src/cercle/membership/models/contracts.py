"""Adhesion contracts and the menus they are filled from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.membership.enums import ContractStatus, ContributionKind, MenuSection
from cercle.network.enums import ActorType
from cercle.network.models import Organization, Person

# ---------------------------------------------------------------- adhesion contract

# A contract in one of these states is still being written or discussed.
OPEN_STATUSES: tuple[str, ...] = (
    ContractStatus.DRAFT.value,
    ContractStatus.SUBMITTED.value,
    ContractStatus.IN_DISCUSSION.value,
)


class MenuItem(models.Model):
    """One item stewards offer in a section of the contract, for one actor type."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    actor_type = models.CharField(_("actor type"), max_length=16, choices=ActorType.choices)
    section = models.CharField(_("section"), max_length=16, choices=MenuSection.choices)
    label = models.CharField(_("label"), max_length=300)
    help_text = models.TextField(_("explanation"), blank=True)
    is_free_text = models.BooleanField(
        _("“Other” item"),
        default=False,
        help_text=_("The applicant writes their own proposal for this item."),
    )
    contribution_kind = models.CharField(
        _("kind of contribution"),
        max_length=20,
        choices=ContributionKind.choices,
        blank=True,
        default="",
    )
    rate_percent = models.DecimalField(
        _("rate (% of turnover HT)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    amount_ht = models.DecimalField(
        _("suggested amount (€ HT)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        ordering = ["actor_type", "section", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section="contribution") | Q(contribution_kind=""),
                name="menu_item_kind_only_for_contributions",
            ),
            models.CheckConstraint(
                condition=Q(section="contribution")
                | (Q(rate_percent__isnull=True) & Q(amount_ht__isnull=True)),
                name="menu_item_figures_only_for_contributions",
            ),
            models.UniqueConstraint(
                fields=["actor_type", "section", "label"], name="menu_item_label_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.section == MenuSection.CONTRIBUTION:
            if not self.contribution_kind:
                errors["contribution_kind"] = [_("Say what kind of contribution this is.")]
        else:
            if self.contribution_kind:
                errors["contribution_kind"] = [_("Only contributions have a kind.")]
            if self.rate_percent is not None:
                errors["rate_percent"] = [_("Only contributions have a rate.")]
            if self.amount_ht is not None:
                errors["amount_ht"] = [_("Only contributions have an amount.")]
        if errors:
            raise ValidationError(errors)


class AdhesionContract(models.Model):
    """One version of the adhesion contract of a person or an organization.

    An amendment is a new version of the same `lineage`; the validated version that it
    replaces becomes `superseded` when the amendment is validated.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    lineage = models.UUIDField(default=uuid4, db_index=True, editable=False)
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    # A ForeignKey, not one-to-one: after a refused amendment, the member may amend again.
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    applicant_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="adhesion_contracts"
    )
    applicant_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adhesion_contracts",
    )
    actor_type = models.CharField(_("actor type"), max_length=16, choices=ActorType.choices)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    motivation = models.TextField(_("a word about you"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("adhesion contract")
        verbose_name_plural = _("adhesion contracts")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(applicant_person__isnull=False) & Q(applicant_organization__isnull=True)
                )
                | (Q(applicant_person__isnull=True) & Q(applicant_organization__isnull=False)),
                name="contract_one_applicant",
            ),
            models.UniqueConstraint(fields=["lineage", "version"], name="contract_version_unique"),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="contract_refusal_has_reason",
            ),
            # Backstops for the services' rule: one open version per applicant and lineage,
            # one validated version per lineage.
            models.UniqueConstraint(
                fields=["lineage"],
                condition=Q(status__in=OPEN_STATUSES),
                name="contract_one_open_per_lineage",
            ),
            models.UniqueConstraint(
                fields=["applicant_person"],
                condition=Q(status__in=OPEN_STATUSES),
                name="contract_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["applicant_organization"],
                condition=Q(status__in=OPEN_STATUSES),
                name="contract_one_open_per_organization",
            ),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=Q(status="validated"),
                name="contract_one_validated_per_lineage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name} — v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("membership:contract_detail", kwargs={"contract_id": self.uuid})

    @property
    def applicant_name(self) -> str:
        applicant = self.applicant_organization or self.applicant_person
        return str(applicant) if applicant else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ContractChoice(models.Model):
    """An item the applicant picked, or their own proposal ("Autre")."""

    contract = models.ForeignKey(AdhesionContract, on_delete=models.CASCADE, related_name="choices")
    item = models.ForeignKey(MenuItem, on_delete=models.PROTECT, related_name="choices")
    section = models.CharField(_("section"), max_length=16, choices=MenuSection.choices)
    # Copies of the item at the time of choosing, so later menu edits do not rewrite history.
    label = models.CharField(_("label"), max_length=300)
    contribution_kind = models.CharField(
        max_length=20, choices=ContributionKind.choices, blank=True, default=""
    )
    free_text = models.TextField(_("your proposal"), blank=True)
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount_ht = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("contract choice")
        verbose_name_plural = _("contract choices")
        ordering = ["section", "item__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "item"], name="choice_once_per_item")
        ]

    def __str__(self) -> str:
        return self.free_text or self.label


class ContractComment(models.Model):
    """The discussion between the applicant and stewards."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    contract = models.ForeignKey(
        AdhesionContract, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"
