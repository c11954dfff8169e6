"""Decisions' data, one module per topic (see docs/decisions/0005)."""

from cercle.decisions.models.groups import (
    Comment,
    Group,
    GroupMembership,
    Mention,
    Thread,
    ThreadRead,
)
from cercle.decisions.models.letters import (
    LetterAssessment,
    ReadingCriterion,
    SupportLetterRequest,
)
from cercle.decisions.models.proposals import (
    Outcome,
    PollOption,
    Proposal,
    StandAside,
    Vote,
    VoteChoice,
)

__all__ = [
    "Comment",
    "Group",
    "GroupMembership",
    "LetterAssessment",
    "Mention",
    "Outcome",
    "PollOption",
    "Proposal",
    "ReadingCriterion",
    "StandAside",
    "SupportLetterRequest",
    "Thread",
    "ThreadRead",
    "Vote",
    "VoteChoice",
]
