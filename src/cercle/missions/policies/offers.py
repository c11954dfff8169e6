"""Who may submit, withdraw and see offers, and how much of an offer they see.

- the lead of a team submits and withdraws its offer, and attaches its files;
- the team's accepted members and the network's stewards see the offer in full
  (price, method, references, files, name warnings);
- other circle members see that offers were submitted (how many, their labels), never
  a price or a method before the award; after the award they see the awarded offer's
  team, price, days and commons lines (transparency);
- evaluators get the anonymised presentation through the selection topic, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.missions.enums import MemberStatus
from cercle.missions.models import Award, Offer, SupportRequest, Team, TeamMember
from cercle.missions.policies.common import refuse, viewer


class OfferAccess(IntEnum):
    """How much of an offer a person sees, from nothing to everything."""

    NONE = 0
    LABEL = 1  # that it exists: label and status
    AWARDED = 2  # the awarded offer after the award: team, price, days, commons lines
    FULL = 3  # the team and stewards: everything


@dataclass(frozen=True)
class OfferAudience:
    """What decides a person's access to the offers of one request (a few queries, once)."""

    person_id: int | None
    is_steward: bool
    in_circle: bool
    team_ids: frozenset[int]
    awarded_offer_id: int | None


def offer_audience(user: Any, support_request: SupportRequest) -> OfferAudience:
    v = viewer(user)
    person_id = v.person.pk if v.person else None
    team_ids: frozenset[int] = frozenset()
    if person_id is not None:
        team_ids = frozenset(
            TeamMember.objects.filter(
                request=support_request, person_id=person_id, status=MemberStatus.ACCEPTED
            ).values_list("team_id", flat=True)
        ) | frozenset(
            Team.objects.filter(request=support_request, lead_id=person_id).values_list(
                "id", flat=True
            )
        )
    awarded = (
        Award.objects.filter(request=support_request).values_list("offer_id", flat=True).first()
    )
    return OfferAudience(
        person_id=person_id,
        is_steward=v.is_steward,
        in_circle=v.in_circle,
        team_ids=team_ids,
        awarded_offer_id=awarded,
    )


def offer_access(audience: OfferAudience, offer: Offer) -> OfferAccess:
    if audience.is_steward or offer.team_id in audience.team_ids:
        return OfferAccess.FULL
    if not audience.in_circle:
        return OfferAccess.NONE
    if audience.awarded_offer_id == offer.pk:
        return OfferAccess.AWARDED
    return OfferAccess.LABEL


def can_see_offers_of(user: Any) -> bool:
    """Labels and counts: every circle member and steward, like the requests themselves."""
    v = viewer(user)
    return v.is_steward or v.in_circle


def _is_lead(user: Any, team: Team) -> bool:
    person = viewer(user).person
    return person is not None and person.pk == team.lead_id


def can_submit_offer(user: Any, team: Team) -> bool:
    return _is_lead(user, team) and team.dissolved_at is None


def check_can_submit_offer(user: Any, team: Team) -> None:
    refuse(can_submit_offer(user, team), _("Only the lead of the team submits its offer."))


def can_change_offer(user: Any, offer: Offer) -> bool:
    """Withdraw it or attach files: the team's lead (the deadline is the service's)."""
    return _is_lead(user, offer.team)


def check_can_change_offer(user: Any, offer: Offer) -> None:
    refuse(can_change_offer(user, offer), _("Only the lead of the team can change its offer."))


def check_can_view_offer(access: OfferAccess) -> None:
    refuse(
        access >= OfferAccess.AWARDED,
        _("Before the award, an offer is seen only by its team and the stewards."),
    )


def check_can_view_anonymised(access: OfferAccess) -> None:
    """The team checks what evaluators will read; stewards too. Evaluators go through
    the selection topic, which checks their conflicts first."""
    refuse(
        access >= OfferAccess.FULL,
        _("The anonymised presentation is for the team, the stewards and the evaluators."),
    )


def check_can_download(access: OfferAccess) -> None:
    if access < OfferAccess.FULL:
        raise NotAllowed(_("The offer's files are for its team and the stewards."))
