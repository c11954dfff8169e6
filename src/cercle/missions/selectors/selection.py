"""Reads of a selection: evaluators, anonymised offers, marks, computed results."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from cercle.missions import scoring
from cercle.missions.enums import MemberStatus, OfferStatus
from cercle.missions.models import (
    Award,
    Criterion,
    Evaluator,
    Offer,
    Score,
    SupportRequest,
    TeamMember,
)
from cercle.missions.policies.common import check_can_view_requests
from cercle.missions.selectors.offers import anonymised_file_name, offers_anonymised
from cercle.network.models import Person


def request_get(*, uuid: UUID | str) -> SupportRequest:
    """A request by UUID for the selection's pages; access is checked by the caller."""
    return get_object_or_404(SupportRequest.objects.select_related("award"), uuid=uuid)


def visible_request_get(*, actor: Any, uuid: UUID | str) -> SupportRequest:
    check_can_view_requests(actor)
    return request_get(uuid=uuid)


def submitted_offers(*, request: SupportRequest) -> QuerySet[Offer]:
    """The offers in the selection, in label order (the order evaluators see)."""
    return (
        Offer.objects.filter(request=request, status=OfferStatus.SUBMITTED)
        .select_related("team", "team__lead")
        .order_by("label", "id")
    )


def client_offers(*, request: SupportRequest) -> QuerySet[Offer]:
    """The full offers the client chooses from, with each team's accepted members."""
    members = TeamMember.objects.filter(status=MemberStatus.ACCEPTED).select_related("person")
    return submitted_offers(request=request).prefetch_related(
        Prefetch("team__members", queryset=members, to_attr="accepted_members"),
        "commons_lines__common",
    )


def anonymised_offers(
    *, request: SupportRequest, offers: list[Offer] | None = None
) -> list[dict[str, Any]]:
    """What an evaluator reads, from the offers topic's anonymisation: no team, no names
    (they are stripped from the method, references and commons lines). `offers`: the
    request's `submitted_offers`, when the caller has them already."""
    if offers is None:
        offers = list(submitted_offers(request=request))
    return [
        {
            "uuid": offer.uuid,
            "label": offer.label,
            "price_ht": offer.price_ht,
            "days": offer.days,
            "method": offer.method,
            "references": offer.references,
            "commons_lines": [
                {"common": line.common_name, "amount_ht": line.amount_ht, "purpose": line.purpose}
                for line in offer.commons_lines
            ],
            "has_file": offer.file is not None,
            "file_name": offer.file_name,
        }
        for offer in offers_anonymised(offers)
    ]


def anonymised_file(*, request: SupportRequest, label: str) -> tuple[Any, str]:
    """The anonymised method file of one offer (never the original), and its file name."""
    offer = submitted_offers(request=request).filter(label=label).first()
    if offer is None or not offer.anonymised_method_file:
        raise Http404
    return offer.anonymised_method_file, anonymised_file_name(offer)


def criteria(*, request: SupportRequest) -> list[Criterion]:
    return list(Criterion.objects.filter(request=request).order_by("position", "id"))


def evaluator_list(*, request: SupportRequest) -> QuerySet[Evaluator]:
    return (
        Evaluator.objects.filter(request=request)
        .select_related("person", "appointed_by")
        .order_by("appointed_at", "id")
    )


def evaluator_get(*, uuid: UUID | str) -> Evaluator:
    return get_object_or_404(Evaluator.objects.select_related("request", "person__user"), uuid=uuid)


def evaluator_for(*, person: Person | None, request: SupportRequest) -> Evaluator | None:
    """The person's evaluator record on the request, with its person and user (the conflict
    checks read them) and `request` set to the caller's instance: one query."""
    if person is None:
        return None
    evaluator = (
        Evaluator.objects.filter(request=request, person=person)
        .select_related("person__user")
        .first()
    )
    if evaluator is not None:
        evaluator.request = request
    return evaluator


def marks_of(*, evaluator: Evaluator) -> dict[tuple[int, int], Score]:
    """An evaluator's scores keyed by (offer id, criterion id)."""
    return {(s.offer_id, s.criterion_id): s for s in Score.objects.filter(evaluator=evaluator)}


