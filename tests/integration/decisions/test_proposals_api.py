"""The proposals API: create, read, vote, list votes (anonymity), stand aside, close,
extend, outcomes; error codes with nothing changed; bounded queries."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.decisions.enums import PollKind
from cercle.decisions.models import Outcome, Proposal, StandAside, Vote
from tests.factories.decisions_proposals import ProposalFactory, cast
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory
from tests.factories.network import StewardFactory, SupporterFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


@dataclass
class Setup:
    group: Any
    author: Any
    alice: Any
    bruno: Any
    outsider: Any
    steward: Any


@pytest.fixture
def s() -> Setup:
    group = GroupFactory()
    people = [SupporterFactory() for _ in range(3)]
    for person in people:
        GroupMembershipFactory(group=group, person=person)
    return Setup(group, *people, SupporterFactory(), StewardFactory())


def post(who: Any, path: str, body: object, **extra: str) -> Any:
    """POST as a person (with their token), or as a bare client."""
    if isinstance(who, Client):
        client = who
    else:
        client, extra = Client(), {**bearer(token_secret(who)), **extra}
    return client.post(API + path, json.dumps(body), content_type="application/json", **extra)


class Reader:
    """GET as a person, with their token."""

    def __init__(self, person: Any) -> None:
        self.client, self.headers = Client(), bearer(token_secret(person))

    def get(self, path: str) -> Any:
        return self.client.get(path, **self.headers)


def soon(days: int = 5) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def test_create_a_poll_vote_and_read_the_results(s: Setup) -> None:
    client = Reader(s.author)
    response = post(
        s.author,
        "/proposals",
        {
            "group": s.group.slug,
            "kind": "score",
            "title": "Lieux du séminaire",
            "closes_at": soon(),
            "options": [{"label": "Lille"}, {"label": "Arras"}],
            "max_score": 3,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [o["key"] for o in body["options"]] == ["o1", "o2"]
    assert body["results"]["eligible_count"] == 3
    proposal_id = body["id"]
    vote = post(s.alice, f"/proposals/{proposal_id}/votes", {"choices": {"o1": 3, "o2": 1}})
    assert vote.status_code == 201, vote.content
    assert vote.json()["choices"] == [{"option": "o1", "value": 3}, {"option": "o2", "value": 1}]
    detail = client.get(f"{API}/proposals/{proposal_id}").json()
    assert [o["points"] for o in detail["results"]["options"]] == [3, 1]
    assert detail["results"]["participation"] == "33.3"
    assert detail["results"]["not_voted_count"] == 2
    waiting = client.get(f"{API}/proposals/{proposal_id}/not-voted").json()
    assert waiting["count"] == 2
    assert {p["slug"] for p in waiting["items"]} == {s.author.slug, s.bruno.slug}


def test_a_token_caller_votes_on_a_consent_proposal(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    response = post(
        Client(),
        f"/proposals/{proposal.uuid}/votes",
        {"choices": ["agree"]},
        **bearer(token_secret(s.alice)),
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"choices": ["block"], "reason": "Non."}, "alternative"),
        ({"choices": ["peut-être"]}, "choices"),
        ({"choices": ["agree", "abstain"]}, "choices"),
        ({"choices": 5}, "choices"),
        ({}, "choices"),
    ],
)
def test_bad_votes_answer_422_and_record_nothing(
    s: Setup, body: dict[str, Any], field: str
) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    response = post(s.alice, f"/proposals/{proposal.uuid}/votes", body)
    assert response.status_code == 422
    assert any(key.startswith(field) for key in response.json()["errors"])
    assert not Vote.objects.exists()


def test_refusals_403_404_409_401(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    assert (
        post(s.outsider, f"/proposals/{proposal.uuid}/votes", {"choices": ["agree"]}).status_code
        == 403
    )
    assert post(
        Client(), f"/proposals/{proposal.uuid}/votes", {"choices": ["agree"]}
    ).status_code in (401, 403)
    missing = "6f1c1d5e-0000-4000-8000-000000000000"
    assert Reader(s.alice).get(f"{API}/proposals/{missing}").status_code == 404
    assert Reader(s.alice).get(f"{API}/proposals/not-a-uuid").status_code == 422
    Proposal.objects.filter(pk=proposal.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    late = post(s.alice, f"/proposals/{proposal.uuid}/votes", {"choices": ["agree"]})
    assert late.status_code == 409
    assert late.json()["detail"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "proposal", "title": "x", "closes_at": "2001-01-01T00:00:00Z"},
        {"kind": "referendum", "title": "x", "closes_at": soon()},
        {"kind": "single_choice", "title": "x", "closes_at": soon(), "options": [{"label": "A"}]},
        {"kind": "proposal", "title": "", "closes_at": soon()},
        {"kind": "proposal", "title": "x", "closes_at": soon(), "voters": ["personne-inconnue"]},
        {"kind": "dot_vote", "title": "x", "closes_at": soon(), "dots_per_voter": 0},
    ],
)
def test_bad_proposals_answer_422_and_create_nothing(s: Setup, body: dict[str, Any]) -> None:
    response = post(s.author, "/proposals", {"group": s.group.slug, **body})
    assert response.status_code == 422, response.content
    assert not Proposal.objects.exists()


def test_anonymous_votes_are_listed_only_to_their_voter(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author, anonymous=True)
    cast(proposal, s.alice, {"agree": 1})
    assert Reader(s.bruno).get(f"{API}/proposals/{proposal.uuid}/votes").json()["count"] == 0
    own = Reader(s.alice).get(f"{API}/proposals/{proposal.uuid}/votes").json()
    assert own["count"] == 1


def test_votes_list_history_and_hidden_choices(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author, hide_results_until_closed=True)
    cast(proposal, s.alice, {"agree": 1})
    cast(proposal, s.alice, {"disagree": 1}, reason="Finalement non.")
    client = Reader(s.bruno)
    latest = client.get(f"{API}/proposals/{proposal.uuid}/votes").json()
    assert latest["count"] == 1
    assert latest["items"][0]["choices"] is None
    assert latest["items"][0]["reason"] is None
    every = client.get(f"{API}/proposals/{proposal.uuid}/votes?history=true").json()
    assert every["count"] == 2
    own = Reader(s.alice).get(f"{API}/proposals/{proposal.uuid}/votes").json()
    assert own["items"][0]["choices"] == [{"option": "disagree", "value": 1}]
    detail = client.get(f"{API}/proposals/{proposal.uuid}").json()
    assert detail["results"]["hidden"] is True
    assert detail["results"]["options"] == []


def test_stand_aside_close_extend_outcome(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    base = f"/proposals/{proposal.uuid}"
    aside = post(s.alice, f"{base}/stand-asides", {"reason": "Je suis salariée."})
    assert aside.status_code == 201
    assert aside.json()["person"] == s.alice.slug
    steward = post(s.steward, f"{base}/stand-asides", {"reason": "Lien", "person": s.bruno.slug})
    assert steward.status_code == 201
    assert StandAside.objects.count() == 2
    assert post(s.alice, f"{base}/stand-asides", {"reason": "x"}).status_code == 409
    author = s.author
    assert post(author, f"{base}/extend", {"closes_at": soon(1)}).status_code == 422
    assert post(author, f"{base}/extend", {"closes_at": soon(30)}).status_code == 200
    assert post(author, f"{base}/outcomes", {"statement": "Trop tôt"}).status_code == 409
    assert post(s.alice, f"{base}/close", {}).status_code == 403
    closed = post(author, f"{base}/close", {})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    outcome = post(author, f"{base}/outcomes", {"statement": "Adopté."})
    assert outcome.status_code == 201
    assert Outcome.objects.get().statement == "Adopté."
    reader = Reader(s.author)
    assert reader.get(f"{API}{base}").json()["outcomes"][0]["statement"] == "Adopté."


def test_list_filters_and_pagination(s: Setup) -> None:
    ProposalFactory(group=s.group, author=s.author)
    ProposalFactory(group=GroupFactory(), author=s.author, kind=PollKind.SINGLE_CHOICE)
    client = Reader(s.alice)
    assert client.get(f"{API}/proposals").json()["count"] == 2
    assert client.get(f"{API}/proposals?group={s.group.slug}").json()["count"] == 1
    assert client.get(f"{API}/proposals?kind=single_choice").json()["count"] == 1
    assert client.get(f"{API}/proposals?status=nope").status_code == 422
    assert client.get(f"{API}/proposals?group=inconnu").status_code == 404


def _count(client: Reader, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_api_queries_do_not_grow_with_votes_or_proposals(s: Setup) -> None:
    def make(n: int) -> Proposal:
        proposal = ProposalFactory(group=s.group, author=s.author)
        for person in SupporterFactory.create_batch(n):
            GroupMembershipFactory(group=s.group, person=person)
            cast(proposal, person, {"agree": 1})
        return proposal

    small, big = make(3), make(30)
    client = Reader(s.alice)
    client.get(f"{API}/proposals")  # the token's first use is recorded once
    for path in ("", "/votes"):
        assert _count(client, f"{API}/proposals/{small.uuid}{path}") == _count(
            client, f"{API}/proposals/{big.uuid}{path}"
        )
    few = _count(client, f"{API}/proposals")
    ProposalFactory.create_batch(10, group=s.group, author=s.author)
    assert _count(client, f"{API}/proposals") == few
