"""Reads of the commons registry that the pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cercle.commons.models import Common
from cercle.commons.policies import can_see_inactive, can_see_usage
from cercle.core.errors import NotFound
from cercle.missions.enums import OfferStatus
from cercle.missions.models import Mission, SupportRequest


def common_list(*, actor: Any, q: str = "", include_inactive: bool = False) -> QuerySet[Common]:
    """Active commons for everyone; inactive ones too for the network's stewards."""
    commons = Common.objects.prefetch_related("stewards").order_by("name")
    if not (include_inactive and can_see_inactive(actor)):
        commons = commons.filter(is_active=True)
    q = (q or "").strip()
    if q:
        commons = commons.filter(Q(name__icontains=q) | Q(purpose__icontains=q))
    return commons


def common_get(*, actor: Any, slug: str) -> Common:
    common = (
        Common.objects.select_related("created_by").prefetch_related("stewards").filter(slug=slug)
    ).first()
    if common is None or (not common.is_active and not can_see_inactive(actor)):
        raise NotFound(_("No common has this address."))
    return common


def common_choices() -> list[tuple[int, str]]:
    """Active commons for an offer's budget lines: (id, name)."""
    return list(Common.objects.filter(is_active=True).order_by("name").values_list("id", "name"))


@dataclass
class CommonUsage:
    """Which live offers and which missions use a common (for members)."""

    offers_count: int = 0
    missions_count: int = 0
    requests: list[SupportRequest] = field(default_factory=list)
    missions: list[Mission] = field(default_factory=list)


USAGE_LIMIT = 20


def common_usage(*, actor: Any, common: Common) -> CommonUsage | None:
    """None for people who may not see it; a bounded number of queries, whatever the size."""
    if not can_see_usage(actor):
        return None
    offer_requests = SupportRequest.objects.filter(
        offers__status=OfferStatus.SUBMITTED, offers__commons_lines__common=common
    ).distinct()
    missions = Mission.objects.filter(
        Q(commons_used__common=common) | Q(offer__commons_lines__common=common)
    ).distinct()
    return CommonUsage(
        offers_count=common.offer_lines.filter(offer__status=OfferStatus.SUBMITTED).count(),
        missions_count=missions.count(),
        requests=list(offer_requests.order_by("-created_at")[:USAGE_LIMIT]),
        missions=list(missions.select_related("request").order_by("-awarded_at")[:USAGE_LIMIT]),
    )
