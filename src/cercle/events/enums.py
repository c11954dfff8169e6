from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Yearly seminar on support quality")
    MEETUP = "meetup", _("Meet-up")
    WORKSHOP = "workshop", _("Workshop")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CANCELLED = "cancelled", _("Cancelled")
