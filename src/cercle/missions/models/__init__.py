"""The circle's data, one module per topic (see docs/decisions/0005)."""

from cercle.missions.models.follow_up import (
    Mission,
    MissionCommonsUse,
    MissionDocumentation,
    MissionUpdate,
    QualityReview,
    SatisfactionSurvey,
)
from cercle.missions.models.offers import Offer, OfferCommonsLine
from cercle.missions.models.requests import (
    Criterion,
    PanelInvitation,
    RequestDocument,
    SupportRequest,
)
from cercle.missions.models.selection import Award, Evaluator, Score, TieDeclaration
from cercle.missions.models.teams import Positioning, Team, TeamMember
from cercle.missions.models.tenders import Tender, TenderComment, TenderInterest

__all__ = [
    "Award",
    "Criterion",
    "Evaluator",
    "Mission",
    "MissionCommonsUse",
    "MissionDocumentation",
    "MissionUpdate",
    "Offer",
    "OfferCommonsLine",
    "PanelInvitation",
    "Positioning",
    "QualityReview",
    "RequestDocument",
    "SatisfactionSurvey",
    "Score",
    "SupportRequest",
    "Team",
    "TeamMember",
    "Tender",
    "TenderComment",
    "TenderInterest",
    "TieDeclaration",
]
