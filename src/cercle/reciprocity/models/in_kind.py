"""Contributions in kind, and the association's own animation time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cercle.commons.models import Common
from cercle.membership.enums import ContributionKind
from cercle.network.models import Organization, Person
from cercle.reciprocity.enums import InKindStatus

HOURS: dict[str, Any] = {
    "max_digits": 7,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0.25"))],
}


class InKindContribution(models.Model):
    """Hours given in kind (taking a project on, running an event, welcoming project
    holders), from an item of the adhesion contract. Counted once a steward validates
    it; shown in hours beside euros, valued only at an explicit rate."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="in_kind")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="in_kind"
    )
    contract_choice = models.ForeignKey(
        "membership.ContractChoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="in_kind",
        verbose_name=_("item of the adhesion contract"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices)
    common = models.ForeignKey(
        Common,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="in_kind",
        verbose_name=_("common it was given to"),
    )
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hours = models.DecimalField(_("hours"), **HOURS)  # type: ignore[arg-type]
    description = models.TextField(_("what was done"))
    done_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=InKindStatus.choices, default=InKindStatus.PENDING
    )
    hour_value = models.DecimalField(
        _("value of an hour (€), set by a steward"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("contribution in kind")
        verbose_name_plural = _("contributions in kind")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["in_kind_project", "in_kind_event", "in_kind_welcome"]),
                name="in_kind_kind_is_in_kind",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="in_kind_hours_positive"),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="in_kind_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.hours} h"


class AnimationTime(models.Model):
    """Time the association's stewards spent animating a project (a mission, a request,
    an organization or a named project), to set against what comes back."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    steward = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    project = models.CharField(_("project"), max_length=200)
    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="animation_time",
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="animation_time",
    )
    hours = models.DecimalField(_("hours"), **HOURS)  # type: ignore[arg-type]
    done_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("animation time")
        verbose_name_plural = _("animation time")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="animation_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.hours} h"
