"""Reading proposals, their votes (anonymity respected) and their outcomes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.decisions.models import Group, Outcome, Proposal, Vote, VoteChoice
from cercle.decisions.policies.groups import readable_groups_q
from cercle.decisions.policies.proposals import check_can_read_proposal
from cercle.decisions.selectors.proposals_results import results_hidden
from cercle.membership.viewer import viewer_for
from cercle.network.models import Person


def proposal_list(
    *, actor: Any, group: Group | None = None, status: str = "", kind: str = ""
) -> QuerySet[Proposal]:
    """Proposals in the groups the viewer may read, newest first."""
    proposals = Proposal.objects.filter(
        group__in=Group.objects.filter(readable_groups_q(actor))
    ).select_related("group", "author", "thread")
    if group is not None:
        proposals = proposals.filter(group=group)
    if status:
        proposals = proposals.filter(status=status)
    if kind:
        proposals = proposals.filter(kind=kind)
    return proposals.order_by("-opened_at", "-id")


def proposal_get(*, actor: Any, uuid: UUID | str) -> Proposal:
    proposal = (
        Proposal.objects.select_related("group", "author", "thread")
        .prefetch_related("options")
        .filter(uuid=uuid)
        .first()
    )
    if proposal is None:
        raise NotFound(_("This proposal does not exist."))
    check_can_read_proposal(actor, proposal)
    return proposal


def _choices_prefetch() -> Prefetch:
    return Prefetch(
        "choices",
        queryset=VoteChoice.objects.select_related("option").order_by("option__position", "id"),
    )


def _with_choices(votes: QuerySet[Vote]) -> QuerySet[Vote]:
    return votes.select_related("voter").prefetch_related(_choices_prefetch())


def attach_choices(votes: list[Vote]) -> None:
    """Load the choices of votes from several lists in one query."""
    prefetch_related_objects(votes, _choices_prefetch())


def votes_visible(*, actor: Any, proposal: Proposal) -> bool:
    """Others' votes are shown unless the vote is anonymous."""
    return not proposal.anonymous


def choices_visible(*, actor: Any, proposal: Proposal) -> bool:
    """What others chose is hidden while results are hidden."""
    return not proposal.anonymous and not results_hidden(proposal)


def vote_list(
    *, actor: Any, proposal: Proposal, history: bool = False, with_choices: bool = True
) -> QuerySet[Vote]:
    """Everyone's votes (the latest, or all with `history`); for an anonymous vote, only
    the viewer's own. Without `with_choices` the caller loads them (`attach_choices`)."""
    votes = Vote.objects.filter(proposal=proposal)
    if not history:
        votes = votes.filter(is_latest=True)
    if not votes_visible(actor=actor, proposal=proposal):
        person = viewer_for(actor).person
        votes = votes.filter(voter=person) if person is not None else votes.none()
    votes = _with_choices(votes) if with_choices else votes.select_related("voter")
    return votes.order_by("-cast_at", "-id")


def my_votes(*, actor: Any, proposal: Proposal, with_choices: bool = True) -> list[Vote]:
    """The viewer's votes on the proposal, latest first (their history)."""
    person = viewer_for(actor).person
    if person is None:
        return []
    votes = Vote.objects.filter(proposal=proposal, voter=person)
    votes = _with_choices(votes) if with_choices else votes.select_related("voter")
    return list(votes.order_by("-cast_at", "-id"))


def outcome_list(*, actor: Any, proposal: Proposal) -> QuerySet[Outcome]:
    return proposal.outcomes.select_related("author").order_by("-created_at", "-id")


def voter_choices(*, group: Group) -> list[tuple[str, str]]:
    """The group's members, for a proposal's list of voters."""
    from cercle.decisions.policies.groups import group_members

    return [
        (p.slug, p.full_name) for p in group_members(group).only("slug", "first_name", "last_name")
    ]


def people_by_slugs(*, slugs: list[str]) -> tuple[list[Person], list[str]]:
    """The people found, and the slugs that match nobody."""
    found = list(Person.objects.filter(slug__in=slugs))
    known = {p.slug for p in found}
    return found, [s for s in slugs if s not in known]


def is_standing_aside(*, actor: Any, proposal: Proposal) -> bool:
    person = viewer_for(actor).person
    return person is not None and proposal.stand_asides.filter(person=person).exists()
