"""Who may do what on the tender watch.

- every member of the network (`network.policies.is_member`) reads the watch, posts a
  tender, says they are looking at one or want to answer together, and discusses it;
- the poster, anyone who said "together", or a steward turns a tender into a request
  (with its team) and records its result.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.missions.enums import TenderInterestKind
from cercle.missions.models import Tender, TenderInterest
from cercle.missions.policies.common import refuse
from cercle.network.policies import is_member, is_steward, person_or_none


def can_view_tenders(user: Any) -> bool:
    return bool(is_member(user))


def check_can_view_tenders(user: Any) -> None:
    refuse(can_view_tenders(user), _("The tender watch is open to members of the network."))


def can_post_tender(user: Any) -> bool:
    return bool(is_member(user))


def check_can_post_tender(user: Any) -> None:
    refuse(can_post_tender(user), _("Only members of the network can post a tender."))


def can_take_part(user: Any, tender: Tender) -> bool:
    """Say one's interest and discuss: any member."""
    return bool(is_member(user))


def check_can_take_part(user: Any, tender: Tender) -> None:
    refuse(
        can_take_part(user, tender),
        _("Only members of the network can take part in the tender watch."),
    )


def _answers_together(user: Any, tender: Tender) -> bool:
    person = person_or_none(user)
    if person is None:
        return False
    if tender.posted_by_id == person.pk:
        return True
    cache = getattr(tender, "_prefetched_objects_cache", {})
    if "interests" in cache:
        return any(
            i.person_id == person.pk and i.kind == TenderInterestKind.TOGETHER
            for i in cache["interests"]
        )
    return TenderInterest.objects.filter(
        tender=tender, person=person, kind=TenderInterestKind.TOGETHER
    ).exists()


def can_lead_tender_answer(user: Any, tender: Tender) -> bool:
    """Turn the tender into a request, record its result: the poster, anyone who said
    "together", or a steward."""
    if not is_member(user):
        return False
    return bool(is_steward(user)) or _answers_together(user, tender)


def check_can_lead_tender_answer(user: Any, tender: Tender) -> None:
    refuse(
        can_lead_tender_answer(user, tender),
        _(
            "Only the person who posted the tender, the members who want to answer "
            "together, or a steward can do this."
        ),
    )
