"""The circle: requests, their criteria, teams, offers, selection, awards and missions."""

from __future__ import annotations

import string
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bench.dataset import names
from bench.dataset.context import Ctx, Pending
from bench.dataset.rows import Ids, put, uuid_from
from cercle.missions.enums import (
    MemberStatus,
    OfferStatus,
    RequestScope,
    RequestStatus,
    SelectionMode,
    TeamRole,
)
from cercle.missions.models import (
    Criterion,
    Offer,
    OfferCommonsLine,
    SupportRequest,
    Team,
    TeamMember,
)

DAY = timedelta(days=1)
CENT = Decimal("0.01")


def offer_label(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


def _plan_statuses(ctx: Ctx, n: int) -> list[tuple[str, date]]:
    """Each request's status and creation day; the first two are the landmarks."""
    rng = ctx.rng
    out: list[tuple[str, date]] = []
    start = date(ctx.first_year, 1, 1)
    for i in range(n):
        if i < 2:  # busy request and evaluation request: qualified, deadline just passed
            out.append((RequestStatus.QUALIFIED, ctx.today - timedelta(days=40)))
            continue
        created = ctx.day_between(start, ctx.today - DAY)
        age = (ctx.today - created).days
        if age < 20:
            status = rng.choices(
                [RequestStatus.UNCONFIRMED, RequestStatus.NEW, RequestStatus.QUALIFIED], [1, 2, 3]
            )[0]
        elif age < 90:
            status = rng.choices(
                [RequestStatus.QUALIFIED, RequestStatus.AWARDED, RequestStatus.CANCELLED], [4, 5, 1]
            )[0]
        else:
            status = rng.choices(
                [RequestStatus.AWARDED, RequestStatus.CANCELLED, RequestStatus.QUALIFIED],
                [15, 3, 1],
            )[0]
        out.append((status, created))
    return out


def generate_circle(ctx: Ctx) -> None:
    rng = ctx.rng
    steward = ctx.data["steward"]
    communes = ctx.data["communes"]
    clients = ctx.data["clients"]
    skills = ctx.data["skills"]
    plan = _plan_statuses(ctx, ctx.targets["requests"])

    req_ids = Ids(SupportRequest)
    requests: list[dict[str, Any]] = []
    req_skills: list[dict[str, Any]] = []
    rs_ids = Ids(SupportRequest.required_skills.through)
    criteria: list[dict[str, Any]] = []
    crit_ids = Ids(Criterion)
    crit_of: dict[int, list[dict[str, Any]]] = {}
    for i, (status, created) in enumerate(plan):
        rid = req_ids.take()
        code, town, _dep = rng.choice(communes)
        topic = rng.choice(names.REQUEST_TOPICS)
        client = rng.choice(clients) if rng.random() < 0.6 else None
        client_name = client["name"] if client else f"{rng.choice(names.CLIENT_KINDS)} de {town}"
        first, last = names.person_name(rng)
        low = Decimal(rng.randrange(3, 60) * 1000)
        created_at = ctx.at(created)
        row: dict[str, Any] = {
            "id": rid,
            "uuid": uuid_from(rng),
            "title": f"Accompagnement {topic} — {town}"[:200],
            "description": f"Nous cherchons un accompagnement sur : {topic}.",
            "client_organization_id": client["id"] if client else None,
            "client_name": client_name[:200],
            "contact_name": f"{first} {last}",
            "contact_email": f"contact.{rid}@client.{names.ascii_slug(town)[:30] or 'x'}.test",
            "contact_phone": "",
            "territory_id": code,
            "budget_min_ht": low,
            "budget_max_ht": low + Decimal(rng.randrange(0, 30) * 1000),
            "offers_deadline": created_at + timedelta(days=30),
            "desired_start": created + timedelta(days=60),
            "source": "direct",
            "tender_id": None,
            "status": status,
            "submitted_by_id": None,
            "created_at": created_at,
            "confirmed_at": None,
            "scope": "",
            "subsidiarity_note": "",
            "selection_mode": "",
            "price_rule": "proportional",
            "qualified_by_id": None,
            "qualified_at": None,
            "revealed_at": None,
        }
        if status != RequestStatus.UNCONFIRMED:
            row["confirmed_at"] = min(created_at + timedelta(hours=rng.randrange(1, 48)), ctx.now)
        if status in (RequestStatus.QUALIFIED, RequestStatus.AWARDED):
            qualified_at = row["confirmed_at"] + timedelta(days=rng.randrange(1, 8))
            row.update(
                scope=rng.choice([RequestScope.LOCAL, RequestScope.STRUCTURING]),
                selection_mode=SelectionMode.DELEGATED
                if i == 1 or (i > 1 and rng.random() < 0.4)
                else SelectionMode.CLIENT,
                qualified_by_id=steward["id"],
                qualified_at=min(qualified_at, ctx.now - timedelta(days=1)),
            )
            deadline = row["qualified_at"] + timedelta(days=rng.randrange(14, 31))
            if status == RequestStatus.AWARDED:
                # Awarded a few days after the deadline, before today.
                latest = ctx.now - timedelta(days=4)
                if deadline > latest:
                    deadline = latest
                    row["qualified_at"] = min(row["qualified_at"], deadline - timedelta(days=2))
            elif i < 2:
                deadline = ctx.now - timedelta(days=3)
            row["offers_deadline"] = deadline
            if status == RequestStatus.AWARDED:
                row["_awarded_at"] = min(
                    deadline + timedelta(days=rng.randrange(1, 4), hours=rng.randrange(8)),
                    ctx.now - timedelta(hours=20),
                )
                if row["selection_mode"] == SelectionMode.DELEGATED:
                    row["revealed_at"] = row["_awarded_at"] - timedelta(hours=12)
            if row["scope"] == RequestScope.STRUCTURING:
                row["subsidiarity_note"] = "Plusieurs compétences et un portage par l'association."
            grid = [("Prix", 30, True), ("Méthode", 40, False), ("Références", 30, False)]
            if rng.random() < 0.5:
                grid = [("Prix", 25, True), ("Méthode", 35, False)]
                grid += [("Références", 20, False), ("Ancrage local", 20, False)]
            rows = [
                {
                    "id": crit_ids.take(),
                    "request_id": rid,
                    "position": pos,
                    "name": name,
                    "weight": weight,
                    "is_price": is_price,
                }
                for pos, (name, weight, is_price) in enumerate(grid, start=1)
            ]
            criteria += rows
            crit_of[rid] = rows
        requests.append(row)
        req_skills += [
            {"id": rs_ids.take(), "supportrequest_id": rid, "skill_id": s}
            for s in rng.sample(skills, rng.randrange(1, 4))
        ]
        if row["status"] != RequestStatus.UNCONFIRMED:
            ctx.data.setdefault("optional_journal", []).append(
                Pending(
                    at=row["confirmed_at"],
                    verb="request.confirmed",
                    object_type="missions.supportrequest",
                    object_id=str(row["uuid"]),
                    object_label=row["title"],
                )
            )
    counts = _offer_counts(ctx, requests)
    put(ctx, SupportRequest, requests)
    put(ctx, SupportRequest.required_skills.through, req_skills)
    put(ctx, Criterion, criteria)
    ctx.data["requests"] = requests
    ctx.data["busy_request"] = requests[0]
    ctx.data["evaluation_request"] = requests[1]
    ctx.progress(f"requests: {len(requests)}")
    _teams_and_offers(ctx, requests, counts, crit_of)


def _offer_counts(ctx: Ctx, requests: list[dict[str, Any]]) -> list[int]:
    """How many offers each request gets: the busy one the most, the total on target."""
    rng = ctx.rng
    cap = len(ctx.data["consultants"])
    counts = [0] * len(requests)
    open_ = [
        i
        for i, r in enumerate(requests)
        if r["status"] in (RequestStatus.QUALIFIED, RequestStatus.AWARDED)
    ]
    # The last consultant (the plain member landmark) bids on neither landmark request.
    bidders = cap - 1 if cap > 1 else cap
    counts[0] = min(50, bidders)
    counts[1] = min(4, bidders)
    budget = ctx.targets["offers"] - counts[0] - counts[1]
    rest = [i for i in open_ if i > 1]
    for i in rest:
        if budget <= 0:
            break
        counts[i] = 1
        budget -= 1
    ceiling = max(1, min(counts[0] - 1, cap))
    for _ in range(len(rest) * ceiling):
        if budget <= 0 or not rest:
            break
        i = rng.choice(rest)
        if counts[i] < ceiling:
            counts[i] += 1
            budget -= 1
    for i in rest:  # an awarded request always had an offer
        if counts[i] == 0 and requests[i]["status"] == RequestStatus.AWARDED:
            requests[i]["status"] = RequestStatus.QUALIFIED
            requests[i]["revealed_at"] = None
    return counts


def _teams_and_offers(
    ctx: Ctx,
    requests: list[dict[str, Any]],
    counts: list[int],
    crit_of: dict[int, list[dict[str, Any]]],
) -> None:
    rng = ctx.rng
    consultants = ctx.data["consultants"]
    commons = ctx.data["commons"]
    team_ids, member_ids, offer_ids = Ids(Team), Ids(TeamMember), Ids(Offer)
    line_ids = Ids(OfferCommonsLine)
    teams, members, offers, lines = [], [], [], []
    offers_of: dict[int, list[dict[str, Any]]] = {}
    team_of: dict[int, dict[str, Any]] = {}
    members_of: dict[int, list[int]] = {}
    optional = ctx.data.setdefault("optional_journal", [])
    landmark_ids = {requests[0]["id"], requests[1]["id"]}
    for request, k in zip(requests, counts, strict=True):
        if k == 0:
            continue
        rid = request["id"]
        eligible = consultants[:-1] if rid in landmark_ids and len(consultants) > 1 else consultants
        spare = len(eligible) - k
        pool = rng.sample(eligible, min(len(eligible), k + min(spare, k)))
        heads, extra = pool[:k], pool[k:]
        opened, deadline = request["qualified_at"], request["offers_deadline"]
        request_offers = []
        for j, lead in enumerate(heads):
            tid = team_ids.take()
            created = opened + (deadline - opened) * rng.random() * 0.5
            team = {
                "id": tid,
                "uuid": uuid_from(rng),
                "request_id": rid,
                "name": f"Équipe {offer_label(j)} — {lead['last_name']}",
                "lead_id": lead["id"],
                "created_at": created,
                "dissolved_at": None,
            }
            teams.append(team)
            crew = [lead["id"]]
            members.append(_member(member_ids.take(), team, lead["id"], TeamRole.LEAD, None))
            if extra and rng.random() < 0.4:
                other = extra.pop()
                crew.append(other["id"])
                role = rng.choice([TeamRole.CO_CONTRACTOR, TeamRole.SUB_CONTRACTOR])
                members.append(_member(member_ids.take(), team, other["id"], role, lead["id"]))
            members_of[tid] = crew
            submitted = created + (deadline - created) * (0.3 + 0.69 * rng.random())
            submitted = min(submitted, ctx.now - timedelta(hours=1))
            price = Decimal(
                rng.randrange(
                    int(request["budget_min_ht"]) // 100, int(request["budget_max_ht"]) // 100 + 2
                )
                * 100
            )
            oid = offer_ids.take()
            offer = {
                "id": oid,
                "uuid": uuid_from(rng),
                "request_id": rid,
                "team_id": tid,
                "status": OfferStatus.SUBMITTED,
                "label": offer_label(j),
                "price_ht": price,
                "days": Decimal(max(1, int(price // 700))),
                "method": f"Notre méthode pour {request['title'][:80]}.",
                "references": "",
                "method_file": "",
                "anonymised_method_file": "",
                "name_warnings": [],
                "submitted_at": submitted,
                "withdrawn_at": None,
            }
            offers.append(offer)
            request_offers.append(offer)
            team_of[oid] = team
            chosen = rng.sample(commons, min(len(commons), rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5))))
            for common in chosen:
                share = (price * Decimal(rng.randrange(5, 40)) / 1000).quantize(CENT)
                lines.append(
                    {
                        "id": line_ids.take(),
                        "offer_id": oid,
                        "common_id": common["id"],
                        "amount_ht": max(share, Decimal("10.00")),
                        "purpose": "Contribution au commun",
                    }
                )
            optional.append(
                Pending(
                    at=submitted,
                    verb="offer.submitted",
                    object_type="missions.offer",
                    object_id=str(offer["uuid"]),
                    object_label=f"Offre {offer['label']}",
                    actor_id=ctx.data["user_of"][lead["id"]],
                )
            )
        offers_of[rid] = request_offers
    # Withdrawals: a few offers on requests still open or cancelled later, never the last.
    for request in requests:
        mine = offers_of.get(request["id"], [])
        if request["status"] == RequestStatus.QUALIFIED and request["id"] not in (
            requests[0]["id"],
            requests[1]["id"],
        ):
            for offer in mine[1:]:
                if rng.random() < 0.05:
                    offer["status"] = OfferStatus.WITHDRAWN
                    offer["withdrawn_at"] = min(
                        offer["submitted_at"] + timedelta(days=2), ctx.now - timedelta(minutes=5)
                    )
    put(ctx, Team, teams)
    put(ctx, TeamMember, members)
    put(ctx, Offer, offers)
    put(ctx, OfferCommonsLine, lines)
    ctx.data.update(
        offers_of=offers_of,
        team_of=team_of,
        members_of=members_of,
        commons_lines_of=_group(lines, "offer_id"),
    )
    ctx.progress(f"offers: {len(offers)}")
    from bench.dataset.selection import generate_selection

    generate_selection(ctx, requests, crit_of)


def _group(rows: list[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _member(
    pk: int, team: dict[str, Any], person: int, role: str, invited_by: int | None
) -> dict[str, Any]:
    return {
        "id": pk,
        "team_id": team["id"],
        "request_id": team["request_id"],
        "person_id": person,
        "role": role,
        "status": MemberStatus.ACCEPTED,
        "invited_by_id": invited_by,
        "invited_at": team["created_at"],
        "responded_at": team["created_at"] + timedelta(hours=2) if invited_by else None,
    }
