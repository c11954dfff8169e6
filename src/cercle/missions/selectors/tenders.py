"""Reads of the tender watch, shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.membership.models import CircleMembership
from cercle.missions.enums import RequestStatus, TenderInterestKind
from cercle.missions.models import SupportRequest, Tender, TenderComment, TenderInterest
from cercle.missions.policies.tenders import (
    can_lead_tender_answer,
    can_take_part,
    check_can_view_tenders,
)
from cercle.network.models import Person, Skill, Territory
from cercle.network.policies import person_or_none

UPCOMING = "upcoming"
PAST = "past"


def _with_counts(tenders: QuerySet[Tender]) -> QuerySet[Tender]:
    return tenders.select_related("posted_by").annotate(
        looking_count=Count(
            "interests", filter=Q(interests__kind=TenderInterestKind.LOOKING), distinct=True
        ),
        together_count=Count(
            "interests", filter=Q(interests__kind=TenderInterestKind.TOGETHER), distinct=True
        ),
        comment_count=Count("comments", distinct=True),
    )


def tender_list(*, actor: Any, when: str = UPCOMING) -> QuerySet[Tender]:
    """Upcoming tenders (deadline ahead, soonest first) or past ones (latest first),
    with their counts of interests and comments. Two queries a page at most."""
    check_can_view_tenders(actor)
    now = timezone.now()
    if when == PAST:
        tenders = Tender.objects.filter(deadline__lte=now).order_by("-deadline", "-id")
    else:
        tenders = Tender.objects.filter(deadline__gt=now).order_by("deadline", "id")
    return _with_counts(tenders)


def tender_get(*, actor: Any, uuid: UUID | str) -> Tender:
    check_can_view_tenders(actor)
    tender = _with_counts(Tender.objects.filter(uuid=uuid)).first()
    if tender is None:
        raise NotFound(_("No tender has this identifier."))
    return tender


def tender_interest_list(*, actor: Any, tender: Tender) -> list[TenderInterest]:
    check_can_view_tenders(actor)
    return list(tender.interests.select_related("person").order_by("created_at", "id"))


def tender_comment_list(*, actor: Any, tender: Tender) -> QuerySet[TenderComment]:
    check_can_view_tenders(actor)
    return tender.comments.select_related("author").order_by("created_at", "id")


def tender_request_list(*, actor: Any, tender: Tender) -> list[SupportRequest]:
    check_can_view_tenders(actor)
    return list(
        tender.support_requests.exclude(status=RequestStatus.UNCONFIRMED).order_by("created_at")
    )


@dataclass
class TenderDetail:
    tender: Tender
    interests: list[TenderInterest]
    comments: list[TenderComment]
    requests: list[SupportRequest]
    my_interest: str = ""
    can_take_part: bool = False
    can_lead: bool = False
    looking: list[TenderInterest] = field(default_factory=list)
    together: list[TenderInterest] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.tender.deadline > timezone.now()


def tender_detail(*, actor: Any, uuid: UUID | str) -> TenderDetail:
    """Everything the detail page shows, in a fixed number of queries."""
    check_can_view_tenders(actor)
    tender = (
        _with_counts(Tender.objects.filter(uuid=uuid))
        .prefetch_related(
            Prefetch(
                "interests",
                queryset=TenderInterest.objects.select_related("person").order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch(
                "comments",
                queryset=TenderComment.objects.select_related("author").order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch(
                "support_requests",
                queryset=SupportRequest.objects.exclude(status=RequestStatus.UNCONFIRMED).order_by(
                    "created_at"
                ),
            ),
        )
        .first()
    )
    if tender is None:
        raise NotFound(_("No tender has this identifier."))
    interests = list(tender.interests.all())
    person = person_or_none(actor)
    mine = next((i for i in interests if person and i.person_id == person.pk), None)
    return TenderDetail(
        tender=tender,
        interests=interests,
        comments=list(tender.comments.all()),
        requests=list(tender.support_requests.all()),
        my_interest=mine.kind if mine else "",
        can_take_part=can_take_part(actor, tender),
        can_lead=can_lead_tender_answer(actor, tender),
        looking=[i for i in interests if i.kind == TenderInterestKind.LOOKING],
        together=[i for i in interests if i.kind == TenderInterestKind.TOGETHER],
    )


# --- What a consortium's form needs -------------------------------------------------


def tender_people_choices(*, exclude: Person | None = None) -> list[tuple[str, str]]:
    """(slug, name) of the circle's members, who can be invited into a team."""
    # Exists: `circle_memberships__ended_at__isnull=True` is a LEFT JOIN that is also true
    # for people never in the circle (it listed the whole network).
    people = Person.objects.filter(
        Exists(CircleMembership.objects.filter(person=OuterRef("pk"), ended_at__isnull=True))
    )
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return [
        (slug, f"{first} {last}")
        for slug, first, last in people.order_by("last_name", "first_name").values_list(
            "slug", "first_name", "last_name"
        )
    ]


def tender_skill_choices() -> list[tuple[str, str]]:
    return list(
        Skill.objects.filter(is_active=True)
        .order_by("-is_major", "name")
        .values_list("slug", "name")
    )


def people_by_slugs(slugs: Iterable[str], *, field_name: str = "members") -> dict[str, Person]:
    """The people behind the slugs; a ValidationError names any unknown slug."""
    wanted = [s for s in dict.fromkeys(slugs) if s]
    found = {p.slug: p for p in Person.objects.filter(slug__in=wanted).select_related("user")}
    missing = [s for s in wanted if s not in found]
    if missing:
        raise ValidationError(
            {
                field_name: [
                    _("Nobody has this identifier: %(slugs)s.") % {"slugs": ", ".join(missing)}
                ]
            }
        )
    return found


def territory_by_code(code: str) -> Territory | None:
    return Territory.objects.filter(code=(code or "").strip().upper()).first()
