"""Selection: evaluators, their declared ties, their scores, and the award."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import SelectionMode, TieKind
from cercle.missions.models.offers import Offer
from cercle.missions.models.requests import Criterion, SupportRequest
from cercle.missions.models.teams import Team
from cercle.network.models import Person

# Evaluators mark each non-price criterion from 0 to 10; the price mark is computed.
MARK_MAX = Decimal("10")


class Evaluator(models.Model):
    """A neutral person a steward appointed to score a delegated request's offers."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="evaluators")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="evaluations")
    appointed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)
    # Set once the evaluator has declared their ties (or their absence) to every team.
    ties_declared_at = models.DateTimeField(null=True, blank=True)
    # A conflict (declared or detected) bars the evaluator from this request for good.
    conflicted_at = models.DateTimeField(null=True, blank=True)
    conflict_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appointed_at", "id"]
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="evaluator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.request}"


class TieDeclaration(models.Model):
    """What an evaluator declares about one bidding team before seeing anything."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="ties")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("tie"), max_length=20, choices=TieKind.choices)
    note = models.TextField(_("details"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("declared tie")
        verbose_name_plural = _("declared ties")
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "team"], name="tie_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} / {self.team}: {self.kind}"


class Score(models.Model):
    """One evaluator's mark (0–10) of one offer on one criterion."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="scores")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    mark = models.DecimalField(
        _("mark (0–10)"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MARK_MAX)],
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "offer", "criterion"], name="score_unique"
            ),
            models.CheckConstraint(
                condition=Q(mark__gte=0, mark__lte=10), name="score_mark_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mark}"


class Award(models.Model):
    """The decision: one award per request, one offer, stated reasons."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    request = models.OneToOneField(SupportRequest, on_delete=models.PROTECT, related_name="award")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="award")
    mode = models.CharField(_("selection mode"), max_length=16, choices=SelectionMode.choices)
    reasons = models.TextField(_("reasons"))
    # A steward records a delegated award; a client chooses through their signed link.
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by_client = models.CharField(_("chosen by (client)"), max_length=160, blank=True)
    awarded_at = models.DateTimeField(_("awarded on"))

    class Meta:
        ordering = ["-awarded_at", "-id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.request} → {self.offer}"
