"""Which cells the matrix tests: (operation, state, role) triples, and the leak rules."""

from __future__ import annotations

import re

from tests.authz.operations import Operation, all_operations

# Every operation is called by these roles, on the world's default objects.
CORE_ROLES = ("anonymous", "outsider", "sympathisant", "consultant", "excluded", "steward")

# The circle's reads whose answer changes with the request's state, called in every state
# by the roles a selection involves.
REQUEST_STATES = (
    "draft",
    "new",
    "open",
    "after",
    "evaluation",
    "revealed",
    "awarded",
    "cancelled",
)
SELECTION_ROLES = (
    "anonymous",
    "sympathisant",
    "contributeur",
    "consultant",
    "excluded",
    "steward",
    "evaluator",
    "conflicted_evaluator",
    "team_lead",
    "team_member",
    "other_bidder",
)
STATEFUL_READS = {
    "missions:request_detail GET",
    "missions:team_list GET",
    "missions:team_detail GET",
    "missions:offer_detail GET",
    "missions:evaluation GET",
    "missions:selection_results GET",
    "GET /api/v1/requests/{uuid}",
    "GET /api/v1/requests/{uuid}/offers",
    "GET /api/v1/offers/{uuid}",
    "GET /api/v1/offers/{uuid}/anonymised",
    "GET /api/v1/requests/{uuid}/evaluation",
    "GET /api/v1/requests/{uuid}/results",
    "GET /api/v1/requests/{uuid}/evaluators",
    "GET /api/v1/requests/{request_id}/teams",
}
# The client's signed link: valid, expired, or made for another request.
CLIENT_STATES = ("client", "client_expired", "client_other")
CLIENT_OPS = {
    "missions:client_choice GET",
    "missions:client_choice POST",
    "GET /api/v1/client/requests/{uuid}/offers",
    "POST /api/v1/client/requests/{uuid}/choose",
}
CLIENT_ROLES = ("anonymous", "client", "steward")
# Decisions: proposals open and closed, threads and groups by visibility.
DECISION_ROLES = (
    "anonymous",
    "outsider",
    "sympathisant",
    "contributeur",
    "consultant",
    "steward",
    "conflicted_member",
    "reviewer",
)
PROPOSAL_STATES = ("open", "closed")
GROUP_STATES = ("public", "members", "private")


def _default_state(op: Operation) -> str:
    if re.search(r"propositions/|proposals/", op.pattern):
        return "open"
    if re.search(r"groupes/<|fils/|groups/\{|threads/\{", op.pattern):
        return "members"
    if op.key in CLIENT_OPS:
        return "client"
    return "open"


def cells_of(op: Operation) -> list[tuple[str, str]]:
    """(state, role) pairs tested for one operation."""
    default = _default_state(op)
    pairs = {(default, role) for role in CORE_ROLES}
    if op.key in STATEFUL_READS:
        pairs |= {(s, r) for s in REQUEST_STATES for r in SELECTION_ROLES}
    if op.key in CLIENT_OPS:
        pairs |= {(s, r) for s in CLIENT_STATES for r in CLIENT_ROLES}
    if op.method == "GET" and re.search(r"propositions/<|proposals/\{", op.pattern):
        pairs |= {(s, r) for s in PROPOSAL_STATES for r in DECISION_ROLES}
    if op.method == "GET" and re.search(r"groupes/<|fils/<|groups/\{|threads/\{", op.pattern):
        pairs |= {(s, r) for s in GROUP_STATES for r in DECISION_ROLES}
    return sorted(pairs)


def operation_keys() -> list[str]:
    return [op.key for op in all_operations()]


BEFORE_AWARD = ("open", "after", "evaluation", "revealed")
NOT_IN_TEAM = ("anonymous", "outsider", "sympathisant", "contributeur", "consultant", "excluded")

# (secret key, states where it must not show, roles that must not read it, ops regex)
LEAK_RULES: list[tuple[str, tuple[str, ...], tuple[str, ...], str]] = [
    # Offers' contents: only the team and the stewards before the award.
    ("method", BEFORE_AWARD, (*NOT_IN_TEAM, "other_bidder"), r""),
    ("price", BEFORE_AWARD, (*NOT_IN_TEAM, "other_bidder"), r""),
    # Evaluators read anonymised offers: no team, no member names before the reveal.
    ("team_name", ("evaluation",), ("evaluator", "conflicted_evaluator"), r""),
    ("lead_last_name", ("evaluation",), ("evaluator", "conflicted_evaluator"), r""),
    ("member_last_name", ("evaluation",), ("evaluator", "conflicted_evaluator"), r""),
    # Evaluators' names: not to the bidders nor the public before the award.
    (
        "evaluator_last_name",
        ("evaluation", "revealed"),
        ("anonymous", "outsider", "team_lead", "team_member", "other_bidder"),
        r"",
    ),
    # The conflicted evaluator's refused access is a private journal entry.
    (
        "conflicted_evaluator_last_name",
        ("open",),
        ("anonymous", "outsider", "sympathisant", "consultant", "excluded"),
        r"journal",
    ),
    # Not consenting to the listing: never in the directory.
    ("unlisted_last_name", ("open",), CORE_ROLES, r"annuaire|directory"),
    # A group-only thread: not to people outside the group.
    (
        "group_thread",
        ("open", "members", "public", "private"),
        ("anonymous", "outsider", "sympathisant", "consultant", "excluded"),
        r"",
    ),
    # Anonymous votes: the list of votes never names the voter (the page may name them as
    # a group member; test_leaks checks that no name sits next to a vote's reason).
    ("voter_last_name", PROPOSAL_STATES, DECISION_ROLES, r"proposals/\{proposal_id\}/votes"),
]
