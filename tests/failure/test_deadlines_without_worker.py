"""Deadlines hold when the tasks worker is down.

No task runs here: a proposal past its closing time is still `open`, a request past its
deadline still `qualified`, as after a stopped worker. The clock moves past the
deadline (`django.utils.timezone.now` patched) and the service itself refuses: through
the service, the API and nothing changes (no row, no journal entry)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from cercle.core.errors import Conflict
from cercle.core.models import JournalEntry
from cercle.decisions.enums import ProposalStatus
from cercle.decisions.models import Proposal, Vote
from cercle.decisions.services.proposals_votes import vote_cast
from cercle.missions.enums import RequestStatus, TeamRole
from cercle.missions.models import Offer, Score, SupportRequest, TeamMember
from cercle.missions.services import selection as selection_services
from cercle.missions.services.offers import offer_submit
from cercle.missions.services.teams import team_member_invite
from tests.factories.decisions_proposals import ProposalFactory
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory
from tests.factories.missions import QualifiedRequestFactory, TeamFactory, consultant
from tests.factories.network import SupporterFactory
from tests.integration.core.conftest import bearer, token_secret
from tests.unit.missions.test_selection_builders import all_marks, no_ties, selection

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def travel(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.datetime], None]:
    """Move the clock to an instant (every `timezone.now()` in services reads it)."""
    real = timezone.now

    def to(instant: datetime.datetime) -> None:
        offset = instant - real()
        monkeypatch.setattr(timezone, "now", lambda: real() + offset)

    return to


def journal_size() -> int:
    return JournalEntry.objects.count()


def test_a_vote_after_closing_time_is_refused_though_no_task_closed_the_proposal(
    travel: Callable[[datetime.datetime], None],
) -> None:
    group = GroupFactory()
    voter = SupporterFactory()
    GroupMembershipFactory(group=group, person=voter)
    proposal = ProposalFactory(group=group)
    secret = token_secret(voter)
    travel(proposal.closes_at + datetime.timedelta(seconds=1))
    before = journal_size()
    with pytest.raises(Conflict):
        vote_cast(actor=voter.user, proposal=proposal, choices="agree")
    answer = Client().post(
        f"{API}/proposals/{proposal.uuid}/votes",
        json.dumps({"choices": ["agree"]}),
        content_type="application/json",
        **bearer(secret),
    )
    assert answer.status_code == 409, answer.content
    assert answer.json()["detail"]
    assert not Vote.objects.exists()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN  # no worker
    assert journal_size() == before


def test_an_offer_and_a_team_change_after_the_deadline_are_refused(
    travel: Callable[[datetime.datetime], None],
) -> None:
    request = QualifiedRequestFactory(offers_deadline=timezone.now() + datetime.timedelta(hours=1))
    team = TeamFactory(request=request)
    invitee = consultant()
    secret = token_secret(team.lead)
    travel(request.offers_deadline)
    before = journal_size()
    with pytest.raises(Conflict):
        offer_submit(actor=team.lead.user, team=team, price_ht="9000", days="10", method="M.")
    with pytest.raises(Conflict):
        team_member_invite(
            actor=team.lead.user, team=team, person=invitee, role=TeamRole.CO_CONTRACTOR
        )
    client = Client()
    offer = client.post(
        f"{API}/teams/{team.uuid}/offers",
        json.dumps({"price_ht": "9000", "days": "10", "method": "Ateliers."}),
        content_type="application/json",
        **bearer(secret),
    )
    assert offer.status_code == 409, offer.content
    invitation = client.post(
        f"{API}/teams/{team.uuid}/invitations",
        json.dumps({"person": invitee.slug, "role": TeamRole.CO_CONTRACTOR}),
        content_type="application/json",
        **bearer(secret),
    )
    assert invitation.status_code == 409, invitation.content
    assert not Offer.objects.exists()
    assert not TeamMember.objects.filter(person=invitee).exists()
    assert SupportRequest.objects.get(pk=request.pk).status == RequestStatus.QUALIFIED
    assert journal_size() == before


def test_a_score_after_the_reveal_is_refused() -> None:
    s = selection(offers=2, evaluators=1)
    evaluator = s.evaluators[0]
    user = evaluator.person.user
    selection_services.ties_declare(actor=user, evaluator=evaluator, ties=no_ties(s))
    selection_services.score_set(actor=user, evaluator=evaluator, marks=all_marks(s, "6"))
    selection_services.evaluation_submit(actor=user, evaluator=evaluator)
    assert SupportRequest.objects.get(pk=s.request.pk).revealed_at is not None
    secret = token_secret(evaluator.person)
    before = journal_size()
    with pytest.raises(Conflict):
        selection_services.score_set(actor=user, evaluator=evaluator, marks=all_marks(s, "9"))
    marks = [
        {"offer": label, "criterion": position, "mark": "9"} for (label, position) in all_marks(s)
    ]
    answer = Client().post(
        f"{API}/evaluators/{evaluator.uuid}/scores",
        json.dumps({"marks": marks}),
        content_type="application/json",
        **bearer(secret),
    )
    assert answer.status_code == 409, answer.content
    assert set(Score.objects.values_list("mark", flat=True)) == {6}
    assert journal_size() == before
