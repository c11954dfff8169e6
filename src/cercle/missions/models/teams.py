"""Positioning on a request, and the teams that bid for it."""

from __future__ import annotations

from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import MemberStatus, TeamRole
from cercle.missions.models.requests import SupportRequest
from cercle.network.models import Person


class Positioning(models.Model):
    """A consultant's expression of interest in a request; the circle sees it."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="positionings"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positionings")
    note = models.TextField(_("note to the circle"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("positioning")
        verbose_name_plural = _("positionings")
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="positioning_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.request}"


class Team(models.Model):
    """A team formed to bid on a request; the lead answers for it."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team name"), max_length=120)
    lead = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="teams_led")
    created_at = models.DateTimeField(auto_now_add=True)
    dissolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "name"], name="team_name_unique_per_request"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A person invited to, or in, a team, with their role.

    `request` repeats `team.request` so that the database itself keeps a consultant in at
    most one team per request (a partial unique constraint over accepted members).
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="team_memberships")
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.INVITED
    )
    invited_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="team_member_unique"),
            models.UniqueConstraint(
                fields=["request", "person"],
                condition=Q(status="accepted"),
                name="one_team_per_request",
            ),
            models.UniqueConstraint(
                fields=["team"], condition=Q(role="lead"), name="team_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"
