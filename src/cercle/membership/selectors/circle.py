"""Reads on the circle, engagement follow-up and regulation cases."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.membership.enums import (
    CircleEndReason,
    ContractStatus,
    EngagementCheckStatus,
    RegulationDecision,
    RegulationStatus,
)
from cercle.membership.models import (
    AdhesionContract,
    CharterSignature,
    CharterVersion,
    CircleMembership,
    EngagementCheck,
    RegulationCase,
)
from cercle.membership.policies.charter import (
    check_can_follow_engagements,
    check_can_view_case,
    check_can_view_circle,
    person_of_user,
)
from cercle.network.models import Organization, Person
from cercle.network.policies import is_steward


def current_year() -> int:
    """The follow-up year, in the network's time zone."""
    return timezone.localdate().year


def _active_membership_of() -> Exists:
    return Exists(CircleMembership.objects.filter(person=OuterRef("pk"), ended_at__isnull=True))


# ---------------------------------------------------------------- circle


def circle_membership_active(*, person: Person) -> CircleMembership | None:
    return CircleMembership.objects.filter(person=person, ended_at__isnull=True).first()


def circle_history_for(*, person: Person) -> QuerySet[CircleMembership]:
    return CircleMembership.objects.filter(person=person).order_by("-joined_at")


def person_is_excluded(*, person: Person) -> bool:
    """Excluded by a regulation decision (even if they had left the circle meanwhile)."""
    return (
        RegulationCase.objects.filter(person=person, decision=RegulationDecision.EXCLUDE).exists()
        or CircleMembership.objects.filter(
            person=person, end_reason=CircleEndReason.EXCLUDED
        ).exists()
    )


def circle_member_list(*, actor: Any) -> QuerySet[Person]:
    """People in the circle now (members of the network only), with when they joined and
    whether they signed the current charter (`signed_current`)."""
    check_can_view_circle(actor)
    current = Subquery(CharterVersion.objects.order_by("-number").values("pk")[:1])
    joined = CircleMembership.objects.filter(person=OuterRef("pk"), ended_at__isnull=True)
    return (
        Person.objects.filter(_active_membership_of())
        .annotate(
            circle_joined_at=Subquery(joined.values("joined_at")[:1]),
            signed_current=Exists(
                CharterSignature.objects.filter(person=OuterRef("pk"), version=current)
            ),
        )
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.order_by("name")))
        .order_by("last_name", "first_name", "pk")
    )


def circle_member_choices(*, exclude: Person | None = None) -> list[tuple[str, str]]:
    """(slug, name) of the people in the circle, for a select (one query)."""
    people = Person.objects.filter(_active_membership_of()).order_by("last_name", "first_name")
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return [
        (slug, f"{first} {last}")
        for slug, first, last in people.values_list("slug", "first_name", "last_name")
    ]


def person_by_slug(*, slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).select_related("user").first()


def person_for_user(*, user: Any) -> Person | None:
    return person_of_user(user)


# ---------------------------------------------------------------- engagement follow-up


def engagement_titles() -> dict[str, str]:
    """Engagement code → title, from the newest version that names each code."""
    titles: dict[str, str] = {}
    rows = CharterVersion.objects.order_by("number").values_list(
        "engagements__code", "engagements__title"
    )
    for code, title in rows:
        if code:
            titles[code] = title
    return titles


def engagement_check_list(
    *,
    actor: Any,
    year: int | None = None,
    person_slug: str = "",
    status: str = "",
    engagement_code: str = "",
    mine: bool = False,
) -> QuerySet[EngagementCheck]:
    """A member sees their own checks; a steward sees everyone's (unless `mine`)."""
    me = person_of_user(actor)
    checks = EngagementCheck.objects.select_related("person", "checked_by")
    if mine or not is_steward(actor):
        if me is None:
            return checks.none()
        checks = checks.filter(person=me)
    if year is not None:
        checks = checks.filter(year=year)
    if person_slug:
        checks = checks.filter(person__slug=person_slug)
    if status:
        checks = checks.filter(status=status)
    if engagement_code:
        checks = checks.filter(engagement_code=engagement_code)
    return checks.order_by("-year", "person__last_name", "person__first_name", "person_id", "pk")


