from django.db import models
from django.utils.translation import gettext_lazy as _


class MenuSection(models.TextChoices):
    """The three parts of an adhesion contract."""

    NEED = "need", _("Needs")
    ENGAGEMENT = "engagement", _("Commitments")
    CONTRIBUTION = "contribution", _("Contributions")


class ContributionKind(models.TextChoices):
    """What a contribution item means for reciprocity (computed by a later module)."""

    TURNOVER_SHARE = "turnover_share", _("Share of turnover")
    FLAT_AMOUNT = "flat_amount", _("Yearly amount")
    MEMBERSHIP_FEE = "membership_fee", _("Membership fee")
    DONATION = "donation", _("Donation")
    IN_KIND_PROJECT = "in_kind_project", _("Taking on a project (in kind)")
    IN_KIND_EVENT = "in_kind_event", _("Running events (in kind)")
    IN_KIND_WELCOME = "in_kind_welcome", _("Welcoming project holders (in kind)")
    OTHER = "other", _("Other")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_DISCUSSION = "in_discussion", _("In discussion")
    VALIDATED = "validated", _("Validated")
    REFUSED = "refused", _("Refused")
    SUPERSEDED = "superseded", _("Replaced by an amendment")


CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    ContractStatus.DRAFT: {ContractStatus.SUBMITTED},
    ContractStatus.SUBMITTED: {
        ContractStatus.IN_DISCUSSION,
        ContractStatus.VALIDATED,
        ContractStatus.REFUSED,
    },
    ContractStatus.IN_DISCUSSION: {ContractStatus.VALIDATED, ContractStatus.REFUSED},
    ContractStatus.VALIDATED: {ContractStatus.SUPERSEDED},
    ContractStatus.REFUSED: set(),
    ContractStatus.SUPERSEDED: set(),
}


class CircleEndReason(models.TextChoices):
    LEFT = "left", _("Left the circle")
    EXCLUDED = "excluded", _("Excluded after regulation")


class EngagementCheckStatus(models.TextChoices):
    PENDING = "pending", _("Not yet shown")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")


# A steward may correct a review; nobody puts a reviewed check back to "pending".
ENGAGEMENT_CHECK_TRANSITIONS: dict[str, set[str]] = {
    EngagementCheckStatus.PENDING: {EngagementCheckStatus.DONE, EngagementCheckStatus.MISSED},
    EngagementCheckStatus.DONE: {EngagementCheckStatus.MISSED},
    EngagementCheckStatus.MISSED: {EngagementCheckStatus.DONE},
}


class RegulationStatus(models.TextChoices):
    RAISED = "raised", _("Concern raised")
    HEARING = "hearing", _("Member heard")
    DECIDED = "decided", _("Decided")


REGULATION_TRANSITIONS: dict[str, set[str]] = {
    RegulationStatus.RAISED: {RegulationStatus.HEARING},
    RegulationStatus.HEARING: {RegulationStatus.DECIDED},
    RegulationStatus.DECIDED: set(),
}


class RegulationDecision(models.TextChoices):
    KEEP = "keep", _("Keep in the circle")
    WARN = "warn", _("Warning")
    EXCLUDE = "exclude", _("Exclusion from the circle")
