from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may read a journal entry."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members")
    PRIVATE = "private", _("Private")


class NotificationKind(models.TextChoices):
    """What a notification is about; each person chooses how often to hear of each."""

    NEW_REQUEST = "new_request", _("A new request reaches the circle")
    TEAM_INVITATION = "team_invitation", _("Invitations (to a team, to a request's panel)")
    SELECTION = "selection", _("Offers, selection and award")
    MISSION = "mission", _("Follow-up of missions")
    ADHESION = "adhesion", _("Adhesion and the charter")
    CHARTER_RESIGN = "charter_resign", _("Re-signing the charter")
    DISCUSSION = "discussion", _("Threads, comments and mentions")
    VOTE_OPENED = "vote_opened", _("A proposal opens")
    VOTE_CLOSING = "vote_closing", _("A vote closes soon")
    OUTCOME = "outcome", _("Outcomes of decisions")
    SUPPORT_LETTER = "support_letter", _("Support letters")
    EVENT = "event", _("Events")
    DECLARATION_DUE = "declaration_due", _("Contribution declarations due")
    PAYMENT_RECEIVED = "payment_received", _("Payments received")
    TENDER = "tender", _("Tenders watched")


class NotificationFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("In a daily digest")
    WEEKLY = "weekly", _("In a weekly digest")
    NEVER = "never", _("Never by e-mail")
