"""The commons registry: shared resources the network's missions use and fund."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.network.models import Person


class Common(models.Model):
    """A shared resource (a wiki of recipes, free software for places, a forum…)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("link"), blank=True)
    purpose = models.TextField(_("what it is for"))
    stewards = models.ManyToManyField(
        Person,
        verbose_name=_("stewards of the common"),
        related_name="commons_stewarded",
        blank=True,
    )
    expected_in_kind = models.TextField(_("reciprocity expected in kind"), blank=True)
    expected_in_euros = models.TextField(_("reciprocity expected in euros"), blank=True)
    suggested_share_percent = models.DecimalField(
        _("suggested share of a mission's budget (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("common")
        verbose_name_plural = _("commons")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suggested_share_percent__isnull=True)
                | models.Q(suggested_share_percent__gte=0, suggested_share_percent__lte=100),
                name="common_share_is_a_percentage",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("commons:detail", kwargs={"slug": self.slug})
