from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may read a journal entry."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members")
    PRIVATE = "private", _("Private")
