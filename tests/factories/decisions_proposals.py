"""Factories for proposals and votes (built without services, for tests' set-up).

`ProposalFactory` creates the consent options of its kind; poll kinds take
`option_labels`. `cast(proposal, person, {key: value})` writes a vote row directly,
replacing the person's previous one as the service does.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import factory
from django.utils import timezone

from cercle.decisions.enums import CONSENT_OPTIONS, ConsentChoice, PollKind, ProposalStatus
from cercle.decisions.models import PollOption, Proposal, StandAside, Vote, VoteChoice
from cercle.network.models import Person
from tests.factories.decisions_threads import GroupFactory
from tests.factories.network import SupporterFactory


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    group = factory.SubFactory(GroupFactory)
    kind = PollKind.PROPOSAL
    title = factory.Sequence(lambda n: f"Proposition n°{n}")
    details = "Adoptons cette proposition."
    author = factory.SubFactory(SupporterFactory)
    status = ProposalStatus.OPEN
    opened_at = factory.LazyFunction(timezone.now)
    closes_at = factory.LazyAttribute(lambda o: o.opened_at + datetime.timedelta(days=7))

    @factory.post_generation
    def option_labels(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if not create:
            return
        if self.kind in CONSENT_OPTIONS:
            rows = [
                PollOption(proposal=self, key=k, label=str(ConsentChoice(k).label), position=i)
                for i, k in enumerate(CONSENT_OPTIONS[PollKind(self.kind)], start=1)
            ]
        else:
            labels = extracted or ["Option A", "Option B", "Option C"]
            rows = [
                PollOption(proposal=self, key=f"o{i}", label=label, position=i)
                for i, label in enumerate(labels, start=1)
            ]
        PollOption.objects.bulk_create(rows)


def cast(
    proposal: Proposal,
    person: Person,
    choices: Mapping[str, int],
    *,
    reason: str = "",
    alternative: str = "",
) -> Vote:
    """A vote row without the service's checks (set-up of large tallies)."""
    Vote.objects.filter(proposal=proposal, voter=person, is_latest=True).update(is_latest=False)
    vote = Vote.objects.create(
        proposal=proposal,
        voter=person,
        reason=reason,
        alternative=alternative,
        cast_at=timezone.now(),
    )
    options = {o.key: o for o in proposal.options.all()}
    VoteChoice.objects.bulk_create(
        [VoteChoice(vote=vote, option=options[k], value=v) for k, v in choices.items()]
    )
    return vote


def stand_aside(proposal: Proposal, person: Person, reason: str = "Conflit.") -> StandAside:
    return StandAside.objects.create(
        proposal=proposal,
        person=person,
        reason=reason,
        recorded_by=person,
        recorded_at=timezone.now(),
    )
