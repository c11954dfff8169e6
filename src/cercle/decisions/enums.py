"""Kinds and states of groups, threads, proposals, polls and support letters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupKind(models.TextChoices):
    ASSOCIATION = "association", _("The association")
    CIRCLE = "circle", _("The consultants' circle")
    WORKING_GROUP = "working_group", _("Working group")
    BOARD = "board", _("Board")


class MembershipRule(models.TextChoices):
    """Who belongs to a group: listed people, every member, or the circle."""

    LISTED = "listed", _("The people listed")
    ALL_MEMBERS = "all_members", _("Every member of the network")
    CIRCLE = "circle", _("The members of the circle")


class GroupVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members of the network")
    GROUP = "group", _("Members of the group")


class PollKind(models.TextChoices):
    """A proposal decided by consent, the consent/objection form, or a poll."""

    PROPOSAL = "proposal", _("Proposal (consent)")
    OBJECTION = "objection", _("Consent or objection")
    SINGLE_CHOICE = "single_choice", _("Poll: one choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Poll: several choices")
    SCORE = "score", _("Score")
    RANKED_CHOICE = "ranked_choice", _("Ranked choice")
    DOT_VOTE = "dot_vote", _("Dot vote")
    MEETING = "meeting", _("Meeting time")


# The fixed options of the two consent forms, in display order.
CONSENT_OPTIONS = {
    PollKind.PROPOSAL: ["agree", "abstain", "disagree", "block"],
    PollKind.OBJECTION: ["consent", "objection"],
}


class ConsentChoice(models.TextChoices):
    AGREE = "agree", _("Agree")
    ABSTAIN = "abstain", _("Abstain")
    DISAGREE = "disagree", _("Disagree")
    BLOCK = "block", _("Block")
    CONSENT = "consent", _("Consent")
    OBJECTION = "objection", _("Objection")


class ReasonRequired(models.TextChoices):
    NEVER = "never", _("Optional")
    ALWAYS = "always", _("Always")
    DISSENT = "dissent", _("For disagree and block (or objection)")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    ProposalStatus.OPEN: {ProposalStatus.CLOSED, ProposalStatus.CANCELLED},
    ProposalStatus.CLOSED: set(),
    ProposalStatus.CANCELLED: set(),
}


class LetterStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    IN_DECISION = "in_decision", _("Decided by the network")
    APPROVED = "approved", _("Letter issued")
    REFUSED = "refused", _("Not supported")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LETTER_TRANSITIONS: dict[str, set[str]] = {
    LetterStatus.SUBMITTED: {LetterStatus.IN_REVIEW, LetterStatus.WITHDRAWN},
    LetterStatus.IN_REVIEW: {LetterStatus.IN_DECISION, LetterStatus.WITHDRAWN},
    LetterStatus.IN_DECISION: {LetterStatus.APPROVED, LetterStatus.REFUSED},
    LetterStatus.APPROVED: set(),
    LetterStatus.REFUSED: set(),
    LetterStatus.WITHDRAWN: set(),
}


class CriterionAssessment(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
