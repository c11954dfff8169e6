"""Casting votes of every kind, changing them, standing aside; results and who voted."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry
from cercle.decisions.enums import PollKind, ProposalStatus, ReasonRequired
from cercle.decisions.models import Proposal, StandAside, Vote
from cercle.decisions.selectors.proposals import vote_list
from cercle.decisions.selectors.proposals_results import not_voted, proposal_results
from cercle.decisions.services.proposals import proposal_close, proposal_create
from cercle.decisions.services.proposals_votes import stand_aside_record, vote_cast
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory
from tests.factories.network import StewardFactory, SupporterFactory

pytestmark = pytest.mark.django_db


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
    author, alice, bruno = SupporterFactory(), SupporterFactory(), SupporterFactory()
    for person in (author, alice, bruno):
        GroupMembershipFactory(group=group, person=person)
    return Setup(group, author, alice, bruno, SupporterFactory(), StewardFactory())


def open_(s: Setup, kind: str = PollKind.PROPOSAL, **overrides: Any) -> Proposal:
    values: dict[str, Any] = {
        "actor": s.author.user,
        "group": s.group,
        "kind": kind,
        "title": "Choisir la date du séminaire",
        "details": "",
        "closes_at": timezone.now() + datetime.timedelta(days=3),
        **overrides,
    }
    if kind not in (PollKind.PROPOSAL, PollKind.OBJECTION) and "options" not in overrides:
        values["options"] = ["Lille", "Arras", "Amiens"]
    return proposal_create(**values)


def fr(msgid: str) -> str:
    with translation.override("fr"):
        return _(msgid)


def counts(proposal: Proposal) -> dict[str, int]:
    tally = proposal_results(proposal).tally
    assert tally is not None
    return {o.key: o.count for o in tally.options}


def test_a_member_agrees_and_the_vote_is_counted_and_journaled(s: Setup) -> None:
    proposal = open_(s)
    vote = vote_cast(actor=s.alice.user, proposal=proposal, choices="agree")
    assert vote.is_latest
    assert counts(proposal)["agree"] == 1
    entry = JournalEntry.objects.get(verb="proposal.voted")
    assert entry.payload == {"changed": False, "choices": ["agree"]}
    assert entry.visibility == "members"


def test_a_block_needs_a_reason_and_an_alternative(s: Setup) -> None:
    proposal = open_(s)
    with pytest.raises(ValidationError) as error:
        vote_cast(actor=s.alice.user, proposal=proposal, choices=["block"])
    assert set(error.value.message_dict) == {"reason", "alternative"}
    assert error.value.message_dict["alternative"] == [
        fr("A block comes with an alternative proposal.")
    ]
    with pytest.raises(ValidationError):
        vote_cast(actor=s.alice.user, proposal=proposal, choices=["block"], reason="Trop cher.")
    assert not Vote.objects.exists()
    vote = vote_cast(
        actor=s.alice.user,
        proposal=proposal,
        choices=["block"],
        reason="Trop cher.",
        alternative="Un budget en deux temps.",
    )
    results = proposal_results(proposal)
    assert [b.pk for b in results.blocks] == [vote.pk]
    assert results.blocks[0].alternative == "Un budget en deux temps."


def test_dissent_needs_a_reason_by_default_and_always_when_set(s: Setup) -> None:
    proposal = open_(s)
    with pytest.raises(ValidationError) as error:
        vote_cast(actor=s.alice.user, proposal=proposal, choices=["disagree"])
    assert "reason" in error.value.message_dict
    vote_cast(actor=s.alice.user, proposal=proposal, choices=["abstain"])
    always = open_(s, reason_required=ReasonRequired.ALWAYS)
    with pytest.raises(ValidationError):
        vote_cast(actor=s.alice.user, proposal=always, choices=["agree"])
    objection = open_(s, kind=PollKind.OBJECTION)
    with pytest.raises(ValidationError):
        vote_cast(actor=s.alice.user, proposal=objection, choices=["objection"])
    never = open_(s, reason_required=ReasonRequired.NEVER)
    vote_cast(actor=s.alice.user, proposal=never, choices=["disagree"])


def test_changing_ones_vote_keeps_the_history_and_counts_the_latest(s: Setup) -> None:
    proposal = open_(s)
    vote_cast(actor=s.alice.user, proposal=proposal, choices=["agree"])
    vote_cast(actor=s.alice.user, proposal=proposal, choices=["abstain"])
    assert Vote.objects.filter(proposal=proposal, voter=s.alice).count() == 2
    assert counts(proposal) == {"agree": 0, "abstain": 1, "disagree": 0, "block": 0}
    assert vote_list(actor=s.bruno.user, proposal=proposal).count() == 1
    assert vote_list(actor=s.bruno.user, proposal=proposal, history=True).count() == 2
    assert (
        JournalEntry.objects.filter(verb="proposal.voted").order_by("seq").last().payload["changed"]
        is True
    )  # type: ignore[union-attr]


def test_anonymous_votes_show_only_ones_own(s: Setup) -> None:
    proposal = open_(s, anonymous=True)
    vote_cast(actor=s.alice.user, proposal=proposal, choices=["agree"])
    assert vote_list(actor=s.bruno.user, proposal=proposal).count() == 0
    assert vote_list(actor=s.alice.user, proposal=proposal).count() == 1
    entry = JournalEntry.objects.get(verb="proposal.voted")
    assert entry.visibility == "private"
    assert "choices" not in entry.payload


def test_hidden_results_are_hidden_from_everyone_until_closed(s: Setup) -> None:
    proposal = open_(s, hide_results_until_closed=True)
    vote_cast(actor=s.alice.user, proposal=proposal, choices=["agree"])
    results = proposal_results(proposal)
    assert results.hidden
    assert results.voted_count == 1  # participation stays visible
    proposal_close(actor=s.author.user, proposal=proposal)
    proposal.refresh_from_db()
    assert counts(proposal)["agree"] == 1


def test_only_eligible_people_vote(s: Setup) -> None:
    proposal = open_(s)
    with pytest.raises(NotAllowed):
        vote_cast(actor=s.outsider.user, proposal=proposal, choices=["agree"])
    with pytest.raises(NotAllowed):
        vote_cast(actor=s.steward.user, proposal=proposal, choices=["agree"])
    GroupMembershipFactory(group=s.group, person=s.steward)
    vote_cast(actor=s.steward.user, proposal=proposal, choices=["agree"])
    limited = open_(s, voters=[s.alice])
    with pytest.raises(NotAllowed):
        vote_cast(actor=s.bruno.user, proposal=limited, choices=["agree"])
    vote_cast(actor=s.alice.user, proposal=limited, choices=["agree"])
    assert proposal_results(limited).eligible_count == 1


def test_a_vote_after_the_closing_time_is_refused_even_before_the_task_ran(s: Setup) -> None:
    proposal = open_(s)
    Proposal.objects.filter(pk=proposal.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    with pytest.raises(Conflict) as error:
        vote_cast(actor=s.alice.user, proposal=proposal, choices=["agree"])
    assert error.value.status == 409
    assert not Vote.objects.exists()


def test_a_closed_proposal_takes_no_vote(s: Setup) -> None:
    proposal = open_(s)
    proposal_close(actor=s.author.user, proposal=proposal)
    with pytest.raises(Conflict):
        vote_cast(actor=s.alice.user, proposal=proposal, choices=["agree"])


@pytest.mark.parametrize(
    ("kind", "choices", "extra"),
    [
        (PollKind.PROPOSAL, ["nope"], {}),
        (PollKind.PROPOSAL, ["agree", "abstain"], {}),
        (PollKind.PROPOSAL, [], {}),
        (PollKind.SINGLE_CHOICE, ["o1", "o2"], {}),
        (PollKind.MULTIPLE_CHOICE, ["o1", "o2", "o3"], {"max_choices": 2}),
        (PollKind.MULTIPLE_CHOICE, ["o1"], {"min_choices": 2}),
        (PollKind.SCORE, {"o1": 6}, {"max_score": 5}),
        (PollKind.SCORE, {"o1": -1}, {}),
        (PollKind.SCORE, {"o1": "beaucoup"}, {}),
        (PollKind.SCORE, {}, {}),
        (PollKind.RANKED_CHOICE, {"o1": 1, "o2": 1}, {}),
        (PollKind.RANKED_CHOICE, {"o1": 2}, {}),
        (PollKind.RANKED_CHOICE, ["o1", "o1"], {}),
        (PollKind.DOT_VOTE, {"o1": 4, "o2": 3}, {"dots_per_voter": 6}),
        (PollKind.DOT_VOTE, {"o1": 0}, {}),
        (PollKind.MEETING, {"o1": 3}, {}),
        (PollKind.MEETING, {}, {}),
    ],
)
def test_invalid_choices_are_refused_and_record_nothing(
    s: Setup, kind: str, choices: Any, extra: dict[str, Any]
) -> None:
    if kind == PollKind.MEETING:
        start = timezone.now() + datetime.timedelta(days=5)
        extra["options"] = [start, start + datetime.timedelta(hours=2)]
    proposal = open_(s, kind=kind, **extra)
    with pytest.raises(ValidationError) as error:
        vote_cast(actor=s.alice.user, proposal=proposal, choices=choices)
    assert "choices" in error.value.message_dict
    assert not Vote.objects.exists()


def test_every_poll_kind_counts(s: Setup) -> None:
    multiple = open_(s, PollKind.MULTIPLE_CHOICE, max_choices=2)
    vote_cast(actor=s.alice.user, proposal=multiple, choices=["o1", "o2"])
    vote_cast(actor=s.bruno.user, proposal=multiple, choices=["o1"])
    assert counts(multiple) == {"o1": 2, "o2": 1, "o3": 0}

    score = open_(s, PollKind.SCORE, max_score=5)
    vote_cast(actor=s.alice.user, proposal=score, choices={"o1": 5, "o2": 0, "o3": 2})
    vote_cast(actor=s.bruno.user, proposal=score, choices={"o1": 3, "o2": 1, "o3": 2})
    tally = proposal_results(score).tally
    assert tally is not None
    assert [o.points for o in tally.options] == [8, 1, 4]
    assert tally.options[0].average == Decimal("4.00")

    ranked = open_(s, PollKind.RANKED_CHOICE)
    vote_cast(actor=s.alice.user, proposal=ranked, choices=["o2", "o1"])
    vote_cast(actor=s.bruno.user, proposal=ranked, choices={"o2": 1, "o3": 2, "o1": 3})
    tally = proposal_results(ranked).tally
    assert tally is not None
    assert [o.points for o in tally.options] == [2 + 1, 3 + 3, 2]
    assert tally.ranking()[0].key == "o2"

    dots = open_(s, PollKind.DOT_VOTE, dots_per_voter=5)
    vote_cast(actor=s.alice.user, proposal=dots, choices={"o1": 3, "o3": 2})
    tally = proposal_results(dots).tally
    assert tally is not None
    assert [o.points for o in tally.options] == [3, 0, 2]

    start = timezone.now() + datetime.timedelta(days=5)
    meeting = open_(s, PollKind.MEETING, options=[start, start + datetime.timedelta(hours=3)])
    vote_cast(actor=s.alice.user, proposal=meeting, choices={"o1": 2, "o2": 1})
    vote_cast(actor=s.bruno.user, proposal=meeting, choices={"o1": 0, "o2": 2})
    tally = proposal_results(meeting).tally
    assert tally is not None
    assert [o.breakdown for o in tally.options] == [{0: 1, 2: 1}, {1: 1, 2: 1}]


def test_a_stand_aside_takes_the_vote_out_of_the_count_and_the_eligible(s: Setup) -> None:
    proposal = open_(s)
    vote_cast(actor=s.alice.user, proposal=proposal, choices=["agree"])
    vote_cast(actor=s.bruno.user, proposal=proposal, choices=["agree"])
    stand_aside_record(actor=s.alice.user, proposal=proposal, reason="Je travaille pour eux.")
    results = proposal_results(proposal)
    assert results.tally is not None
    assert results.tally.by_key()["agree"].count == 1
    assert results.counted_voters == 1
    assert results.eligible_count == 2  # the author and Bruno
    assert results.participation == Decimal("50.0")
    assert [sa.person for sa in results.stand_asides] == [s.alice]
    assert list(not_voted(proposal)) == [s.author]
    with pytest.raises(Conflict):
        vote_cast(actor=s.alice.user, proposal=proposal, choices=["disagree"], reason="x")
    with pytest.raises(Conflict):
        stand_aside_record(actor=s.alice.user, proposal=proposal, reason="Encore.")
    assert JournalEntry.objects.get(verb="proposal.stood_aside").payload["person"] == s.alice.slug


def test_a_steward_records_a_stand_aside_for_someone_else(s: Setup) -> None:
    proposal = open_(s)
    with pytest.raises(NotAllowed):
        stand_aside_record(actor=s.alice.user, proposal=proposal, reason="x", person=s.bruno)
    with pytest.raises(NotAllowed):
        stand_aside_record(actor=s.steward.user, proposal=proposal, reason="x", person=s.outsider)
    with pytest.raises(ValidationError):
        stand_aside_record(actor=s.steward.user, proposal=proposal, reason=" ", person=s.bruno)
    record = stand_aside_record(
        actor=s.steward.user, proposal=proposal, reason="Salarié du porteur.", person=s.bruno
    )
    assert record.recorded_by == s.steward
    assert StandAside.objects.count() == 1
    with pytest.raises(NotAllowed):
        stand_aside_record(actor=s.outsider.user, proposal=proposal, reason="x")


def test_participation_and_who_has_not_voted(s: Setup) -> None:
    proposal = open_(s)
    vote_cast(actor=s.alice.user, proposal=proposal, choices=["agree"])
    results = proposal_results(proposal)
    assert results.eligible_count == 3
    assert results.participation == Decimal("33.3")
    assert {p.pk for p in results.not_voted} == {s.author.pk, s.bruno.pk}
