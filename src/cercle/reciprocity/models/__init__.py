"""Reciprocity's data, one module per topic (see docs/decisions/0005)."""

from cercle.reciprocity.models.in_kind import AnimationTime, InKindContribution
from cercle.reciprocity.models.ledger import Account, LedgerLine, LedgerTransaction
from cercle.reciprocity.models.payments import (
    CommonPayout,
    DeclarationLine,
    Payment,
    Receipt,
    ReceiptCounter,
    YearlyDeclaration,
)
from cercle.reciprocity.models.policies import (
    ContributionSettings,
    GuideSituation,
    MissionContribution,
    TurnoverDeclaration,
)

__all__ = [
    "Account",
    "AnimationTime",
    "CommonPayout",
    "ContributionSettings",
    "DeclarationLine",
    "GuideSituation",
    "InKindContribution",
    "LedgerLine",
    "LedgerTransaction",
    "MissionContribution",
    "Payment",
    "Receipt",
    "ReceiptCounter",
    "TurnoverDeclaration",
    "YearlyDeclaration",
]
