"""A proposal's results, participation and who has not voted, counted in SQL.

A page with 1,000 votes costs the same handful of queries as one with ten: the votes
are aggregated by the database (`option, value, how many`) and `decisions.tally`
turns the rows into counts and percentages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery

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


def proposal_tally(
    proposal: Proposal,
    options: list[PollOption] | None = None,
    counted_voters: int | None = None,
) -> Tally:
    """The tally of the counted votes, two queries whatever their number (one when the
    caller already counted the voters)."""
    if options is None:
        options = list(proposal.options.all())
    if counted_voters is None:
        counted_voters = counted_votes(proposal).count()
    # Filtering on the options too lets PostgreSQL use their index instead of scanning
    # every choice of every proposal (86 ms to 1 ms at 300,000 choices).
    rows = (
        VoteChoice.objects.filter(
            option_id__in=[o.pk for o in options], vote__in=counted_votes(proposal)
        )
        .values("option_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    return tally_from_counts(
        proposal.kind,
        option_specs(options),
        [(r["option_id"], r["value"], r["n"]) for r in rows],
        counted_voters,
    )


class _Count(Subquery):
    """The number of rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


@dataclass(frozen=True)
class VoteCounts:
    counted: int  # latest votes of people not standing aside: the votes that count
    latest: int  # the latest vote of each person (the votes list)
    every: int  # every vote, changes included (the votes list with its history)
    eligible: int  # eligible people not standing aside
    voted: int  # ... of whom have voted
    # Whether the viewer may vote (`eligible_voters`, the policy's rule, as a filter):
    # the same answer as `can_vote`, without a query of its own.
    viewer_eligible: bool = False

    @property
    def not_voted(self) -> int:
        return self.eligible - self.voted


def vote_counts(proposal: Proposal, viewer: Person | None = None) -> VoteCounts:
    """Every count the proposal's page shows, in one query whatever the numbers; with
    `viewer`, whether they may vote."""
    votes = Vote.objects.filter(proposal=proposal).order_by()
    eligible = eligible_counted(proposal).order_by()
    voted = Vote.objects.filter(proposal=proposal, voter=OuterRef("pk"), is_latest=True)
    me = eligible_voters(proposal).order_by()
    me = me.filter(pk=viewer.pk) if viewer is not None else me.none()
    row = (
        Proposal.objects.filter(pk=proposal.pk)
        .values(
            counted=_Count(counted_votes(proposal).order_by().values("pk")),
            latest=_Count(votes.filter(is_latest=True).values("pk")),
            every=_Count(votes.values("pk")),
            eligible=_Count(eligible.values("pk")),
            voted=_Count(eligible.filter(Exists(voted)).values("pk")),
            viewer_eligible=Exists(me),
        )
        .get()
    )
    return VoteCounts(**row)


def results_hidden(proposal: Proposal) -> bool:
    """Hidden until closed means hidden from everyone, the author included."""
    return proposal.hide_results_until_closed and proposal.status == ProposalStatus.OPEN


@dataclass
class ProposalResults:
    tally: Tally | None  # None while the results are hidden
    counted_voters: int
    eligible_count: int
    voted_count: int
    # Everyone who has not voted yet, or only their number (`not_voted_count`) when the
    # caller pages through `not_voted(proposal)` itself.
    not_voted: list[Person] | None
    stand_asides: list[StandAside]
    # A consent proposal's blocks, with their reasons and alternatives.
    blocks: list[Vote] = field(default_factory=list)
    counts: VoteCounts | None = None

    @property
    def not_voted_count(self) -> int:
        return self.eligible_count - self.voted_count

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
    proposal: Proposal,
    options: list[PollOption] | None = None,
    *,
    list_not_voted: bool = True,
    viewer: Person | None = None,
) -> ProposalResults:
    """Everything the page shows about the vote so far, in a bounded number of queries:
    the counts (one), the tally (one), the blocks, the stand-asides and, with
    `list_not_voted`, every person who has not voted yet (one each)."""
    hidden = results_hidden(proposal)
    counts = vote_counts(proposal, viewer)
    tally = None if hidden else proposal_tally(proposal, options, counted_voters=counts.counted)
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
        counted_voters=counts.counted,
        eligible_count=counts.eligible,
        voted_count=counts.voted,
        not_voted=list(not_voted(proposal)) if list_not_voted else None,
        stand_asides=list(
            StandAside.objects.filter(proposal=proposal)
            .select_related("person", "recorded_by")
            .order_by("recorded_at")
        ),
        blocks=blocks,
        counts=counts,
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
