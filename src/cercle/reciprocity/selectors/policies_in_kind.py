"""Reads of contributions in kind and of the association's animation time.

Selectors used by other modules (keep their names and shapes stable):
- `in_kind_hours(*, person=None, common=None, year=None)` → `Decimal`: validated hours.
- `animation_hours_by_project(year)` → `list[dict]`, one row per project.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from cercle.commons.models import Common
from cercle.core.errors import NotFound
from cercle.membership.enums import ContractStatus
from cercle.membership.models import ContractChoice
from cercle.membership.viewer import viewer_for
from cercle.missions.enums import MemberStatus
from cercle.missions.models import Mission
from cercle.network.models import Organization, Person
from cercle.reciprocity.enums import InKindStatus
from cercle.reciprocity.ledger import cents
from cercle.reciprocity.models import AnimationTime, ContributionSettings, InKindContribution
from cercle.reciprocity.policies.policies import (
    check_can_declare_in_kind,
    check_can_review_in_kind,
    check_can_view_animation,
)

IN_KIND_KINDS = ("in_kind_project", "in_kind_event", "in_kind_welcome")


def in_kind_hours(
    *, person: Person | None = None, common: Common | None = None, year: int | None = None
) -> Decimal:
    """Hours given in kind and validated by a steward, filtered by giver, common and the
    year they were given in. One query."""
    entries = InKindContribution.objects.filter(status=InKindStatus.VALIDATED)
    if person is not None:
        entries = entries.filter(person=person)
    if common is not None:
        entries = entries.filter(common=common)
    if year is not None:
        entries = entries.filter(done_on__year=year)
    return entries.aggregate(h=Sum("hours"))["h"] or Decimal("0")


def animation_hours_by_project(year: int) -> list[dict[str, Any]]:
    """The association's animation hours of `year`, one row per project: keys `project`
    (its name), `mission_id`, `mission_uuid`, `organization_id`, `organization_name`
    (None when not linked) and `hours` (Decimal), most hours first. One query."""
    rows = (
        AnimationTime.objects.filter(done_on__year=year)
        .values("project", "mission_id", "mission__uuid", "organization_id", "organization__name")
        .annotate(total=Sum("hours"))
        .order_by("-total", "project")
    )
    return [
        {
            "project": row["project"],
            "mission_id": row["mission_id"],
            "mission_uuid": row["mission__uuid"],
            "organization_id": row["organization_id"],
            "organization_name": row["organization__name"],
            "hours": row["total"],
        }
        for row in rows
    ]


# ---------------------------------------------------------------- valuation


@dataclass(frozen=True)
class Valuation:
    hours: Decimal
    value: Decimal | None


def hour_value_setting() -> Decimal | None:
    settings = ContributionSettings.objects.filter(id=1).only("in_kind_hour_value").first()
    return settings.in_kind_hour_value if settings else None


def valuation(entry: InKindContribution, default_rate: Decimal | None) -> Valuation:
    """Hours, and their value only when a rate was set explicitly (on the entry, else
    in the settings): never converted silently."""
    rate = entry.hour_value if entry.hour_value is not None else default_rate
    return Valuation(entry.hours, cents(entry.hours * rate) if rate is not None else None)


def with_valuation(entries: Any, default_rate: Decimal | None) -> Any:
    for entry in entries:
        entry.valuation = valuation(entry, default_rate)
    return entries


# ---------------------------------------------------------------- lists


def _base() -> QuerySet[InKindContribution]:
    return InKindContribution.objects.select_related(
        "person", "organization", "contract_choice", "common", "mission__request", "decided_by"
    )


def in_kind_list_mine(*, actor: Any) -> QuerySet[InKindContribution]:
    check_can_declare_in_kind(actor)
    return _base().filter(person=viewer_for(actor).person).order_by("-done_on", "-id")


def in_kind_list(
    *, actor: Any, status: str = "", person: Person | None = None
) -> QuerySet[InKindContribution]:
    """Stewards: every declaration, pending ones first."""
    check_can_review_in_kind(actor)
    entries = _base()
    if status:
        entries = entries.filter(status=status)
    if person is not None:
        entries = entries.filter(person=person)
    return entries.order_by("-done_on", "-id")


def in_kind_get(*, actor: Any, uuid: UUID | str) -> InKindContribution:
    """The giver and stewards see an entry."""
    entry = _base().filter(uuid=uuid).first()
    v = viewer_for(actor)
    if entry is None or not (
        v.is_steward or (v.person is not None and v.person.pk == entry.person_id)
    ):
        raise NotFound(_("No contribution in kind has this identifier."))
    return entry


def in_kind_contract_choices(*, person: Person) -> QuerySet[ContractChoice]:
    """Items of in-kind kinds in the validated adhesion contracts of the person or of
    the organizations they belong to."""
    return (
        ContractChoice.objects.filter(
            contribution_kind__in=IN_KIND_KINDS, contract__status=ContractStatus.VALIDATED
        )
        .filter(
            Q(contract__applicant_person=person)
            | Q(contract__applicant_organization__memberships__person=person)
        )
        .select_related("item", "contract__applicant_organization")
        .distinct()
        .order_by("id")
    )


def animation_time_list(*, actor: Any, year: int | None = None) -> QuerySet[AnimationTime]:
    check_can_view_animation(actor)
    entries = AnimationTime.objects.select_related("steward", "mission__request", "organization")
    if year is not None:
        entries = entries.filter(done_on__year=year)
    return entries.order_by("-done_on", "-id")


def animation_total(*, year: int | None = None) -> Decimal:
    entries = AnimationTime.objects.all()
    if year is not None:
        entries = entries.filter(done_on__year=year)
    return entries.aggregate(h=Sum("hours"))["h"] or Decimal("0")


# ---------------------------------------------------------------- choices for the forms


def in_kind_item_choices(*, person: Person) -> list[tuple[str, str]]:
    """(item uuid, label) of the in-kind items of the person's validated contracts."""
    return [(str(c.item.uuid), str(c)) for c in in_kind_contract_choices(person=person)]


def contract_choice_by_item(*, person: Person, item_uuid: Any) -> ContractChoice | None:
    if not item_uuid:
        return None
    return in_kind_contract_choices(person=person).filter(item__uuid=item_uuid).first()


def common_choices() -> list[tuple[str, str]]:
    return list(Common.objects.filter(is_active=True).order_by("name").values_list("slug", "name"))


def common_by_slug(slug: str) -> Common | None:
    return Common.objects.filter(slug=slug).first() if slug else None


def person_mission_choices(*, person: Person) -> list[tuple[str, str]]:
    """Missions the person leads or is an accepted member of the team of."""
    missions = (
        Mission.objects.filter(
            Q(lead=person)
            | Q(team__members__person=person, team__members__status=MemberStatus.ACCEPTED)
        )
        .distinct()
        .order_by("-awarded_at")
        .values_list("uuid", "request__title")[:100]
    )
    return [(str(u), t) for u, t in missions]


def recent_mission_choices(limit: int = 200) -> list[tuple[str, str]]:
    missions = Mission.objects.order_by("-awarded_at").values_list("uuid", "request__title")
    return [(str(u), t) for u, t in missions[:limit]]


def mission_by_uuid(uuid: Any) -> Mission | None:
    if not uuid:
        return None
    return Mission.objects.select_related("request").filter(uuid=uuid).first()


def organization_choices(limit: int = 500) -> list[tuple[str, str]]:
    organizations = (
        Organization.objects.filter(member_since__isnull=False)
        .order_by("name")
        .values_list("slug", "name")
    )
    return list(organizations[:limit])


def organization_by_slug(slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug).first() if slug else None