def engagement_check_get(*, actor: Any, check_id: UUID | str) -> EngagementCheck:
    check = engagement_check_list(actor=actor).filter(uuid=check_id).first()
    if check is None:
        raise NotFound(_("This engagement check does not exist."))
    return check


def engagement_behind_list(
    *,
    actor: Any,
    year: int,
    status: str = "",
    engagement_code: str = "",
    query: str = "",
) -> QuerySet[Person]:
    """Circle members with engagements not done for `year` (stewards only).

    Each person carries `behind_count`, `missed_count` and `behind_checks` (the checks
    not done, prefetched in one query for the whole page).
    """
    check_can_follow_engagements(actor)
    not_done = Q(engagement_checks__year=year) & ~Q(
        engagement_checks__status=EngagementCheckStatus.DONE
    )
    check_filter = EngagementCheck.objects.filter(year=year).exclude(
        status=EngagementCheckStatus.DONE
    )
    if status:
        not_done &= Q(engagement_checks__status=status)
        check_filter = check_filter.filter(status=status)
    if engagement_code:
        not_done &= Q(engagement_checks__engagement_code=engagement_code)
        check_filter = check_filter.filter(engagement_code=engagement_code)
    people = Person.objects.filter(_active_membership_of())
    if query:
        people = people.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query))
    return (
        people.annotate(
            behind_count=Count("engagement_checks", filter=not_done),
            missed_count=Count(
                "engagement_checks",
                filter=not_done & Q(engagement_checks__status=EngagementCheckStatus.MISSED),
            ),
        )
        .filter(behind_count__gt=0)
        .prefetch_related(
            Prefetch(
                "engagement_checks",
                queryset=check_filter.order_by("engagement_code"),
                to_attr="behind_checks",
            )
        )
        .order_by("-behind_count", "last_name", "first_name", "pk")
    )


# ---------------------------------------------------------------- regulation


def regulation_case_list(*, actor: Any, status: str = "") -> QuerySet[RegulationCase]:
    """Stewards see every case; others the cases about them or raised by them."""
    cases = RegulationCase.objects.select_related("person", "raised_by", "decided_by")
    if not is_steward(actor):
        me = person_of_user(actor)
        if me is None:
            return cases.none()
        cases = cases.filter(Q(person=me) | Q(raised_by=me))
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-created_at", "-pk")


def regulation_case_get(*, actor: Any, case_id: UUID | str) -> RegulationCase:
    case = (
        RegulationCase.objects.select_related("person", "raised_by", "decided_by")
        .filter(uuid=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("This regulation case does not exist."))
    check_can_view_case(actor, case)
    return case


def regulation_open_case_exists(*, person: Person) -> bool:
    return (
        RegulationCase.objects.filter(person=person)
        .exclude(status=RegulationStatus.DECIDED)
        .exists()
    )


# ---------------------------------------------------------------- stewards' home


def steward_counts(*, actor: Any, year: int) -> dict[str, int]:
    """The figures on the stewards' home page, in a fixed number of queries."""
    from cercle.membership.selectors.charter import resign_list

    check_can_follow_engagements(actor)
    return {
        "contracts_to_handle": AdhesionContract.objects.filter(
            status__in=[ContractStatus.SUBMITTED, ContractStatus.IN_DISCUSSION]
        ).count(),
        "to_resign": resign_list().count(),
        "behind": engagement_behind_list(actor=actor, year=year).count(),
        "open_cases": RegulationCase.objects.exclude(status=RegulationStatus.DECIDED).count(),
        "circle_members": Person.objects.filter(_active_membership_of()).count(),
    }
