"""Leaks the status matrix cannot see: an anonymous vote's reason never next to the
voter's name, on the page and in the API, for every role that may read the proposal."""

from __future__ import annotations

import pytest

from tests.authz.cells import DECISION_ROLES, PROPOSAL_STATES
from tests.authz.operations import all_operations, call
from tests.authz.world import SECRETS, World

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("authz")]

PROPOSAL_READS = [
    op
    for op in all_operations()
    if op.method == "GET"
    and (
        op.name == "decisions:proposal_detail"
        or op.pattern.startswith("/api/v1/proposals/{proposal_id}")
    )
]


@pytest.mark.parametrize("op", PROPOSAL_READS, ids=lambda op: op.key)
def test_an_anonymous_vote_never_shows_who_voted_what(op: object, world: World) -> None:
    reason, name = SECRETS["anonymous_vote_reason"], SECRETS["voter_last_name"]
    for state in PROPOSAL_STATES:
        for role in DECISION_ROLES:
            body = call(op, world, role, state).content.decode()
            at = body.find(reason)
            while at != -1:
                around = body[max(0, at - 400) : at + 400]
                assert name not in around, f"{state}/{role} names the voter near the reason"
                at = body.find(reason, at + 1)
