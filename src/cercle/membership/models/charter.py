"""The cooperation charter, signatures, the circle, engagement follow-up, regulation."""

from __future__ import annotations

from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.membership.enums import (
    CircleEndReason,
    EngagementCheckStatus,
    RegulationDecision,
    RegulationStatus,
)
from cercle.network.models import Person

# ---------------------------------------------------------------- charter and circle


class CharterVersion(models.Model):
    """A published text of the cooperation charter; the newest one is current."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    preamble = models.TextField(_("preamble"), blank=True)
    closing = models.TextField(_("consent text"))
    published_at = models.DateTimeField(_("published on"))
    published_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class CharterEngagement(models.Model):
    """One of the charter's engagements (five in the network's charter)."""

    version = models.ForeignKey(
        CharterVersion, on_delete=models.CASCADE, related_name="engagements"
    )
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("charter engagement")
        verbose_name_plural = _("charter engagements")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="engagement_code_per_version")
        ]

    def __str__(self) -> str:
        return self.title


class CharterSignature(models.Model):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="charter_signatures")
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="signatures")
    signed_at = models.DateTimeField(_("signed on"))
    consents_to_listing = models.BooleanField(_("consents to being listed publicly"))
    mandates_follow_up = models.BooleanField(_("mandates stewards to follow the engagements"))

    class Meta:
        verbose_name = _("charter signature")
        verbose_name_plural = _("charter signatures")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="one_signature_per_version"),
            models.CheckConstraint(
                condition=Q(consents_to_listing=True) & Q(mandates_follow_up=True),
                name="signature_requires_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · v{self.version.number}"


class CircleMembership(models.Model):
    """A period in the consultants' circle; leaving or exclusion ends it, history stays."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="circle_memberships")
    joined_at = models.DateTimeField(_("joined on"))
    ended_at = models.DateTimeField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=10, choices=CircleEndReason.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("circle membership")
        verbose_name_plural = _("circle memberships")
        ordering = ["-joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_at__isnull=True),
                name="one_open_circle_membership",
            ),
            models.CheckConstraint(
                condition=(Q(ended_at__isnull=True) & Q(end_reason=""))
                | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="circle_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.joined_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class EngagementCheck(models.Model):
    """Whether a circle member honoured one charter engagement in a given year."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="engagement_checks")
    year = models.PositiveSmallIntegerField(_("year"))
    engagement_code = models.SlugField(_("engagement"), max_length=40)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EngagementCheckStatus.choices,
        default=EngagementCheckStatus.PENDING,
    )
    evidence_url = models.URLField(_("evidence (link)"), blank=True)
    evidence_note = models.TextField(_("evidence (note)"), blank=True)
    # A later module (missions, events) can point at the record that proves it.
    evidence_object_type = models.CharField(max_length=80, blank=True, default="")
    evidence_object_id = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    checked_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("engagement check")
        verbose_name_plural = _("engagement checks")
        ordering = ["person", "year", "engagement_code"]
        indexes = [models.Index(fields=["year", "status"], name="engagement_check_year_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "engagement_code"], name="one_check_per_engagement_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.year} · {self.engagement_code}"


class RegulationCase(models.Model):
    """The recorded process when a circle member seems not to honour the charter."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="regulation_cases")
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    concern = models.TextField(_("concern"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegulationStatus.choices,
        default=RegulationStatus.RAISED,
    )
    hearing_notes = models.TextField(_("what the member said"), blank=True)
    heard_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=RegulationDecision.choices, blank=True, default=""
    )
    decision_reason = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("regulation case")
        verbose_name_plural = _("regulation cases")
        ordering = ["-created_at"]
        constraints = [
            # A decided case always says what was decided and why.
            models.CheckConstraint(
                condition=~Q(status="decided") | (~Q(decision="") & ~Q(decision_reason="")),
                name="regulation_decision_has_reasons",
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("raised_by")),
                name="regulation_not_about_oneself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("membership:regulation_detail", kwargs={"case_id": self.uuid})