@dataclass
class EvaluationSheet:
    """What an evaluator works on, read once (five queries, whatever the number of offers):
    the submitted offers, their anonymised presentation, the criteria and the marks."""

    offers: list[Offer]
    anonymised: list[dict[str, Any]]
    criteria: list[Criterion]
    marks: dict[tuple[int, int], Score]

    def missing(self) -> list[str]:
        """The marks still to give, as “offer label – criterion”, in the order and the form
        of `services.selection.missing_marks` (which the submission checks)."""
        scored = [c for c in self.criteria if not c.is_price]
        return [
            f"{o.label} – {c.name}"
            for o in self.offers
            for c in scored
            if (o.pk, c.pk) not in self.marks
        ]

    def marks_by_position(self) -> list[tuple[str, int, Score]]:
        """(offer label, criterion position, score) of the marks on offers still submitted."""
        labels = {o.pk: o.label for o in self.offers}
        positions = {c.pk: c.position for c in self.criteria}
        return [
            (labels[offer_id], positions[criterion_id], score)
            for (offer_id, criterion_id), score in self.marks.items()
            if offer_id in labels and criterion_id in positions
        ]


def evaluation_sheet(*, request: SupportRequest, evaluator: Evaluator) -> EvaluationSheet:
    offers = list(submitted_offers(request=request))
    return EvaluationSheet(
        offers=offers,
        anonymised=anonymised_offers(request=request, offers=offers),
        criteria=criteria(request=request),
        marks=marks_of(evaluator=evaluator),
    )


def member_choices(*, request: SupportRequest) -> list[tuple[str, str]]:
    """Members who could be appointed (not already appointed), by name."""
    from cercle.network.enums import EngagementLevel

    taken = Evaluator.objects.filter(request=request).values("person_id")
    people = (
        Person.objects.filter(engagement_level__in=EngagementLevel.values)
        .exclude(pk__in=taken)
        .order_by("last_name", "first_name", "id")
        .only("slug", "first_name", "last_name")
    )
    return [(p.slug, p.full_name) for p in people[:500]]


def person_by_slug(*, slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).first()


# ---------------------------------------------------------------- results


@dataclass
class ResultRow:
    offer: Offer
    result: scoring.OfferResult
    points: list[Decimal] = field(default_factory=list)


@dataclass
class Results:
    grid: list[scoring.GridLine]
    rows: list[ResultRow]
    evaluators: list[Evaluator]
    counted: int

    @property
    def has_ties(self) -> bool:
        return any(row.result.tied for row in self.rows)

    def row_for(self, offer: Offer) -> ResultRow | None:
        return next((row for row in self.rows if row.offer.pk == offer.pk), None)


def grid_of(criteria_rows: list[Criterion]) -> list[scoring.GridLine]:
    return [scoring.GridLine(c.pk, c.name, c.weight, c.is_price) for c in criteria_rows]


def results_compute(*, request: SupportRequest) -> Results:
    """The ranking from the marks of every evaluator who submitted (five queries)."""
    grid = grid_of(criteria(request=request))
    offers = list(submitted_offers(request=request))
    evaluators = list(evaluator_list(request=request))
    counted = [e for e in evaluators if e.submitted_at and not e.conflicted_at]
    marks: dict[int, dict[tuple[str, int], Decimal]] = {e.pk: {} for e in counted}
    scores = Score.objects.filter(evaluator__in=[e.pk for e in counted], offer__in=offers)
    for evaluator_id, offer_id, criterion_id, mark in scores.values_list(
        "evaluator_id", "offer_id", "criterion_id", "mark"
    ):
        marks[evaluator_id][(str(offer_id), criterion_id)] = mark
    by_key = {str(o.pk): o for o in offers}
    computed = scoring.compute_results(
        grid=grid,
        prices={str(o.pk): o.price_ht for o in offers},
        marks=list(marks.values()),
        rule=request.price_rule,
    )
    rows = [
        ResultRow(offer=by_key[r.key], result=r, points=[r.points(line) for line in grid])
        for r in computed
    ]
    return Results(grid=grid, rows=rows, evaluators=evaluators, counted=len(counted))


def award_of(*, request: SupportRequest) -> Award | None:
    return Award.objects.filter(request=request).select_related("offer__team", "decided_by").first()
