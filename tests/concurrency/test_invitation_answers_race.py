"""An invitation answered twice at the same moment: accepted in one tab, declined in the
other. One answer holds; the other is refused (409, the invitation is no longer open),
never silently overwritten; one journal entry per invitation, matching its status."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.core.errors import InvalidTransition
from cercle.missions.enums import MemberStatus, TeamRole
from cercle.missions.models import TeamMember
from cercle.missions.services.teams import team_member_accept, team_member_decline
from tests.concurrency.race import (
    assert_books_and_journal_hold,
    journal_count,
    kinds,
    together,
    unexpected,
    workers,
)
from tests.factories.missions import QualifiedRequestFactory, TeamFactory, add_member, consultant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]


def test_accept_and_decline_of_one_invitation_at_once_keep_exactly_one_answer() -> None:
    pairs = workers() // 2
    request = QualifiedRequestFactory()
    teams = [TeamFactory(request=request) for _ in range(max(pairs // 5, 1))]
    invitations = [
        add_member(
            teams[i % len(teams)],
            consultant(),
            role=TeamRole.CO_CONTRACTOR,
            status=MemberStatus.INVITED,
        )
        for i in range(pairs)
    ]
    before = journal_count("team.member_accepted") + journal_count("team.member_declined")

    def answer(service: Any, member: TeamMember) -> Any:
        # Each attempt loads the invitation as its page did (SQLite retries).
        return lambda: service(
            actor=member.person.user, member=TeamMember.objects.get(pk=member.pk)
        )

    calls = []
    for member in invitations:
        calls += [answer(team_member_accept, member), answer(team_member_decline, member)]
    outcomes = together(calls)

    assert unexpected(outcomes, InvalidTransition) == []
    assert kinds(outcomes) == {"ok": pairs, "InvalidTransition": pairs}
    for index, member in enumerate(invitations):
        accept, decline = outcomes[2 * index], outcomes[2 * index + 1]
        assert accept.ok != decline.ok, member
        member.refresh_from_db()
        expected = MemberStatus.ACCEPTED if accept.ok else MemberStatus.DECLINED
        assert member.status == expected  # what the winner was told is what was kept
    after = journal_count("team.member_accepted") + journal_count("team.member_declined")
    assert after - before == pairs
    assert_books_and_journal_hold()
