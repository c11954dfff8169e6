from cercle.membership.models.charter import (
    CharterEngagement,
    CharterSignature,
    CharterVersion,
    CircleMembership,
    EngagementCheck,
    RegulationCase,
)
from cercle.membership.models.contracts import (
    AdhesionContract,
    ContractChoice,
    ContractComment,
    MenuItem,
)

__all__ = [
    "AdhesionContract",
    "CharterEngagement",
    "CharterSignature",
    "CharterVersion",
    "CircleMembership",
    "ContractChoice",
    "ContractComment",
    "EngagementCheck",
    "MenuItem",
    "RegulationCase",
]
