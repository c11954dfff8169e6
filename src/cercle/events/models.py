"""Events (the yearly seminar, meet-ups), registrations and attendance, and each
person's calendar feed."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.events.enums import EventKind, RegistrationStatus
from cercle.network.models import Person


class Event(models.Model):
    """A dated gathering. Attending a yearly seminar fulfils the charter's fifth
    engagement (a yearly exchange on support quality) for the seminar's year."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty when places are not limited."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("When left empty, registration closes when the event starts."),
    )
    is_public = models.BooleanField(_("shown to the public"), default=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""), name="event_has_a_place"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="event_starts_at")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = [_("The event must end after it starts.")]
        if not (self.place or "").strip() and not (self.online_url or "").strip():
            errors["place"] = [_("Give a place, an online link, or both.")]
        closes = self.registration_closes_at
        if closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = [_("Registration must close before the event ends.")]
        if errors:
            raise ValidationError(errors)

    @property
    def closes_at(self) -> datetime:
        """When registration closes: the time set, or the start of the event."""
        return self.registration_closes_at or self.starts_at


class Registration(models.Model):
    """A person's registration, and whether they attended (recorded by a steward)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    registered_at = models.DateTimeField()
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["registered_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="registration_once")
        ]
        indexes = [models.Index(fields=["person", "status"], name="registration_person_status")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.event}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a person's ICS feed; resetting it revokes the old one."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.person}"
