"""Selection (evaluators, declared ties, scores), awards, missions and what follows."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bench.dataset.context import Ctx, Pending
from bench.dataset.rows import Ids, put, uuid_from
from cercle.missions.enums import (
    MissionStatus,
    OfferStatus,
    RequestScope,
    RequestStatus,
    SelectionMode,
    TieKind,
)
from cercle.missions.models import (
    Award,
    Evaluator,
    Mission,
    MissionDocumentation,
    Score,
    TieDeclaration,
)
from cercle.reciprocity.enums import PolicyKind
from cercle.reciprocity.models import MissionContribution, TurnoverDeclaration

# Mission steps, each some days after the previous one; a step in the future is not reached.
STEPS = (
    (MissionStatus.STARTED, "started_at", (7, 30)),
    (MissionStatus.DELIVERED, "delivered_at", (30, 150)),
    (MissionStatus.DOCUMENTED, "documented_at", (5, 30)),
    (MissionStatus.CLOSED, "closed_at", (5, 40)),
)


class _Rows:
    def __init__(self) -> None:
        self.evaluators: list[dict[str, Any]] = []
        self.ties: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []
        self.ids = {m: Ids(m) for m in (Evaluator, TieDeclaration, Score)}


def generate_selection(
    ctx: Ctx, requests: list[dict[str, Any]], crit_of: dict[int, list[dict[str, Any]]]
) -> None:
    rng = ctx.rng
    steward = ctx.data["steward"]
    neutral = ctx.data["neutral"]
    offers_of = ctx.data["offers_of"]
    team_of = ctx.data["team_of"]
    rows = _Rows()
    for index, request in enumerate(requests):
        offers = [
            o for o in offers_of.get(request["id"], []) if o["status"] == OfferStatus.SUBMITTED
        ]
        if request["selection_mode"] != SelectionMode.DELEGATED or not offers:
            continue
        past = request["offers_deadline"] <= ctx.now
        if request["status"] == RequestStatus.AWARDED:
            for person in rng.sample(neutral, 2):
                _evaluate(ctx, rows, request, person, offers, crit_of, share=1.0, submit=True)
        elif request["status"] == RequestStatus.QUALIFIED and past:
            if index == 1:  # the landmark: one scoring, one done, one yet to declare ties
                _evaluate(ctx, rows, request, neutral[0], offers, crit_of, share=0.5, submit=False)
                _evaluate(ctx, rows, request, neutral[1], offers, crit_of, share=1.0, submit=True)
                _evaluate(ctx, rows, request, neutral[2], offers, crit_of, share=0, submit=False)
            else:
                for person in rng.sample(neutral, 2):
                    _evaluate(ctx, rows, request, person, offers, crit_of, share=0.5, submit=False)
    put(ctx, Evaluator, rows.evaluators)
    put(ctx, TieDeclaration, rows.ties)
    put(ctx, Score, rows.scores)

    awards, missions, docs, contributions, turnovers = [], [], [], [], []
    ids = {m: Ids(m) for m in (Award, Mission, MissionDocumentation)}
    contribution_ids, turnover_ids = Ids(MissionContribution), Ids(TurnoverDeclaration)
    optional = ctx.data["optional_journal"]
    for request in requests:
        if request["status"] != RequestStatus.AWARDED:
            continue
        offers = [o for o in offers_of[request["id"]] if o["status"] == OfferStatus.SUBMITTED]
        offer = rng.choice(offers)
        team = team_of[offer["id"]]
        awarded_at = request["_awarded_at"]
        delegated = request["selection_mode"] == SelectionMode.DELEGATED
        awards.append(
            {
                "id": ids[Award].take(),
                "uuid": uuid_from(rng),
                "request_id": request["id"],
                "offer_id": offer["id"],
                "mode": request["selection_mode"],
                "reasons": "La meilleure note pondérée." if delegated else "Le choix du client.",
                "decided_by_id": steward["id"] if delegated else None,
                "decided_by_client": "" if delegated else request["contact_name"],
                "awarded_at": awarded_at,
            }
        )
        mission: dict[str, Any] = {
            "id": ids[Mission].take(),
            "uuid": uuid_from(rng),
            "request_id": request["id"],
            "offer_id": offer["id"],
            "team_id": team["id"],
            "lead_id": team["lead_id"],
            "amount_ht": offer["price_ht"],
            "status": MissionStatus.AWARDED,
            "awarded_at": awarded_at,
            "started_at": None,
            "delivered_at": None,
            "documented_at": None,
            "closed_at": None,
            "last_update_at": None,
            "reminded_at": None,
            "_request": request,
        }
        moment = awarded_at
        for status, field, (low, high) in STEPS:
            moment = moment + timedelta(days=rng.randrange(low, high), hours=rng.randrange(9))
            if moment >= ctx.now:
                break
            mission["status"], mission[field], mission["last_update_at"] = status, moment, moment
        missions.append(mission)
        optional.append(
            Pending(
                at=awarded_at,
                verb="request.awarded",
                object_type="missions.supportrequest",
                object_id=str(request["uuid"]),
                object_label=request["title"],
                actor_id=ctx.data["user_of"][steward["id"]] if delegated else None,
            )
        )
        if mission["documented_at"] is not None:
            docs.append(
                {
                    "id": ids[MissionDocumentation].take(),
                    "mission_id": mission["id"],
                    "social_link": "Des habitants réunis chaque mois.",
                    "community_primacy": "La communauté du lieu a décidé des priorités.",
                    "pooling": "Outils et salles partagés.",
                    "territorial_impact": "Trois communes voisines associées.",
                    "resources_produced": "Un guide publié sous licence libre.",
                    "resources_links": "",
                    "written_by_id": mission["lead_id"],
                    "written_at": mission["documented_at"],
                }
            )
        local = request["scope"] == RequestScope.LOCAL
        policy, rate = (
            (PolicyKind.INTRODUCTION_FEE, Decimal("5"))
            if local
            else (PolicyKind.STRUCTURE_FEE, Decimal("20"))
        )
        if rng.random() < 0.2:
            policy, rate = PolicyKind.FLAT_RATE, Decimal("5")
        contributions.append(
            {
                "id": contribution_ids.take(),
                "uuid": uuid_from(rng),
                "mission_id": mission["id"],
                "policy": policy,
                "rate_percent": rate,
                "status": "agreed",
                "recorded_at": awarded_at,
            }
        )
        mission["_rate"] = rate
        if mission["delivered_at"] is not None:
            turnovers.append(
                {
                    "id": turnover_ids.take(),
                    "uuid": uuid_from(rng),
                    "mission_id": mission["id"],
                    "amount_ht": mission["amount_ht"],
                    "note": "",
                    "replaces_id": None,
                    "declared_by_id": mission["lead_id"],
                    "declared_at": mission["delivered_at"] + timedelta(days=2),
                }
            )
    put(ctx, Award, awards)
    put(ctx, Mission, missions)
    put(ctx, MissionDocumentation, docs)
    put(ctx, MissionContribution, contributions)
    put(ctx, TurnoverDeclaration, [t for t in turnovers if t["declared_at"] < ctx.now])
    ctx.data["missions"] = missions
    ctx.progress(f"missions: {len(missions)}")


def _evaluate(
    ctx: Ctx,
    rows: _Rows,
    request: dict[str, Any],
    person: dict[str, Any],
    offers: list[dict[str, Any]],
    crit_of: dict[int, list[dict[str, Any]]],
    *,
    share: float,
    submit: bool,
) -> None:
    rng = ctx.rng
    deadline = request["offers_deadline"]
    evaluator_id = rows.ids[Evaluator].take()
    declared = deadline + timedelta(hours=2) if share > 0 or submit else None
    submitted = None
    if submit:
        submitted = (request["revealed_at"] or ctx.now) - timedelta(hours=1)
    rows.evaluators.append(
        {
            "id": evaluator_id,
            "uuid": uuid_from(rng),
            "request_id": request["id"],
            "person_id": person["id"],
            "appointed_by_id": ctx.data["steward"]["id"],
            "appointed_at": deadline - timedelta(days=2),
            "ties_declared_at": declared,
            "conflicted_at": None,
            "conflict_reason": "",
            "submitted_at": submitted,
        }
    )
    if declared is None:
        return
    team_of = ctx.data["team_of"]
    for offer in offers:
        rows.ties.append(
            {
                "id": rows.ids[TieDeclaration].take(),
                "evaluator_id": evaluator_id,
                "team_id": team_of[offer["id"]]["id"],
                "kind": TieKind.NONE,
                "note": "",
                "declared_at": declared,
            }
        )
    scored = offers[: math.ceil(len(offers) * share)]
    for offer in scored:
        for criterion in crit_of[request["id"]]:
            if criterion["is_price"]:
                continue
            rows.scores.append(
                {
                    "id": rows.ids[Score].take(),
                    "evaluator_id": evaluator_id,
                    "offer_id": offer["id"],
                    "criterion_id": criterion["id"],
                    "mark": Decimal(rng.randrange(0, 41)) / 4,
                    "comment": "",
                    "updated_at": declared + timedelta(hours=3),
                }
            )
