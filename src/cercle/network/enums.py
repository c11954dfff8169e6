from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorType(models.TextChoices):
    TIERS_LIEU = "tiers_lieu", _("Third place")
    COLLECTIVITE = "collectivite", _("Local authority")
    ASSOCIATION = "association", _("Association")
    ENTREPRISE = "entreprise", _("Company")
    CITOYEN = "citoyen", _("Citizen")
    PRESTATAIRE = "prestataire", _("Service provider")


class EngagementLevel(models.TextChoices):
    """How far a member is involved; each level may do what the one below may do."""

    SYMPATHISANT = "sympathisant", _("Supporter")
    CONTRIBUTEUR = "contributeur", _("Contributor")
    SOUCIEUX = "soucieux", _("Steward")


LEVEL_RANK: dict[str, int] = {
    EngagementLevel.SYMPATHISANT: 1,
    EngagementLevel.CONTRIBUTEUR: 2,
    EngagementLevel.SOUCIEUX: 3,
}


class OrganizationRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    LIMITED = "limited", _("Limited availability")
    UNAVAILABLE = "unavailable", _("Not available")


class TerritoryKind(models.TextChoices):
    DEPARTEMENT = "departement", _("Département")
    COMMUNE = "commune", _("Commune")
