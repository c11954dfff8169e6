"""Properties of votes through the services: random sequences of votes, changes and
stand-asides against a small model of what should be counted."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cercle.core.errors import ApplicationError, Conflict
from cercle.decisions.enums import PollKind
from cercle.decisions.models import Proposal, Vote
from cercle.decisions.selectors.proposals_results import proposal_results
from cercle.decisions.services.proposals import proposal_close, proposal_create
from cercle.decisions.services.proposals_votes import stand_aside_record, vote_cast
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory
from tests.factories.network import SupporterFactory

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONSENT = ["agree", "abstain", "disagree", "block"]


@contextmanager
def rolled_back() -> Iterator[None]:
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def _setup(size: int) -> tuple[Proposal, list[Any]]:
    group = GroupFactory()
    people = [SupporterFactory() for _ in range(size)]
    for person in people:
        GroupMembershipFactory(group=group, person=person)
    proposal = proposal_create(
        actor=people[0].user,
        group=group,
        kind=PollKind.PROPOSAL,
        title="Proposition",
        details="",
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    return proposal, people


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["vote", "stand_aside"]),
        st.integers(0, 3),
        st.sampled_from(CONSENT),
        st.booleans(),  # with a reason and an alternative
    ),
    max_size=12,
)


@HYPOTHESIS
@given(steps=STEPS)
def test_counts_follow_the_latest_vote_of_people_not_standing_aside(
    db: None, steps: list[tuple[str, int, str, bool]]
) -> None:
    with rolled_back():
        proposal, people = _setup(4)
        latest: dict[int, str] = {}
        aside: set[int] = set()
        for action, who, choice, explained in steps:
            person = people[who]
            try:
                if action == "vote":
                    vote_cast(
                        actor=person.user,
                        proposal=proposal,
                        choices=[choice],
                        reason="Parce que." if explained else "",
                        alternative="Autre chose." if explained else "",
                    )
                else:
                    stand_aside_record(actor=person.user, proposal=proposal, reason="Conflit.")
            except ValidationError:
                # Refused only for a dissent without a reason or a block without both.
                assert action == "vote"
                assert not explained
                assert choice in ("disagree", "block")
                continue
            except Conflict:
                assert person.pk in aside
                continue
            if action == "vote":
                latest[person.pk] = choice
            else:
                aside.add(person.pk)
        results = proposal_results(proposal)
        counted = {pk: c for pk, c in latest.items() if pk not in aside}
        assert results.tally is not None
        assert results.counted_voters == len(counted)
        assert {o.key: o.count for o in results.tally.options} == {
            k: sum(1 for c in counted.values() if c == k) for k in CONSENT
        }
        total = sum(o.percent for o in results.tally.options)
        assert total == (100 if counted else 0)
        assert results.eligible_count == 4 - len(aside)
        assert {p.pk for p in results.not_voted} == {
            p.pk for p in people if p.pk not in aside and p.pk not in latest
        }
        assert Vote.objects.filter(proposal=proposal, is_latest=True).count() == len(latest)


@HYPOTHESIS
@given(choice=st.sampled_from(CONSENT), reason=st.text(max_size=5))
def test_a_closed_proposal_accepts_no_vote(db: None, choice: str, reason: str) -> None:
    with rolled_back():
        proposal, people = _setup(2)
        proposal_close(actor=people[0].user, proposal=proposal)
        before = Vote.objects.count()
        with pytest.raises(ApplicationError):
            vote_cast(
                actor=people[1].user,
                proposal=proposal,
                choices=[choice],
                reason=reason,
                alternative=reason,
            )
        assert Vote.objects.count() == before


@HYPOTHESIS
@given(reason=st.text(max_size=20), alternative=st.sampled_from(["", " ", "\n\t"]))
def test_a_block_without_an_alternative_is_refused(db: None, reason: str, alternative: str) -> None:
    with rolled_back():
        proposal, people = _setup(2)
        with pytest.raises(ValidationError) as error:
            vote_cast(
                actor=people[1].user,
                proposal=proposal,
                choices=["block"],
                reason=reason,
                alternative=alternative,
            )
        assert "alternative" in error.value.message_dict
        assert not Vote.objects.filter(proposal=proposal).exists()
