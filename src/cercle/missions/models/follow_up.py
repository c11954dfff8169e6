"""Missions after the award: follow-up, documentation, satisfaction and quality review."""

from __future__ import annotations

from uuid import uuid4

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.commons.models import Common
from cercle.missions.enums import MissionStatus, ReviewFinding, UpdateKind
from cercle.missions.models.offers import Offer
from cercle.missions.models.requests import MONEY, SupportRequest
from cercle.missions.models.teams import Team
from cercle.network.models import Person


class Mission(models.Model):
    """An awarded request, followed until it is documented and closed."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    request = models.OneToOneField(SupportRequest, on_delete=models.PROTECT, related_name="mission")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="mission")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="missions")
    lead = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="missions_led")
    amount_ht = models.DecimalField(_("amount (€ HT)"), **MONEY)  # type: ignore[arg-type]
    status = models.CharField(
        _("status"), max_length=12, choices=MissionStatus.choices, default=MissionStatus.AWARDED
    )
    awarded_at = models.DateTimeField(_("awarded on"))
    started_at = models.DateTimeField(_("started on"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered on"), null=True, blank=True)
    documented_at = models.DateTimeField(_("documented on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    last_update_at = models.DateTimeField(_("last update"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_at", "-id"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        indexes = [models.Index(fields=["status", "awarded_at"])]

    def __str__(self) -> str:
        return self.request.title

    def get_absolute_url(self) -> str:
        return reverse("missions:mission_detail", kwargs={"uuid": self.uuid})


class MissionUpdate(models.Model):
    """A start, progress or delivery note, visible to the circle (charter evidence)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=UpdateKind.choices)
    text = models.TextField(_("update"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("mission update")
        verbose_name_plural = _("mission updates")

    def __str__(self) -> str:
        return f"{self.mission} · {self.get_kind_display()}"


class MissionDocumentation(models.Model):
    """The end-of-mission record against the four objectives of a tiers-lieu."""

    mission = models.OneToOneField(Mission, on_delete=models.CASCADE, related_name="documentation")
    social_link = models.TextField(_("social link"))
    community_primacy = models.TextField(_("primacy of the community"))
    pooling = models.TextField(_("pooling (mise en commun)"))
    territorial_impact = models.TextField(_("territorial impact"))
    resources_produced = models.TextField(_("resources produced and shared"))
    resources_links = models.TextField(_("links to the shared resources"), blank=True)
    written_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mission documentation")
        verbose_name_plural = _("mission documentations")

    def __str__(self) -> str:
        return str(self.mission)


class MissionCommonsUse(models.Model):
    """A common a mission used, and what it gave back."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="commons_used")
    common = models.ForeignKey(Common, on_delete=models.PROTECT, related_name="mission_uses")
    how_used = models.TextField(_("how it was used"))
    given_back = models.TextField(_("what was given back"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("commons use")
        verbose_name_plural = _("commons uses")
        constraints = [
            models.UniqueConstraint(fields=["mission", "common"], name="mission_common_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.mission} · {self.common}"


class SatisfactionSurvey(models.Model):
    """The client's questionnaire, answered once through a signed link."""

    mission = models.OneToOneField(Mission, on_delete=models.CASCADE, related_name="survey")
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    overall = models.PositiveSmallIntegerField(
        _("overall satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    objectives_met = models.PositiveSmallIntegerField(
        _("objectives met (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    would_recommend = models.BooleanField(_("would recommend the network"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (Q(overall__isnull=False) & Q(objectives_met__isnull=False)),
                name="answered_survey_has_marks",
            ),
        ]

    def __str__(self) -> str:
        return str(self.mission)


class QualityReview(models.Model):
    """Stewards' yearly a-posteriori review of a mission; a concern may open regulation."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="quality_reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    finding = models.CharField(_("finding"), max_length=12, choices=ReviewFinding.choices)
    note = models.TextField(_("note"))
    reviewed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    regulation_case = models.ForeignKey(
        "membership.RegulationCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "-reviewed_at"]
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        constraints = [
            models.UniqueConstraint(fields=["mission", "year"], name="quality_review_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.mission} · {self.year}"
