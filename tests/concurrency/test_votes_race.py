"""Votes under concurrency: people vote and change their votes at the same moment.

Each person has two workers voting at once (a double click, two tabs): the proposal's
row lock orders them, so every vote is kept in the history, exactly one is current per
person, and the tally counts the current ones."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from cercle.core.models import JournalEntry
from cercle.decisions.enums import PollKind
from cercle.decisions.models import Vote
from cercle.decisions.selectors.proposals_results import proposal_results
from cercle.decisions.services.proposals import proposal_create
from cercle.decisions.services.proposals_votes import vote_cast
from tests.concurrency.race import assert_books_and_journal_hold, kinds, together, workers
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory
from tests.factories.network import SupporterFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]


def test_simultaneous_votes_and_changes_keep_one_current_vote_each_and_the_whole_history() -> None:
    n = workers()
    group = GroupFactory()
    people = [SupporterFactory() for _ in range(n // 2)]
    for person in people:
        GroupMembershipFactory(group=group, person=person)
    proposal = proposal_create(
        actor=people[0].user,
        group=group,
        kind=PollKind.PROPOSAL,
        title="Ouvrir un second atelier partagé",
        details="",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    before = JournalEntry.objects.filter(verb="proposal.voted").count()

    def voter(person: Any, choice: str) -> Any:
        return lambda: vote_cast(actor=person.user, proposal=proposal, choices=choice)

    calls = [voter(p, "agree") for p in people] + [voter(p, "abstain") for p in people]
    outcomes = together(calls)

    assert kinds(outcomes) == {"ok": len(calls)}, [o.error for o in outcomes if o.error]
    votes = Vote.objects.filter(proposal=proposal)
    assert votes.count() == len(calls)  # the history is complete
    current = Counter(votes.filter(is_latest=True).values_list("voter_id", flat=True))
    assert current == dict.fromkeys((p.pk for p in people), 1)
    # The current vote is the one cast last.
    for person in people:
        mine = list(votes.filter(voter=person).order_by("cast_at", "pk"))
        assert [v.is_latest for v in mine] == [False, True]
    latest_choices = Counter(
        votes.filter(is_latest=True).values_list("choices__option__key", flat=True)
    )
    tally = proposal_results(proposal).tally
    assert tally is not None
    counted = {o.key: o.count for o in tally.options if o.count}
    assert counted == dict(latest_choices)
    assert sum(counted.values()) == len(people)
    entries = JournalEntry.objects.filter(verb="proposal.voted")
    assert entries.count() - before == len(calls)
    changed = Counter(e.payload["changed"] for e in entries)
    assert changed == {False: len(people), True: len(people)}
    assert_books_and_journal_hold()
