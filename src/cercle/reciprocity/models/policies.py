"""Contribution policies: the stewards' settings, the guide, each mission's policy and
the turnover its lead declares."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cercle.network.models import Person
from cercle.reciprocity.enums import ContributionStatus, PolicyKind

MONEY: dict[str, Any] = {
    "max_digits": 12,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0"))],
}
PERCENT: dict[str, Any] = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}


class ContributionSettings(models.Model):
    """The stewards' settings (one row). Missions copy the rate at award, so a later
    change never rewrites what a past mission owes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    flat_rate_percent = models.DecimalField(
        _("flat rate (% of turnover HT)"), default=Decimal("5"), **PERCENT
    )
    structure_fee_percent = models.DecimalField(
        _("structure fee (% kept by the association)"), default=Decimal("20"), **PERCENT
    )
    introduction_fee_percent = models.DecimalField(
        _("introduction fee (% of turnover HT)"), default=Decimal("5"), **PERCENT
    )
    default_policy_local = models.CharField(
        _("default policy for local requests"),
        max_length=20,
        choices=PolicyKind.choices,
        default=PolicyKind.INTRODUCTION_FEE,
    )
    default_policy_structuring = models.CharField(
        _("default policy for structuring requests"),
        max_length=20,
        choices=PolicyKind.choices,
        default=PolicyKind.STRUCTURE_FEE,
    )
    in_kind_hour_value = models.DecimalField(
        _("value of an hour given in kind (€), if the stewards set one"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    # Day of the year (month, day) when the yearly declarations are called.
    declaration_call_month = models.PositiveSmallIntegerField(
        _("month of the yearly call"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    payment_due_days = models.PositiveSmallIntegerField(
        _("days to pay an invoiced declaration"), default=30
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contribution settings")
        verbose_name_plural = _("contribution settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="contribution_settings_single")
        ]

    def __str__(self) -> str:
        return str(_("Contribution settings"))


class GuideSituation(models.Model):
    """An emblematic situation of the self-assessment guide, with a suggested range."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    title = models.CharField(_("situation"), max_length=200)
    description = models.TextField(_("description"))
    suggested_min_percent = models.DecimalField(_("suggested from (% of turnover)"), **PERCENT)
    suggested_max_percent = models.DecimalField(_("suggested up to (% of turnover)"), **PERCENT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("guide situation")
        verbose_name_plural = _("guide situations")
        constraints = [
            models.CheckConstraint(
                condition=Q(suggested_min_percent__lte=models.F("suggested_max_percent")),
                name="guide_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class MissionContribution(models.Model):
    """The policy a mission records at award, with the rate copied from the settings.

    The expected contribution is computed (`cercle.reciprocity.computation`) from the
    policy and the turnover the lead declared; it is never stored.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    mission = models.OneToOneField(
        "missions.Mission", on_delete=models.PROTECT, related_name="contribution"
    )
    policy = models.CharField(_("policy"), max_length=20, choices=PolicyKind.choices)
    rate_percent = models.DecimalField(
        _("rate (%)"),
        null=True,
        blank=True,
        **PERCENT,  # type: ignore[arg-type]
    )
    self_assessed_amount_ht = models.DecimalField(
        _("self-assessed amount (€ HT)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    guide_situation = models.ForeignKey(
        GuideSituation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closest situation in the guide"),
    )
    negotiated_amount_ht = models.DecimalField(
        _("negotiated amount (€ HT)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    steward_agreed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    steward_agreed_at = models.DateTimeField(null=True, blank=True)
    consultant_agreed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("agreement"),
        max_length=10,
        choices=ContributionStatus.choices,
        default=ContributionStatus.AGREED,
    )
    recorded_at = models.DateTimeField(_("recorded on"))

    class Meta:
        verbose_name = _("mission contribution")
        verbose_name_plural = _("mission contributions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(policy__in=["flat_rate", "structure_fee", "introduction_fee"])
                | Q(rate_percent__isnull=False),
                name="contribution_rate_policy_has_rate",
            ),
            models.CheckConstraint(
                condition=~Q(policy="negotiated", status="agreed")
                | Q(
                    negotiated_amount_ht__isnull=False,
                    steward_agreed_at__isnull=False,
                    consultant_agreed_at__isnull=False,
                ),
                name="contribution_negotiated_agreed_by_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission} — {self.get_policy_display()}"


class TurnoverDeclaration(models.Model):
    """The turnover (€ HT) actually invoiced on a mission, declared by its lead.

    A correction is a new row that `replaces` the previous one: the history stays.
    The current declaration is the one nothing replaces.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.PROTECT, related_name="turnover_declarations"
    )
    amount_ht = models.DecimalField(_("turnover invoiced (€ HT)"), **MONEY)  # type: ignore[arg-type]
    note = models.TextField(_("note"), blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    declared_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("declared on"))

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("turnover declaration")
        verbose_name_plural = _("turnover declarations")
        constraints = [
            models.CheckConstraint(condition=Q(amount_ht__gte=0), name="turnover_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.mission}: {self.amount_ht} € HT"
