"""Offers, the commons they budget for, and their anonymised presentation's inputs."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cercle.commons.models import Common
from cercle.missions.enums import OfferStatus
from cercle.missions.models.requests import MONEY, SupportRequest
from cercle.missions.models.teams import Team


def offer_file_path(instance: Offer, filename: str) -> str:
    return f"offers/{instance.uuid}/{uuid4().hex}/{filename}"


class Offer(models.Model):
    """A team's offer on a request. A team has at most one submitted offer."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="offers")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(
        _("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.SUBMITTED
    )
    # The letter evaluators know it by ("Offre C"); drawn at random at submission.
    label = models.CharField(_("anonymous label"), max_length=4)
    price_ht = models.DecimalField(_("price (€ HT)"), **MONEY)  # type: ignore[arg-type]
    days = models.DecimalField(
        _("days"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    method = models.TextField(_("method"))
    references = models.TextField(_("references"), blank=True)
    method_file = models.FileField(
        _("method file"), upload_to=offer_file_path, blank=True, max_length=300
    )
    anonymised_method_file = models.FileField(
        _("anonymised method file"), upload_to=offer_file_path, blank=True, max_length=300
    )
    # Team members' names found in the anonymised file when it was uploaded.
    name_warnings = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted on"))
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["team"], condition=Q(status="submitted"), name="one_live_offer_per_team"
            ),
            models.UniqueConstraint(
                fields=["request", "label"], name="offer_label_unique_per_request"
            ),
            models.CheckConstraint(condition=Q(price_ht__gte=0), name="offer_price_not_negative"),
        ]

    def __str__(self) -> str:
        # Only the anonymous label: the journal copies this text, and members may read it.
        return str(_("Offer %(label)s") % {"label": self.label})


class OfferCommonsLine(models.Model):
    """A common the team will use, and the budget line (€ HT) the offer gives it."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="commons_lines")
    common = models.ForeignKey(Common, on_delete=models.PROTECT, related_name="offer_lines")
    amount_ht = models.DecimalField(_("budget line (€ HT)"), **MONEY)  # type: ignore[arg-type]
    purpose = models.CharField(_("what it pays for"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("commons budget line")
        verbose_name_plural = _("commons budget lines")
        constraints = [
            models.UniqueConstraint(fields=["offer", "common"], name="offer_common_unique"),
            models.CheckConstraint(condition=Q(amount_ht__gte=0), name="commons_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.common}: {self.amount_ht} € HT"
