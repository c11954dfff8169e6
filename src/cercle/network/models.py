"""People, organizations, territories, skills and consultants' profiles."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.network.enums import (
    LEVEL_RANK,
    ActorType,
    Availability,
    EngagementLevel,
    OrganizationRole,
    TerritoryKind,
)
from cercle.network.validators import validate_siret


class Territory(models.Model):
    """A French département or commune, by its official (INSEE) code."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=TerritoryKind.choices)
    department_code = models.CharField(_("département"), max_length=3, db_index=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Skill(models.Model):
    """An entry of the skills taxonomy that stewards maintain."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_major = models.BooleanField(_("major skill"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["-is_major", "name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone in the network, linked to their login."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    bio = models.TextField(_("presentation"), blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    engagement_level = models.CharField(
        _("engagement level"),
        max_length=16,
        choices=EngagementLevel.choices,
        blank=True,
        default="",
        help_text=_("Empty until the person's adhesion is validated."),
    )
    member_since = models.DateTimeField(_("member since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("network:person_detail", kwargs={"slug": self.slug})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def level_rank(self) -> int:
        return LEVEL_RANK.get(self.engagement_level, 0)


class Organization(models.Model):
    """A structure of the network: a third place, a local authority, a company…"""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    actor_type = models.CharField(_("actor type"), max_length=16, choices=ActorType.choices)
    siret = models.CharField(
        _("SIRET"), max_length=14, null=True, blank=True, unique=True, validators=[validate_siret]
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    member_since = models.DateTimeField(_("member since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    people: models.ManyToManyField[Person, OrganizationMembership] = models.ManyToManyField(
        Person, through="OrganizationMembership", related_name="organizations"
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siret__isnull=True) | Q(siret__regex=r"^[0-9]{14}$"),
                name="organization_siret_14_digits",
            )
        ]
        # The directory lists organizations by name (then id, for a stable page): without
        # this index PostgreSQL sorts every organization to show one page (bench, scale 1).
        indexes = [models.Index(fields=["name", "id"], name="network_org_name_id")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:organization_detail", kwargs={"slug": self.slug})


class OrganizationMembership(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=8, choices=OrganizationRole.choices, default=OrganizationRole.MEMBER
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization membership")
        verbose_name_plural = _("organization memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person"], name="one_membership_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organization} ({self.role})"


class ConsultantProfile(models.Model):
    """What a consultant offers: skills, rates, availability, territories, references."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="consultant_profile"
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), related_name="consultants")
    day_rate_min = models.DecimalField(
        _("minimum day rate (€ HT)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    day_rate_max = models.DecimalField(
        _("maximum day rate (€ HT)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    availability = models.CharField(
        _("availability"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    days_per_month = models.PositiveSmallIntegerField(
        _("days available per month"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(31)],
    )
    territories = models.ManyToManyField(
        Territory, verbose_name=_("territories served"), related_name="consultants", blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consultant profile")
        verbose_name_plural = _("consultant profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_rate_min__isnull=True)
                | Q(day_rate_max__isnull=True)
                | Q(day_rate_min__lte=models.F("day_rate_max")),
                name="day_rate_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}"

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if (
            self.day_rate_min is not None
            and self.day_rate_max is not None
            and self.day_rate_min > self.day_rate_max
        ):
            errors["day_rate_max"] = [
                _("The maximum day rate must be at least the minimum day rate.")
            ]
        if self.availability == Availability.UNAVAILABLE and self.days_per_month:
            errors["days_per_month"] = [_("Someone not available has no days available per month.")]
        if errors:
            raise ValidationError(errors)


class ConsultantReference(models.Model):
    """A past mission a consultant cites; only public ones appear in the directory."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    profile = models.ForeignKey(
        ConsultantProfile, on_delete=models.CASCADE, related_name="references"
    )
    client = models.CharField(_("client"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1980), MaxValueValidator(2100)]
    )
    summary = models.TextField(_("summary"))
    is_public = models.BooleanField(_("public"), default=False)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["-year", "client"]

    def __str__(self) -> str:
        return f"{self.client} ({self.year})"
