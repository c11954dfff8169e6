"""Proposals decided by consent and polls: options, votes (with their history),
stand-asides for conflicts of interest, and outcomes."""

from __future__ import annotations

from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cercle.decisions.enums import PollKind, ProposalStatus, ReasonRequired
from cercle.decisions.models.groups import Group, Thread
from cercle.network.models import Person


class Proposal(models.Model):
    """A proposal or a poll, in a group and usually in a thread.

    It closes by itself at `closes_at`: a task closes it on time, and every vote is
    refused after that instant even if the task has not run yet.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="proposals")
    thread = models.ForeignKey(
        Thread, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PollKind.choices)
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened on"))
    closes_at = models.DateTimeField(_("closes on"))
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous votes"), default=False)
    hide_results_until_closed = models.BooleanField(_("results hidden until closed"), default=False)
    reason_required = models.CharField(
        _("reason required"),
        max_length=8,
        choices=ReasonRequired.choices,
        default=ReasonRequired.DISSENT,
    )
    voters_limited = models.BooleanField(_("only the people listed may vote"), default=False)
    voters = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("people who may vote")
    )
    # Multiple choice: how many options at least / at most; score: the top score;
    # dot vote: how many dots each voter spreads.
    min_choices = models.PositiveSmallIntegerField(_("at least"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("highest score"), null=True, blank=True)
    dots_per_voter = models.PositiveSmallIntegerField(_("dots per voter"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    loomio_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opened_at")),
                name="proposal_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="proposal_closed_has_time",
            ),
            models.UniqueConstraint(
                fields=["loomio_key"], condition=~Q(loomio_key=""), name="proposal_loomio_key_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:proposal_detail", kwargs={"uuid": self.uuid})

    @property
    def is_consent(self) -> bool:
        return self.kind in (PollKind.PROPOSAL, PollKind.OBJECTION)


class PollOption(models.Model):
    """A choice. Consent forms have fixed `key`s (agree… block; consent, objection);
    a meeting-time poll's options carry the time they propose."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=40, blank=True, default="")
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    starts_at = models.DateTimeField(_("time proposed"), null=True, blank=True)
    loomio_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "key"], condition=~Q(key=""), name="poll_option_key_once"
            ),
            models.UniqueConstraint(
                fields=["loomio_key"],
                condition=~Q(loomio_key=""),
                name="poll_option_loomio_key_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Vote(models.Model):
    """A person's vote (Loomio's stance). Changing one's vote adds a new row and marks
    the previous one not `is_latest`: the history is kept, the latest counts."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes")
    reason = models.TextField(_("reason"), blank=True)
    # A block must come with an alternative proposal (the network's own rule).
    alternative = models.TextField(_("alternative proposal"), blank=True)
    cast_at = models.DateTimeField(_("voted on"))
    is_latest = models.BooleanField(default=True)
    loomio_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-cast_at", "-id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "voter"],
                condition=Q(is_latest=True),
                name="vote_one_latest_per_voter",
            ),
            models.UniqueConstraint(
                fields=["loomio_key"], condition=~Q(loomio_key=""), name="vote_loomio_key_once"
            ),
        ]
        indexes = [models.Index(fields=["proposal", "is_latest"])]

    def __str__(self) -> str:
        return f"{self.voter} on {self.proposal}"


class VoteChoice(models.Model):
    """An option a vote picks, with its weight: 1 for a choice, the score, the rank
    (1 = first) or the number of dots."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")
    value = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "option"], name="vote_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.option}: {self.value}"


class StandAside(models.Model):
    """A member with a conflict of interest on a proposal: their vote is not counted
    and their name is listed. Declared by themselves, or recorded by a steward."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="stand_asides")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="stand_asides")
    reason = models.TextField(_("conflict of interest"))
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at"]
        verbose_name = _("stand-aside")
        verbose_name_plural = _("stand-asides")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="stand_aside_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} stands aside on {self.proposal}"


class Outcome(models.Model):
    """The statement that closes a decision, written by its author or a steward.
    A later outcome replaces an earlier one on screen; all stay in the journal."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="outcomes")
    statement = models.TextField(_("outcome"))
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    loomio_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["loomio_key"], condition=~Q(loomio_key=""), name="outcome_loomio_key_once"
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:60]
