"""A proposal's results, participation and who has not voted, counted in SQL.

A page with 1,000 votes costs the same handful of queries as one with ten: the votes
are aggregated by the database (`option, value, how many`) and `decisions.tally`
turns the rows into counts and percentages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from cercle.decisions.enums import ConsentChoice, PollKind, ProposalStatus
from cercle.decisions.models import PollOption, Proposal, StandAside, Vote, VoteChoice
from cercle.decisions.policies.proposals import eligible_voters
from cercle.decisions.tally import OptionSpec, Tally, tally_from_counts
from cercle.network.models import Person


def _standing_aside(proposal: Proposal, ref: str) -> Exists:
    return Exists(StandAside.objects.filter(proposal=proposal, person=OuterRef(ref)))


def counted_votes(proposal: Proposal) -> QuerySet[Vote]:
    """The latest vote of each person not standing aside: the votes that count."""
    return Vote.objects.filter(proposal=proposal, is_latest=True).exclude(
        _standing_aside(proposal, "voter_id")
    )


def eligible_counted(proposal: Proposal) -> QuerySet[Person]:
    """Eligible people who do not stand aside."""
    return eligible_voters(proposal).exclude(_standing_aside(proposal, "pk"))


def not_voted(proposal: Proposal) -> QuerySet[Person]:
    """Eligible people, not standing aside, without a vote yet."""
    voted = Vote.objects.filter(proposal=proposal, voter=OuterRef("pk"), is_latest=True)
    return eligible_counted(proposal).exclude(Exists(voted))


def option_specs(options: list[PollOption]) -> list[OptionSpec]:
    return [OptionSpec(id=o.pk, key=o.key, label=o.label) for o in options]


def proposal_tally(proposal: Proposal, options: list[PollOption] | None = None) -> Tally:
    """The tally of the counted votes, two queries whatever their number."""
    if options is None:
        options = list(proposal.options.all())
    rows = (
        VoteChoice.objects.filter(vote__in=counted_votes(proposal))
        .values("option_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    return tally_from_counts(
        proposal.kind,
        option_specs(options),
        [(r["option_id"], r["value"], r["n"]) for r in rows],
        counted_votes(proposal).count(),
    )


def results_hidden(proposal: Proposal) -> bool:
    """Hidden until closed means hidden from everyone, the author included."""
    return proposal.hide_results_until_closed and proposal.status == ProposalStatus.OPEN


@dataclass
class ProposalResults:
    tally: Tally | None  # None while the results are hidden
    counted_voters: int
    eligible_count: int
    voted_count: int
    not_voted: list[Person]
    stand_asides: list[StandAside]
    # A consent proposal's blocks, with their reasons and alternatives.
    blocks: list[Vote] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        return self.tally is None

    @property
    def participation(self) -> Decimal:
        """Percent of the eligible people (not standing aside) who voted."""
        if not self.eligible_count:
            return Decimal("0.0")
        return (Decimal(self.voted_count) * 100 / Decimal(self.eligible_count)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def proposal_results(
    proposal: Proposal, options: list[PollOption] | None = None
) -> ProposalResults:
    """Everything the page shows about the vote so far, in a bounded number of queries."""
    hidden = results_hidden(proposal)
    tally = None if hidden else proposal_tally(proposal, options)
    eligible = eligible_counted(proposal)
    voted = Vote.objects.filter(proposal=proposal, voter=OuterRef("pk"), is_latest=True)
    blocks: list[Vote] = []
    if proposal.kind == PollKind.PROPOSAL and not hidden:
        blocks = list(
            counted_votes(proposal)
            .filter(choices__option__key=ConsentChoice.BLOCK)
            .select_related("voter")
            .order_by("cast_at")
        )
    return ProposalResults(
        tally=tally,
        counted_voters=tally.counted_voters if tally else counted_votes(proposal).count(),
        eligible_count=eligible.count(),
        voted_count=eligible.filter(Exists(voted)).count(),
        not_voted=list(not_voted(proposal)),
        stand_asides=list(
            StandAside.objects.filter(proposal=proposal)
            .select_related("person", "recorded_by")
            .order_by("recorded_at")
        ),
        blocks=blocks,
    )


def final_tally_payload(proposal: Proposal) -> dict[str, Any]:
    """What the journal keeps of a closed vote: counts per option, who stood aside,
    and who chose what unless the vote was anonymous."""
    options = list(proposal.options.all())
    tally = proposal_tally(proposal, options)
    payload: dict[str, Any] = {
        "counted_voters": tally.counted_voters,
        "options": [
            {
                "key": o.key,
                "label": o.label,
                "count": o.count,
                "points": o.points,
                "percent": str(o.percent),
            }
            for o in tally.options
        ],
        "standing_aside": list(
            StandAside.objects.filter(proposal=proposal)
            .order_by("recorded_at")
            .values_list("person__slug", flat=True)
        ),
    }
    if not proposal.anonymous:
        names: dict[str, list[str]] = {o.key: [] for o in options}
        rows = (
            VoteChoice.objects.filter(vote__in=counted_votes(proposal))
            .order_by("option__position", "vote__voter__last_name", "vote__voter_id")
            .values_list("option__key", "vote__voter__slug", "value")
        )
        for key, slug, value in rows:
            names.setdefault(key, []).append(slug if value == 1 else f"{slug}:{value}")
        payload["voters"] = names
    return payload
