"""Reads of requests that the pages and the API share, with the circle's visibility."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.core.models import JournalEntry
from cercle.missions.enums import OfferStatus, RequestStatus
from cercle.missions.models import (
    Offer,
    Positioning,
    RequestDocument,
    SupportRequest,
    Team,
)
from cercle.missions.policies.common import check_can_view_requests
from cercle.missions.policies.requests import check_can_view_request
from cercle.network.enums import TerritoryKind
from cercle.network.models import Organization, Skill, Territory


def _visible() -> QuerySet[SupportRequest]:
    return SupportRequest.objects.exclude(status=RequestStatus.UNCONFIRMED)


def _count(model: Any, **filters: Any) -> Any:
    """A correlated count, so that several counts do not multiply each other's rows."""
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce

    rows = (
        model.objects.filter(request=OuterRef("pk"), **filters)
        .order_by()
        .values("request")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def request_list(
    *,
    actor: Any,
    status: str = "",
    skill: str = "",
    department: str = "",
    q: str = "",
) -> QuerySet[SupportRequest]:
    """Confirmed requests, newest first, with counts of positionings, teams and offers."""
    check_can_view_requests(actor)
    requests = _visible().select_related("territory")
    if status:
        requests = requests.filter(status=status)
    if skill:
        skilled = SupportRequest.required_skills.through.objects.filter(
            supportrequest=OuterRef("pk"), skill__slug=skill
        )
        requests = requests.filter(Exists(skilled))
    if department:
        requests = requests.filter(territory__department_code=department.strip().upper())
    q = (q or "").strip()
    if q:
        requests = requests.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(client_name__icontains=q)
        )
    return requests.annotate(
        positioned_count=_count(Positioning, withdrawn_at__isnull=True),
        team_count=_count(Team, dissolved_at__isnull=True),
        offer_count=_count(Offer, status=OfferStatus.SUBMITTED),
    ).prefetch_related(Prefetch("required_skills", queryset=Skill.objects.order_by("name")))


def request_get(*, actor: Any, uuid: UUID | str) -> SupportRequest:
    """One request, for whoever may see it (404 when unknown or not yet confirmed,
    403 for people outside the circle)."""
    check_can_view_requests(actor)
    support_request = (
        SupportRequest.objects.select_related(
            "territory", "client_organization", "submitted_by", "qualified_by", "tender"
        )
        .prefetch_related(
            Prefetch("required_skills", queryset=Skill.objects.order_by("name")),
            "criteria",
            "documents",
        )
        .filter(uuid=uuid)
        .first()
    )
    if support_request is None or support_request.status == RequestStatus.UNCONFIRMED:
        raise NotFound(_("This request does not exist or is not visible yet."))
    check_can_view_request(actor, support_request)
    return support_request


def request_for_confirmation(*, uuid: UUID | str) -> SupportRequest:
    """A request by its UUID for its client's signed link (the token is checked later)."""
    support_request = SupportRequest.objects.filter(uuid=uuid).first()
    if support_request is None:
        raise NotFound(_("This request does not exist."))
    return support_request


def request_document_get(
    *, actor: Any, request_uuid: UUID | str, document_uuid: UUID | str
) -> RequestDocument:
    support_request = request_get(actor=actor, uuid=request_uuid)
    document = RequestDocument.objects.filter(request=support_request, uuid=document_uuid).first()
    if document is None:
        raise NotFound(_("This document does not exist."))
    return document


def positioning_list(*, support_request: SupportRequest) -> QuerySet[Positioning]:
    """Who positioned themselves on the request and did not withdraw; one query."""
    return (
        Positioning.objects.filter(request=support_request, withdrawn_at__isnull=True)
        .select_related("person")
        .order_by("created_at", "id")
    )


def cancel_reason(*, support_request: SupportRequest) -> str:
    """Why a cancelled request was cancelled, from the journal."""
    entry = (
        JournalEntry.objects.filter(
            verb="request.cancelled",
            object_type="missions.supportrequest",
            object_id=str(support_request.uuid),
        )
        .order_by("-seq")
        .first()
    )
    return str((entry.payload or {}).get("reason", "")) if entry else ""


def skill_choices() -> list[tuple[str, str]]:
    return list(Skill.objects.filter(is_active=True).order_by("name").values_list("slug", "name"))


def department_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} · {name}")
        for code, name in Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT)
        .order_by("code")
        .values_list("code", "name")
    ]


def organization_choices() -> list[tuple[str, str]]:
    return list(Organization.objects.order_by("name").values_list("slug", "name"))
