"""Tender watch: public tenders members talk about before answering together."""

from __future__ import annotations

from uuid import uuid4

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import TenderInterestKind
from cercle.network.models import Person

cpv_validator = RegexValidator(
    r"^\d{8}(-\d)?$",
    _("A CPV code is eight digits, optionally followed by a dash and a check digit."),
)


class Tender(models.Model):
    """A public tender a member spotted (marché public, appel d'offres)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    buyer = models.CharField(_("buyer"), max_length=200)
    link = models.URLField(_("link"), max_length=500)
    deadline = models.DateTimeField(_("deadline"))
    lots = models.TextField(_("lots"), blank=True)
    cpv_code = models.CharField(_("CPV code"), max_length=10, validators=[cpv_validator])
    description = models.TextField(_("description"), blank=True)
    posted_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tenders_posted")
    posted_at = models.DateTimeField(auto_now_add=True)
    result = models.TextField(_("result"), blank=True)
    result_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("missions:tender_detail", kwargs={"uuid": self.uuid})


class TenderInterest(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="interests")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tender_interests")
    kind = models.CharField(_("interest"), max_length=12, choices=TenderInterestKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tender interest")
        verbose_name_plural = _("tender interests")
        constraints = [
            models.UniqueConstraint(fields=["tender", "person"], name="tender_interest_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.tender}"


class TenderComment(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tender comment")
        verbose_name_plural = _("tender comments")

    def __str__(self) -> str:
        return f"{self.author} · {self.tender}"
