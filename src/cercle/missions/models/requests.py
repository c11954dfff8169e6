"""Requests for support, their documents, criteria grid and rotation panel."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import (
    PriceRule,
    RequestScope,
    RequestSource,
    RequestStatus,
    SelectionMode,
)
from cercle.network.models import Organization, Person, Skill, Territory

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


def request_document_path(instance: RequestDocument, filename: str) -> str:
    return f"requests/{instance.request.uuid}/{uuid4().hex}/{filename}"


class SupportRequest(models.Model):
    """A client's request for support (a *demande d'accompagnement*)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # The client: an organization of the network when known, always a name and contact.
    client_organization = models.ForeignKey(
        Organization,
        verbose_name=_("client organization in the network"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    client_name = models.CharField(_("client organization"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=160)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    budget_min_ht = models.DecimalField(_("budget from (€ HT)"), **MONEY)  # type: ignore[arg-type]
    budget_max_ht = models.DecimalField(_("budget up to (€ HT)"), **MONEY)  # type: ignore[arg-type]
    offers_deadline = models.DateTimeField(_("deadline for offers"))
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    required_skills = models.ManyToManyField(
        Skill, verbose_name=_("required skills"), related_name="support_requests", blank=True
    )
    source = models.CharField(
        _("source"), max_length=16, choices=RequestSource.choices, default=RequestSource.DIRECT
    )
    tender = models.ForeignKey(
        "missions.Tender",
        verbose_name=_("tender"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.UNCONFIRMED
    )
    submitted_by = models.ForeignKey(
        Person,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the client filed it through the public form."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)

    # Qualification by a steward.
    scope = models.CharField(_("scope"), max_length=16, choices=RequestScope.choices, blank=True)
    subsidiarity_note = models.TextField(
        _("subsidiarity note"),
        blank=True,
        help_text=_("Why no member can answer alone, when the association carries the request."),
    )
    selection_mode = models.CharField(
        _("selection mode"), max_length=16, choices=SelectionMode.choices, blank=True
    )
    price_rule = models.CharField(
        _("price-scoring rule"),
        max_length=16,
        choices=PriceRule.choices,
        default=PriceRule.PROPORTIONAL,
    )
    qualified_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qualified_at = models.DateTimeField(_("qualified on"), null=True, blank=True)

    # Delegated selection: identities are revealed when every evaluator has submitted.
    revealed_at = models.DateTimeField(_("identities revealed on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["offers_deadline"]),
            # The list's order (newest first): read 25 rows instead of sorting them all.
            models.Index(fields=["-created_at", "-id"], name="missions_request_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min_ht__lte=models.F("budget_max_ht")),
                name="request_budget_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["unconfirmed", "new", "cancelled"])
                | (~Q(scope="") & ~Q(selection_mode="") & Q(qualified_at__isnull=False)),
                name="request_qualified_has_qualification",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("missions:request_detail", kwargs={"uuid": self.uuid})

    @property
    def is_visible_to_circle(self) -> bool:
        return self.status != RequestStatus.UNCONFIRMED

    def deadline_passed(self, now: object = None) -> bool:
        return (now or timezone.now()) >= self.offers_deadline  # type: ignore[operator]


class RequestDocument(models.Model):
    """A document attached to a request (specification, map, prior study…)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=request_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")

    def __str__(self) -> str:
        return self.original_name


class Criterion(models.Model):
    """One line of a request's criteria grid; the weights of a request sum to 100."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("criterion"), max_length=120)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # The price criterion is scored by the published rule, never by hand.
    is_price = models.BooleanField(_("price criterion"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="criterion_position_unique"
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(is_price=True),
                name="criterion_one_price_per_request",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_1_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class PanelInvitation(models.Model):
    """A circle member the rotation (tourniquet) asked to look at a request."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="panel_invitations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="panel_invitations")
    awarded_missions_12m = models.PositiveIntegerField(
        _("missions awarded in the last 12 months (at the time)")
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["awarded_missions_12m", "invited_at", "id"]
        verbose_name = _("rotation invitation")
        verbose_name_plural = _("rotation invitations")
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="panel_invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.request}"
