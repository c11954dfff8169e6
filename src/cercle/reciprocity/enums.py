"""States and kinds of reciprocity: contribution policies, ledger accounts, declarations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyKind(models.TextChoices):
    """How a mission's contribution to the association is set (DOMAIN.md, system 4)."""

    FLAT_RATE = "flat_rate", _("Flat rate (share of turnover)")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    NEGOTIATED = "negotiated", _("Negotiated with a steward")
    STRUCTURE_FEE = "structure_fee", _("Structure fee (option 1)")
    INTRODUCTION_FEE = "introduction_fee", _("Introduction fee (option 2)")


# Policies whose amount is a percentage of the invoiced turnover.
RATE_POLICIES = frozenset(
    {PolicyKind.FLAT_RATE, PolicyKind.STRUCTURE_FEE, PolicyKind.INTRODUCTION_FEE}
)


class AccountKind(models.TextChoices):
    """What an account of the ledger stands for. One account per (kind, person, common)."""

    INCOME_CONTRIBUTION = "income_contribution", _("Income: mission contributions")
    INCOME_DONATION = "income_donation", _("Income: donations")
    INCOME_MEMBERSHIP = "income_membership", _("Income: membership fees")
    RECEIVABLE = "receivable", _("Receivable from a member")
    COMMON_PLEDGED = "common_pledged", _("Commons: budgeted by missions, not yet paid in")
    COMMON_FUND = "common_fund", _("Commons: fund held for a common")
    BANK = "bank", _("Bank")
    CLEARING = "clearing", _("Payment platform clearing")
    FEES = "fees", _("Payment fees")


class JournalCode(models.TextChoices):
    """Accounting journals, as the FEC names them (JournalCode / JournalLib)."""

    SALES = "VT", _("Contributions called")
    BANK = "BQ", _("Bank and payment platform")
    MISC = "OD", _("Miscellaneous operations")


class ContributionStatus(models.TextChoices):
    """Whether a mission's negotiated amount is agreed; other policies are always agreed."""

    PENDING = "pending", _("Waiting for agreement")
    AGREED = "agreed", _("Agreed")


class InKindStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a steward")
    VALIDATED = "validated", _("Validated")
    REFUSED = "refused", _("Refused")


IN_KIND_TRANSITIONS: dict[str, set[str]] = {
    InKindStatus.PENDING: {InKindStatus.VALIDATED, InKindStatus.REFUSED},
    InKindStatus.VALIDATED: set(),
    InKindStatus.REFUSED: set(),
}


class DeclarationStatus(models.TextChoices):
    DECLARED = "declared", _("Declared")
    INVOICED = "invoiced", _("Invoiced")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


DECLARATION_TRANSITIONS: dict[str, set[str]] = {
    DeclarationStatus.DECLARED: {DeclarationStatus.INVOICED, DeclarationStatus.CANCELLED},
    DeclarationStatus.INVOICED: {
        DeclarationStatus.PARTIALLY_PAID,
        DeclarationStatus.PAID,
        DeclarationStatus.CANCELLED,
    },
    # A refund may take a paid declaration back to partially paid or invoiced.
    DeclarationStatus.PARTIALLY_PAID: {
        DeclarationStatus.PAID,
        DeclarationStatus.INVOICED,
    },
    DeclarationStatus.PAID: {DeclarationStatus.PARTIALLY_PAID, DeclarationStatus.INVOICED},
    DeclarationStatus.CANCELLED: set(),
}


class PaymentKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution")
    DONATION = "donation", _("Donation")
    MEMBERSHIP_FEE = "membership_fee", _("Membership fee")
    COMMONS = "commons", _("Payment into a common's fund")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    HELLOASSO = "helloasso", _("HelloAsso")
