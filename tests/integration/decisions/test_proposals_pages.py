"""Proposal pages: opening, voting of each kind, blocks, stand-asides, closing, outcome;
400/403/404/409 with nothing changed; bounded queries at 10 and 1,000 votes."""

from __future__ import annotations

import datetime
import html as html_text
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.decisions.enums import PollKind, ProposalStatus
from cercle.decisions.models import Outcome, Proposal, StandAside, Vote
from tests.factories.decisions_proposals import ProposalFactory, cast, stand_aside
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.factories.network import PersonFactory, StewardFactory, SupporterFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@dataclass
class Setup:
    group: Any
    author: Any
    alice: Any
    outsider: Any
    steward: Any


@pytest.fixture
def s() -> Setup:
    group = GroupFactory()
    author, alice = SupporterFactory(), SupporterFactory()
    GroupMembershipFactory(group=group, person=author)
    GroupMembershipFactory(group=group, person=alice)
    return Setup(group, author, alice, SupporterFactory(), StewardFactory())


def url(proposal: Proposal, action: str = "") -> str:
    return f"/decisions/propositions/{proposal.uuid}/{action}"


def later(days: int = 7) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_member_opens_a_proposal_from_a_thread(s: Setup) -> None:
    thread = ThreadFactory(group=s.group)
    client = logged_in(s.author)
    page = f"/decisions/groupes/{s.group.slug}/nouvelle-proposition/?fil={thread.uuid}"
    assert client.get(page).status_code == 200
    response = client.post(
        page,
        {
            "kind": PollKind.PROPOSAL,
            "title": "Adopter la charte",
            "closes_at": later(),
            "reason_required": "dissent",
            "thread": str(thread.uuid),
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(proposal)
    assert proposal.thread == thread


def test_a_poll_and_a_meeting_poll_through_the_form(s: Setup) -> None:
    client = logged_in(s.author)
    page = f"/decisions/groupes/{s.group.slug}/nouvelle-proposition/"
    response = client.post(
        page,
        {
            "kind": PollKind.MEETING,
            "title": "Date de la rencontre",
            "closes_at": later(),
            "reason_required": "never",
            "options": "2031-03-14 14:00 Vendredi après-midi\n15/03/2031 10:00",
        },
    )
    assert response.status_code == 302
    meeting = Proposal.objects.get(kind=PollKind.MEETING)
    labels = [o.label for o in meeting.options.all()]
    assert labels[0] == "Vendredi après-midi"
    response = client.post(
        page,
        {
            "kind": PollKind.MEETING,
            "title": "Date",
            "closes_at": later(),
            "reason_required": "never",
            "options": "vendredi\nsamedi",
        },
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "proposal", "title": "x", "closes_at": "hier", "reason_required": "dissent"},
        {
            "kind": "proposal",
            "title": "x",
            "closes_at": "2001-01-01T10:00",
            "reason_required": "dissent",
        },
        {
            "kind": "single_choice",
            "title": "x",
            "closes_at": later(),
            "reason_required": "dissent",
            "options": "une seule",
        },
        {"kind": "proposal", "title": "x", "closes_at": later(), "reason_required": "x"},
    ],
)
def test_a_bad_proposal_form_answers_400_and_creates_nothing(
    s: Setup, data: dict[str, str]
) -> None:
    response = logged_in(s.author).post(
        f"/decisions/groupes/{s.group.slug}/nouvelle-proposition/", data
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_outsiders_cannot_open_a_proposal(s: Setup) -> None:
    page = f"/decisions/groupes/{s.group.slug}/nouvelle-proposition/"
    assert logged_in(s.outsider).get(page).status_code == 403
    assert logged_in(PersonFactory()).get(page).status_code in (403, 404)


def test_consent_vote_block_and_results_on_the_page(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    client = logged_in(s.alice)
    page = client.get(url(proposal))
    assert page.status_code == 200
    html = page.content.decode()
    assert fr("Your vote") in html
    assert "<legend>" in html
    # A block without an alternative: 400, nothing recorded, the message shown.
    response = client.post(url(proposal, "voter/"), {"choice": "block", "reason": "Non."})
    assert response.status_code == 400
    assert fr("A block comes with an alternative proposal.") in html_text.unescape(
        response.content.decode()
    )
    assert not Vote.objects.exists()
    response = client.post(
        url(proposal, "voter/"),
        {"choice": "block", "reason": "Trop tôt.", "alternative": "Attendre l'AG."},
    )
    assert response.status_code == 302
    html = client.get(url(proposal)).content.decode()
    assert "Attendre l&#x27;AG." in html or "Attendre l'AG." in html
    assert fr("Change your vote") in html


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (PollKind.SINGLE_CHOICE, {"choice": "o2"}, {"o2": 1}),
        (PollKind.MULTIPLE_CHOICE, {"choice": ["o1", "o3"]}, {"o1": 1, "o3": 1}),
        (PollKind.SCORE, {"option_o1": "4", "option_o2": "0", "option_o3": "5"}, None),
        (PollKind.RANKED_CHOICE, {"option_o1": "2", "option_o3": "1"}, {"o1": 2, "o3": 1}),
        (PollKind.DOT_VOTE, {"option_o1": "3", "option_o2": "2"}, {"o1": 3, "o2": 2}),
    ],
)
def test_each_poll_kind_votes_through_the_page(
    s: Setup, kind: str, data: dict[str, Any], expected: dict[str, int] | None
) -> None:
    proposal = ProposalFactory(
        group=s.group, author=s.author, kind=kind, max_score=5, dots_per_voter=5
    )
    client = logged_in(s.alice)
    assert client.get(url(proposal)).status_code == 200
    response = client.post(url(proposal, "voter/"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    vote = Vote.objects.get()
    chosen = {c.option.key: c.value for c in vote.choices.all()}
    assert chosen == (expected or {"o1": 4, "o2": 0, "o3": 5})


def test_a_dot_vote_over_budget_answers_400(s: Setup) -> None:
    proposal = ProposalFactory(
        group=s.group, author=s.author, kind=PollKind.DOT_VOTE, dots_per_voter=3
    )
    response = logged_in(s.alice).post(
        url(proposal, "voter/"), {"option_o1": "3", "option_o2": "2"}
    )
    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_a_late_vote_answers_409_and_changes_nothing(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    Proposal.objects.filter(pk=proposal.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    response = logged_in(s.alice).post(url(proposal, "voter/"), {"choice": "agree"})
    assert response.status_code == 409
    assert not Vote.objects.exists()


def test_outsiders_cannot_vote_and_unknown_proposals_are_404(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    assert (
        logged_in(s.outsider).post(url(proposal, "voter/"), {"choice": "agree"}).status_code == 403
    )
    assert not Vote.objects.exists()
    missing = "/decisions/propositions/6f1c1d5e-0000-4000-8000-000000000000/"
    assert logged_in(s.alice).get(missing).status_code == 404


def test_stand_aside_close_and_outcome_through_the_pages(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    cast(proposal, s.alice, {"agree": 1})
    alice = logged_in(s.alice)
    assert alice.post(url(proposal, "se-retirer/"), {"aside-reason": ""}).status_code == 400
    response = alice.post(
        url(proposal, "se-retirer/"), {"aside-reason": "Je conseille le porteur."}
    )
    assert response.status_code == 302
    assert StandAside.objects.get().person == s.alice
    html = alice.get(url(proposal)).content.decode()
    assert fr("Standing aside") in html
    assert s.alice.full_name in html
    # Only the author or a steward closes; then writes the outcome.
    assert alice.post(url(proposal, "clore/")).status_code == 403
    author = logged_in(s.author)
    assert author.post(url(proposal, "clore/")).status_code == 302
    assert Proposal.objects.get().status == ProposalStatus.CLOSED
    assert author.post(url(proposal, "clore/")).status_code == 409
    assert author.post(url(proposal, "issue/"), {"statement": ""}).status_code == 400
    assert author.post(url(proposal, "issue/"), {"statement": "Adopté."}).status_code == 302
    assert Outcome.objects.get().statement == "Adopté."
    assert "Adopté." in author.get(url(proposal)).content.decode()


def test_a_steward_records_a_stand_aside_for_someone(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    response = logged_in(s.steward).post(
        url(proposal, "se-retirer/"),
        {"aside-person": s.alice.slug, "aside-reason": "Salariée du porteur."},
    )
    assert response.status_code == 302
    assert StandAside.objects.get().recorded_by == s.steward


def test_extending_through_the_page(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author)
    author = logged_in(s.author)
    assert author.post(url(proposal, "prolonger/"), {"closes_at": "x"}).status_code == 400
    assert author.post(url(proposal, "prolonger/"), {"closes_at": later(20)}).status_code == 302
    assert Proposal.objects.get().closes_at > proposal.closes_at


def test_hidden_results_are_not_on_the_page(s: Setup) -> None:
    proposal = ProposalFactory(group=s.group, author=s.author, hide_results_until_closed=True)
    cast(proposal, s.alice, {"disagree": 1}, reason="Secret")
    html = logged_in(s.author).get(url(proposal)).content.decode()
    assert fr("The results are hidden until the vote closes, from everyone.") in html
    assert "Secret" not in html


def test_the_list_page(s: Setup) -> None:
    ProposalFactory(group=s.group, author=s.author, title="Budget participatif")
    response = logged_in(s.alice).get("/decisions/propositions/")
    assert response.status_code == 200
    assert "Budget participatif" in response.content.decode()
    assert logged_in(s.alice).get("/decisions/propositions/?status=nope").status_code == 400


def _proposal_with_votes(s: Setup, n: int) -> Proposal:
    proposal = ProposalFactory(group=s.group, author=s.author)
    people = SupporterFactory.create_batch(n)
    from cercle.decisions.models import GroupMembership

    GroupMembership.objects.bulk_create([GroupMembership(group=s.group, person=p) for p in people])
    options = {o.key: o for o in proposal.options.all()}
    from cercle.decisions.models import VoteChoice

    now = timezone.now()
    votes = Vote.objects.bulk_create(
        [Vote(proposal=proposal, voter=p, cast_at=now, reason="r") for p in people]
    )
    keys = ["agree", "abstain", "disagree", "block"]
    VoteChoice.objects.bulk_create(
        [VoteChoice(vote=v, option=options[keys[i % 4]]) for i, v in enumerate(votes)]
    )
    stand_aside(proposal, people[0])
    return proposal


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_makes_the_same_queries_with_10_and_1000_votes(
    s: Setup, django_assert_max_num_queries: Any
) -> None:
    small = _proposal_with_votes(s, 10)
    big = _proposal_with_votes(s, 1000)
    client = logged_in(s.alice)
    with django_assert_max_num_queries(30):
        client.get(url(big))
    assert _queries(client, url(small)) == _queries(client, url(big))
    assert _queries(client, "/decisions/propositions/") <= 15
