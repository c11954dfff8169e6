"""Reads of mission follow-up shared by the pages and the API; query counts are bounded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cercle.commons.models import Common
from cercle.core.errors import NotFound
from cercle.missions.enums import MemberStatus, MissionStatus
from cercle.missions.models import (
    Mission,
    MissionUpdate,
    OfferCommonsLine,
    QualityReview,
    SupportRequest,
    TeamMember,
)
from cercle.missions.policies.follow_up import (
    can_view_confidential,
    can_view_mission,
    check_can_review_quality,
    check_can_view_mission,
    check_can_view_missions,
)


def _accepted_members() -> Prefetch[Any]:
    return Prefetch(
        "team__members",
        queryset=TeamMember.objects.filter(status=MemberStatus.ACCEPTED).select_related("person"),
    )


def _base() -> QuerySet[Mission]:
    return Mission.objects.select_related("request", "lead", "team").prefetch_related(
        _accepted_members()
    )


def mission_list(*, actor: Any, status: str = "") -> QuerySet[Mission]:
    check_can_view_missions(actor)
    missions = _base()
    if status:
        missions = missions.filter(status=status)
    return missions.order_by("-awarded_at", "-id")


def mission_get(*, actor: Any, uuid: UUID | str) -> Mission:
    mission = (
        _base()
        .select_related("documentation__written_by", "survey", "offer")
        .prefetch_related(
            Prefetch("updates", queryset=MissionUpdate.objects.select_related("author")),
            "commons_used__common",
            Prefetch(
                "quality_reviews",
                queryset=QualityReview.objects.select_related("reviewed_by", "regulation_case"),
            ),
        )
        .filter(uuid=uuid)
        .first()
    )
    if mission is None:
        raise NotFound(_("No mission has this identifier."))
    check_can_view_mission(actor, mission)
    return mission


def mission_for_request(*, actor: Any, support_request: SupportRequest) -> Mission | None:
    """The request's mission, for its page, when the viewer may see it."""
    mission = _base().filter(request=support_request).first()
    if mission is None or not can_view_mission(actor, mission):
        return None
    return mission


def mission_update_list(*, actor: Any, mission: Mission) -> QuerySet[MissionUpdate]:
    check_can_view_mission(actor, mission)
    return MissionUpdate.objects.filter(mission=mission).select_related("author")


def mission_for_survey(*, uuid: UUID | str) -> Mission:
    """The mission a client's signed link names (the link itself is checked by services)."""
    mission = Mission.objects.select_related("request").filter(uuid=uuid).first()
    if mission is None:
        raise NotFound(_("No mission has this identifier."))
    return mission


def quality_review_list(*, actor: Any, mission: Mission) -> QuerySet[QualityReview]:
    check_can_view_mission(actor, mission)
    if not can_view_confidential(actor, mission):
        from cercle.core.errors import NotAllowed

        raise NotAllowed(_("Quality reviews are for stewards and the mission's team."))
    return QualityReview.objects.filter(mission=mission).select_related(
        "reviewed_by", "regulation_case"
    )


def quality_review_missions(*, actor: Any, year: int) -> QuerySet[Mission]:
    """The missions a steward reviews for `year`: awarded, delivered or documented in it,
    each with that year's review (if any) in `year_reviews`."""
    check_can_review_quality(actor)
    return (
        _base()
        .filter(Q(awarded_at__year=year) | Q(delivered_at__year=year) | Q(documented_at__year=year))
        .prefetch_related(
            Prefetch(
                "quality_reviews",
                queryset=QualityReview.objects.filter(year=year).select_related(
                    "reviewed_by", "regulation_case"
                ),
                to_attr="year_reviews",
            )
        )
        .order_by("-awarded_at", "-id")
    )


def offer_commons_lines(*, mission: Mission) -> list[OfferCommonsLine]:
    """The commons the awarded offer budgeted: the documentation form lists them first."""
    return list(OfferCommonsLine.objects.filter(offer_id=mission.offer_id).select_related("common"))


def common_choices() -> list[tuple[str, str]]:
    return list(Common.objects.filter(is_active=True).order_by("name").values_list("slug", "name"))


def commons_by_slug(slugs: list[str]) -> dict[str, Common]:
    return {c.slug: c for c in Common.objects.filter(slug__in=slugs)}


STATUS_CHOICES = MissionStatus.choices
