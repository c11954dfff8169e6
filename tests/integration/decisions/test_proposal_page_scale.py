"""The proposal page at national scale: at most 15 queries whatever the number of votes
and voters, the votes and the people who have not voted yet counted and paginated, and a
steward names the person standing aside by identifier instead of a list of every voter."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.core.models import User
from cercle.decisions.models import GroupMembership, Proposal, StandAside, Vote, VoteChoice
from cercle.decisions.selectors.proposals_results import (
    counted_votes,
    eligible_counted,
    vote_counts,
)
from cercle.network.models import Person
from tests.factories.decisions_proposals import ProposalFactory, cast, stand_aside
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory
from tests.factories.network import StewardFactory, SupporterFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15
PER_PAGE = 50


@dataclass
class Setup:
    group: Any
    author: Any
    alice: Any
    steward: Any


@pytest.fixture
def s() -> Setup:
    group = GroupFactory()
    author, alice = SupporterFactory(), SupporterFactory()
    GroupMembershipFactory(group=group, person=author)
    GroupMembershipFactory(group=group, person=alice)
    return Setup(group, author, alice, StewardFactory())


def url(proposal: Proposal, action: str = "") -> str:
    return f"/decisions/propositions/{proposal.uuid}/{action}"


def _members(group: Any, n: int) -> list[Person]:
    """`n` people without accounts, listed in `group` (bulk: a thousand in a second)."""
    users = User.objects.bulk_create(
        [User(email=f"{uuid.uuid4().hex}@votants.example", password="!") for _ in range(n)]
    )
    people = Person.objects.bulk_create([SupporterFactory.build(user=user) for user in users])
    GroupMembership.objects.bulk_create([GroupMembership(group=group, person=p) for p in people])
    return people


def _proposal(s: Setup, *, voters: int, waiting: int) -> Proposal:
    """An open consent proposal with `voters` votes (one changed, one standing aside) and
    `waiting` more members who have not voted."""
    proposal = ProposalFactory(group=s.group, author=s.author)
    people = _members(s.group, voters)
    _members(s.group, waiting)
    options = {o.key: o for o in proposal.options.all()}
    now = timezone.now()
    votes = Vote.objects.bulk_create(
        [Vote(proposal=proposal, voter=p, cast_at=now, reason="r") for p in people]
    )
    keys = ["agree", "abstain", "disagree", "block"]
    VoteChoice.objects.bulk_create(
        [VoteChoice(vote=v, option=options[keys[i % 4]]) for i, v in enumerate(votes)]
    )
    cast(proposal, people[1], {"agree": 1})  # a changed vote: two rows, one counted
    stand_aside(proposal, people[0])
    return proposal


def _get(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("who", ["steward", "alice"])
@pytest.mark.parametrize("query", ["", "?historique=1", "?page=3&attente=2"])
def test_the_page_makes_the_same_queries_at_most_15_with_10_and_1000_votes(
    s: Setup, who: str, query: str
) -> None:
    small = _proposal(s, voters=10, waiting=3)
    big = _proposal(s, voters=1000, waiting=300)
    client = logged_in(getattr(s, who))
    _get(client, url(small))  # per-process caches
    few, _html = _get(client, url(small) + query)
    many, html = _get(client, url(big) + query)
    assert few == many <= MAX_QUERIES
    # Neither every vote nor every voter is on the page.
    assert len(html) < 120_000


@pytest.mark.parametrize("who", ["steward", "alice"])
def test_the_page_makes_the_same_queries_when_everyone_has_voted(s: Setup, who: str) -> None:
    """Nobody waiting (every eligible person voted, as on the bench's small landmark) costs
    the same queries as 300 people waiting: the list of people waiting is always read."""
    big = _proposal(s, voters=1000, waiting=300)
    everyone = ProposalFactory(group=s.group, author=s.author)
    voters = Person.objects.filter(pk__in=_waiting_ids(everyone))
    now = timezone.now()
    votes = Vote.objects.bulk_create(
        [Vote(proposal=everyone, voter=p, cast_at=now, reason="r") for p in voters]
    )
    agree = everyone.options.get(key="agree")
    VoteChoice.objects.bulk_create([VoteChoice(vote=v, option=agree) for v in votes])
    client = logged_in(getattr(s, who))
    _get(client, url(everyone))  # per-process caches
    response = client.get(url(everyone))
    assert response.context["results"].not_voted_count == 0
    few, html = _get(client, url(everyone))
    many, _html = _get(client, url(big))
    assert few == many <= MAX_QUERIES
    assert 'id="waiting-title"' in html


def test_the_counts_of_the_page_are_those_of_the_votes(s: Setup) -> None:
    proposal = _proposal(s, voters=30, waiting=7)
    counts = vote_counts(proposal)
    eligible = eligible_counted(proposal)
    assert counts.counted == counted_votes(proposal).count() == 29
    assert counts.latest == Vote.objects.filter(proposal=proposal, is_latest=True).count() == 30
    assert counts.every == Vote.objects.filter(proposal=proposal).count() == 31
    # The author, alice and 28 voters (one stands aside) and 7 waiting.
    assert counts.eligible == eligible.count() == 2 + 29 + 7
    assert counts.voted == 29
    assert counts.not_voted == 2 + 7


def test_the_people_who_have_not_voted_are_counted_and_paginated(s: Setup) -> None:
    proposal = _proposal(s, voters=5, waiting=118)
    client = logged_in(s.alice)
    names: set[str] = set()
    for number in (1, 2, 3):
        _n, html = _get(client, url(proposal) + f"?attente={number}")
        section = html.split('id="waiting-title"')[1].split("</section>")[0]
        listed = re.findall(r"<li>([^<]+?)(?: <a|</li>)", section)
        names.update(listed)
        assert "120" in section  # the number, on every page
        assert len(listed) == (PER_PAGE if number < 3 else 20)
    waiting = {p.full_name for p in Person.objects.filter(pk__in=_waiting_ids(proposal))}
    assert names == waiting


def _waiting_ids(proposal: Proposal) -> list[int]:
    from cercle.decisions.selectors.proposals_results import not_voted

    return list(not_voted(proposal).values_list("pk", flat=True))


def test_the_votes_are_paginated_fifty_a_page(s: Setup) -> None:
    proposal = _proposal(s, voters=120, waiting=0)
    client = logged_in(s.alice)
    _n, first = _get(client, url(proposal))
    _n, last = _get(client, url(proposal) + "?page=3")
    body = first.split('id="votes-title"')[1]
    assert body.count('<th scope="row">') == PER_PAGE
    assert last.split('id="votes-title"')[1].count('<th scope="row">') == 20


def test_a_steward_records_a_stand_aside_by_identifier(s: Setup) -> None:
    proposal = _proposal(s, voters=3, waiting=2)
    target = Person.objects.filter(pk__in=_waiting_ids(proposal)).exclude(pk=s.author.pk).first()
    assert target is not None
    steward = logged_in(s.steward)
    # The link next to a name fills the identifier in.
    _n, html = _get(steward, url(proposal) + f"?retrait={target.slug}")
    assert f'value="{target.slug}"' in html
    # Nobody with that identifier, or someone who does not vote: refused, nothing written.
    before = StandAside.objects.count()
    nobody = steward.post(
        url(proposal, "se-retirer/"), {"aside-person": "personne-inconnue", "aside-reason": "X"}
    )
    assert nobody.status_code == 400
    outsider = SupporterFactory()
    refused = steward.post(
        url(proposal, "se-retirer/"), {"aside-person": outsider.slug, "aside-reason": "X"}
    )
    assert refused.status_code == 403
    assert StandAside.objects.count() == before
    done = steward.post(
        url(proposal, "se-retirer/"), {"aside-person": target.slug, "aside-reason": "Associé."}
    )
    assert done.status_code == 302
    aside = StandAside.objects.get(person=target)
    assert aside.recorded_by == s.steward


def test_a_member_cannot_name_someone_else(s: Setup) -> None:
    proposal = _proposal(s, voters=3, waiting=0)
    alice = logged_in(s.alice)
    _n, html = _get(alice, url(proposal))
    assert 'name="aside-person"' not in html
    # A person field sent anyway is ignored: alice stands aside herself.
    response = alice.post(
        url(proposal, "se-retirer/"), {"aside-person": s.author.slug, "aside-reason": "Moi."}
    )
    assert response.status_code == 302
    assert StandAside.objects.filter(proposal=proposal, person=s.alice).exists()
    assert not StandAside.objects.filter(proposal=proposal, person=s.author).exists()


def test_the_viewer_eligibility_of_the_counts_is_can_vote(s: Setup) -> None:
    from cercle.decisions.policies.proposals import can_vote

    listed = ProposalFactory(group=s.group, author=s.author)
    limited = ProposalFactory(group=s.group, author=s.author, voters_limited=True)
    limited.voters.add(s.alice)
    people = [s.author, s.alice, s.steward, SupporterFactory()]
    for proposal in (listed, limited):
        for person in people:
            eligible = vote_counts(proposal, person).viewer_eligible
            assert eligible is can_vote(person.user, proposal), (proposal, person)
    assert vote_counts(listed, None).viewer_eligible is False


@pytest.mark.parametrize(
    "path", ["", "/votes", "/not-voted", "/not-voted?offset=100&limit=50", "/votes?history=1"]
)
def test_the_api_makes_the_same_queries_at_most_15_and_pages_the_people_waiting(
    s: Setup, path: str
) -> None:
    small = _proposal(s, voters=10, waiting=3)
    big = _proposal(s, voters=1000, waiting=300)
    client = Client(**bearer(token_secret(s.steward)))
    client.get(f"/api/v1/proposals/{small.uuid}")  # per-process caches
    few, _small = _get(client, f"/api/v1/proposals/{small.uuid}{path}")
    many, body = _get(client, f"/api/v1/proposals/{big.uuid}{path}")
    assert few == many <= MAX_QUERIES
    assert len(body) < 60_000  # neither every vote nor every person waiting
    if not path:  # the detail counts the people waiting; it does not name them
        results = json.loads(body)["results"]
        assert "not_voted" not in results
        assert results["not_voted_count"] == eligible_counted(big).count() - 1000 + 1
