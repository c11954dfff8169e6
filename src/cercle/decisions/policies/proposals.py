"""Who may open, vote on, stand aside from, close and conclude a proposal.

- Reading a proposal is reading its group (`can_read_group`).
- Opening one: whoever may post in the group (its members and the stewards).
- Voting: the group's members, or only the people listed when `voters_limited`; a
  steward votes only as a member of the group. Someone standing aside does not vote.
- Standing aside: an eligible voter for themself; a steward for anyone eligible.
- Closing early and extending: the author or a steward, while the proposal is open.
- Writing the outcome: the author or a steward, once it is closed.

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.decisions.enums import ProposalStatus
from cercle.decisions.models import Group, Proposal
from cercle.decisions.policies.groups import (
    can_post_in_group,
    can_read_group,
    group_members,
    is_group_member,
)
from cercle.membership.viewer import viewer_for as _viewer
from cercle.network.models import Person


def eligible_voters(proposal: Proposal) -> QuerySet[Person]:
    """Everyone who may vote, people standing aside included (the caller leaves them
    out where they must not count)."""
    if proposal.voters_limited:
        return proposal.voters.all().order_by("last_name", "first_name", "pk")
    return group_members(proposal.group)


def is_eligible_voter(person: Person | None, proposal: Proposal) -> bool:
    if person is None:
        return False
    if proposal.voters_limited:
        return proposal.voters.filter(pk=person.pk).exists()
    return is_group_member(person, proposal.group)


def _is_author(user: Any, proposal: Proposal) -> bool:
    person = _viewer(user).person
    return person is not None and proposal.author_id == person.pk


def can_read_proposal(user: Any, proposal: Proposal) -> bool:
    return can_read_group(user, proposal.group)


def check_can_read_proposal(user: Any, proposal: Proposal) -> None:
    if not can_read_proposal(user, proposal):
        raise NotAllowed(_("Only the members of this group can read this proposal."))


def can_create_proposal(user: Any, group: Group) -> bool:
    return can_post_in_group(user, group)


def check_can_create_proposal(user: Any, group: Group) -> None:
    if not can_create_proposal(user, group):
        raise NotAllowed(
            _("Only the members of this group and the stewards can open a proposal in it.")
        )


def can_vote(user: Any, proposal: Proposal) -> bool:
    return is_eligible_voter(_viewer(user).person, proposal)


def check_can_vote(user: Any, proposal: Proposal) -> None:
    if not can_vote(user, proposal):
        if proposal.voters_limited:
            raise NotAllowed(_("Only the people listed by the author may vote on this proposal."))
        raise NotAllowed(_("Only the members of this group may vote on this proposal."))


def can_stand_aside(user: Any, proposal: Proposal, person: Person | None = None) -> bool:
    """`person` None or the viewer themself: a declaration; someone else: a steward's record."""
    viewer = _viewer(user)
    if viewer.person is None or proposal.status != ProposalStatus.OPEN:
        return False
    if person is None or person.pk == viewer.person.pk:
        return is_eligible_voter(viewer.person, proposal)
    return viewer.is_steward and is_eligible_voter(person, proposal)


def check_can_stand_aside(user: Any, proposal: Proposal, person: Person | None = None) -> None:
    viewer = _viewer(user)
    if person is not None and viewer.person is not None and person.pk != viewer.person.pk:
        if not viewer.is_steward:
            raise NotAllowed(
                _("Only a steward can record a conflict of interest for someone else.")
            )
        if not is_eligible_voter(person, proposal):
            raise NotAllowed(_("This person does not vote on this proposal."))
        return
    if not is_eligible_voter(viewer.person, proposal):
        raise NotAllowed(_("Only the people who vote on this proposal can stand aside."))


def can_manage_proposal(user: Any, proposal: Proposal) -> bool:
    """Close early, extend, write the outcome: the author or a steward."""
    return _viewer(user).is_steward or _is_author(user, proposal)


def check_can_manage_proposal(user: Any, proposal: Proposal) -> None:
    if not can_manage_proposal(user, proposal):
        raise NotAllowed(_("Only the author of the proposal or a steward can do this."))
